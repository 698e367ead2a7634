"""Point search for the step menu: by code (exact first), name, title and region, in the page's
language and in English, ignoring case and accents ("mano" finds LI 4; "li4" finds LI 4).

Region names per language are data: the catalogue keys ``region.NAME`` (``static/i18n``).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from audio_guide.model import Point
from audio_guide.studio.messages import catalogue

LIMIT = 12
"""The most results shown."""


def fold(text: str) -> str:
    """``text`` without accents, case-folded (``Índice`` -> ``indice``)."""
    parts = unicodedata.normalize("NFKD", text)
    return "".join(c for c in parts if not unicodedata.combining(c)).casefold()


def region_name(region: str | None, lang: str) -> str:
    """A region's name in the page language (``hand`` -> ``mano``); the region as is when the
    catalogue has no name for it."""
    if not region:
        return ""
    return catalogue(lang if lang in ("en", "es", "de", "fr") else "en").get(
        f"region.{region}", region
    )


def _codes(point: Point) -> set[str]:
    return {fold(c).replace(" ", "") for c in (point.id, point.name, point.who or "") if c}


def rank(query: str, shown: Point, english: Point, lang: str) -> int | None:
    """0: the query is the point's code; 1: a code starts with it; 2: every word of it is in
    the point's name, title or region (page language or English); None: no match."""
    words = fold(query).split()
    if not words:
        return 2
    compact = "".join(words)
    codes = _codes(shown)
    if compact in codes:
        return 0
    if any(c.startswith(compact) for c in codes) and any(ch.isdigit() for ch in compact):
        return 1
    texts: list[str] = [*codes]
    for point, in_lang in ((shown, lang), (english, "en")):
        texts += [point.name, point.title or "", point.region or ""]
        texts.append(region_name(point.region, in_lang))
    hay = fold(" ".join(texts))
    return 2 if all(w in hay for w in words) else None


def search(pairs: Iterable[tuple[Point, Point]], query: str, lang: str) -> list[Point]:
    """The points of ``pairs`` (each in the page language, and in English) that match
    ``query``, best first (library order among equals), at most ``LIMIT``."""
    ranked = [
        (r, i, shown)
        for i, (shown, english) in enumerate(pairs)
        if (r := rank(query, shown, english, lang)) is not None
    ]
    return [p for _, _, p in sorted(ranked, key=lambda x: (x[0], x[1]))][:LIMIT]
