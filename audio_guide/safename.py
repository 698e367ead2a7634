"""Names read from files and requests that become paths: plain names, never outside their folder.

A routine, client, pack, language, token or manifest name comes from a person (a client file, a
state file, a URL). Before it is joined to a folder it must be a *plain name*: one path
component, no separator, no leading dot, no control character, no character a file system or
a URL reads as syntax (``: * ? " < > |``), and short enough that the longest file made from it
(``NAME.chapters.json``, ``NAME.LANG.yaml`` ...) still fits a file system's 255-byte limit.
``inside`` then resolves the joined path (links included) and refuses one that lands outside the
folder. This module sits at the bottom of the package: it imports only ``errors``.
"""

from __future__ import annotations

import re
from pathlib import Path

from audio_guide.errors import UsageError

NAME_MAX_BYTES = 200
"""Longest name, in UTF-8 bytes: 255 (a file system's limit) less room for the longest suffix."""
_SYNTAX = set('/\\:*?"<>|')
_UNHOLDABLE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
"""Unicode's categories Cc (controls) and Cs (surrogates), and the two noncharacters."""


def control_character(text: str) -> str | None:
    """The first character of ``text`` that no caption, feed, page or tag can hold (a control
    character, a lone surrogate, U+FFFE/U+FFFF), as ``U+XXXX``; None when there is none."""
    found = _UNHOLDABLE.search(text)
    return f"U+{ord(found.group()):04X}" if found else None


def name_problem(name: str, what: str) -> str | None:
    """What makes ``name`` unusable as a file name, as a sentence; None when it is a plain name."""
    if not name or not name.strip():
        return f"{what}: the name is empty"
    bad = control_character(name)
    if bad:
        return f"{what}: '{name!r}' contains a control character ({bad}); use a plain name"
    if name in (".", "..") or name.startswith(".") or any(c in _SYNTAX for c in name):
        return (
            f"{what}: '{name}' is not a plain name (no '/', '\\', ':', a leading '.' or any of "
            '* ? " < > |); name a file in its folder, like back_pain'
        )
    if name != name.strip() or name.endswith("."):
        return f"{what}: '{name}' starts or ends with a space or a dot; remove it"
    size = len(name.encode("utf-8"))
    if size > NAME_MAX_BYTES:
        return f"{what}: the name is {size} bytes long; the limit is {NAME_MAX_BYTES}"
    return None


def inside(folder: Path, name: str, what: str, suffix: str = "") -> Path:
    """``folder/NAME+suffix`` for a plain ``name`` that stays inside ``folder`` once resolved
    (symbolic links followed); ``UsageError`` (exit 2) otherwise."""
    problem = name_problem(name, what)
    if problem:
        raise UsageError(problem)
    path = folder / f"{name}{suffix}"
    if not is_inside(folder, path):
        raise UsageError(
            f"{what}: '{name}' leads outside {folder} (through a link); remove the link"
        )
    return path


def is_inside(folder: Path, path: Path) -> bool:
    """Whether ``path``, resolved (links followed), is ``folder`` or below it."""
    return path.resolve().is_relative_to(folder.resolve())
