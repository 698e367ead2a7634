"""How a step names a point: by id, WHO code or written name, case and spaces ignored
(``bl40``, ``BL 40`` and ``B54`` all find the article's B 54), and where a point came from."""

from __future__ import annotations

from collections.abc import Mapping

from audio_guide.model import Point


def describe(point: Point, label: str) -> str:
    """``LABEL FILE:LINE:COL`` for a point."""
    return f"{label} {point.origin}" if point.origin else label


def key(text: str) -> str:
    """How names are compared: case and spaces ignored."""
    return "".join(text.split()).casefold()


def lookup(points: Mapping[str, Point], text: str) -> list[Point]:
    """The points ``text`` names: by id, else by WHO code, else by written name.

    More than one point means the name is ambiguous at that tier.
    """
    wanted = key(text)
    for attr in ("id", "who", "name"):
        found = [p for p in points.values() if (v := getattr(p, attr)) and key(v) == wanted]
        if found:
            return found
    return []


def spellings(points: Mapping[str, Point]) -> list[str]:
    """Every id, WHO code and written name, for 'did you mean' suggestions."""
    out: dict[str, None] = {}
    for p in points.values():
        out.update(dict.fromkeys(v for v in (p.id, p.who, p.name) if v))
    return list(out)
