"""Settings as typed: the one parser from text (command-line flags, the studio's fields) to a layer.

The CLI and the studio both call ``layer_from_strings``, so neither re-implements a range, a
choice, a word like ``slow`` or ``off``, or a message.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields

from audio_guide.errors import UsageError
from audio_guide.layers import Layer
from audio_guide.settings import PER_POINT_FLAGS, Settings, flag_name, parse_override, parse_value
from audio_guide.words import suggest


def setting_names() -> tuple[str, ...]:
    """Every setting a layer may carry, in ``Settings`` order."""
    return tuple(f.name for f in fields(Settings))


def layer_from_strings(strings: Mapping[str, object], source: str = "command line") -> Layer:
    """A settings layer from values as typed: the one parser behind flags and the studio.

    ``strings`` maps a setting name to its text (``{"rate": "130", "chime": "off"}``);
    ``holds``, ``cycles`` and ``phrases`` map to lists of texts as ``--hold``/``--cycles``/
    ``--phrase`` take them (``B54=45``, ``LI4=8/4/5``, ``press=Now press.``). ``None`` means
    "not given". Every problem is reported at once in one ``UsageError`` whose lines name the
    flag, with the command line's ranges and messages.
    """
    values: dict[str, object] = {}
    problems: list[str] = []
    known = setting_names()
    for name, raw in strings.items():
        if raw is None:
            continue
        try:
            if name not in known:
                raise UsageError(f"unknown setting '{name}'{suggest(name, known)}")
            if name in PER_POINT_FLAGS:
                if isinstance(raw, str) or not isinstance(raw, (list, tuple)):
                    raise UsageError(f"{name}: give a list of POINT=... texts")
                given = dict(parse_item(name, str(t)) for t in raw)
                if given:
                    values[name] = given
                continue
            if not isinstance(raw, (str, int, float)) or isinstance(raw, bool):
                raise UsageError(f"--{flag_name(name)}: give the value as text")
            values[name] = parse_value(name, str(raw), f"--{flag_name(name)}")
        except UsageError as exc:
            problems.append(str(exc))
    if problems:
        raise UsageError("\n".join(problems))
    return Layer(source, values)


def parse_item(name: str, text: str) -> tuple[str, object]:
    """One item of an item-by-item setting as its flag takes it (``B54=45``, ``press=Now.``)."""
    if name == "phrases":
        from audio_guide.authoring.phrases import parse_phrase_flag

        return parse_phrase_flag(text)
    return parse_override(PER_POINT_FLAGS[name], text)
