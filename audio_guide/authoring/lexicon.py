"""The pronunciation lexicon: written forms as people read them -> the forms the voice says.

A point is written "LI 4" (as the article writes it) and shown so in captions, chapters and the
picture; the voice needs "L I 4" to spell the meridian. A lexicon maps written to spoken text.
It lives in point files, routines and profiles (``lexicon:``) and merges entry by entry with the
same precedence as points. Entries match case-sensitively, longest first, and never inside a
longer word: an entry starting (ending) with a letter needs no letter just before (after) it,
one starting (ending) with a digit needs no digit there. So ``LI`` turns "LI 4" and "LI4" into
"L I 4" and "L I4", but leaves "LIGHT" and "CLI" alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

import yaml

from audio_guide.authoring.yamlread import Reader
from audio_guide.model import Origin


class Lexicon:
    """Written -> spoken replacements applied in one pass (a replacement is never re-read)."""

    def __init__(self, entries: Mapping[str, str] | Iterable[tuple[str, str]] = ()) -> None:
        self.entries = dict(entries)
        keys = sorted(self.entries, key=lambda k: (-len(k), k))
        self._pattern = re.compile("|".join(_bounded(k) for k in keys)) if keys else None

    def spoken(self, text: str) -> str:
        """``text`` as the voice should say it."""
        if self._pattern is None:
            return text
        return self._pattern.sub(lambda m: self.entries[m.group(0)], text)


def _bounded(key: str) -> str:
    def guard(char: str) -> str:
        if char.isalpha():
            return r"[^\W\d_]"
        return r"\d" if char.isdigit() else ""

    before, after = guard(key[0]), guard(key[-1])
    return (f"(?<!{before})" if before else "") + re.escape(key) + (f"(?!{after})" if after else "")


def read_lexicon(
    reader: Reader, node: yaml.Node, what: str = "lexicon"
) -> dict[str, tuple[str, Origin]]:
    """Read ``lexicon: {written: spoken}`` into ``written -> (spoken, where)``.

    Both sides must be non-empty text; a written form may not contain a line break and keeps its
    inner spacing exactly (it is matched as written).
    """
    if not isinstance(node, yaml.MappingNode):
        reader.error(node, f"{what} must be a mapping of written forms to spoken forms")
        return {}
    keys = [k.value for k, _ in node.value if isinstance(k, yaml.ScalarNode)]
    out: dict[str, tuple[str, Origin]] = {}
    fields = reader.mapping(node, what, keys) or {}
    key_nodes = {k.value: k for k, _ in node.value if isinstance(k, yaml.ScalarNode)}
    for written, value in fields.items():
        key_node = key_nodes[written]
        if not written.strip() or written != written.strip() or "\n" in written:
            reader.error(
                key_node,
                f"{what}: the written form {written!r} must be text without leading or "
                "trailing spaces",
            )
            continue
        spoken = reader.text(value, f"{what}.{written}")
        if spoken is not None:
            out[written] = (spoken, reader.origin(key_node))
    return out
