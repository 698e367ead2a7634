"""A point's texts: their references (``source``), cautions, and the same texts in other languages.

- ``source:`` is one text for the whole entry, or a mapping giving a reference per text
  (``location``, ``method``, ``purpose``, ``alternative``, ``cautions``, ``notes``); a caution may
  be ``{text, source}`` to carry its own.
- ``language:`` at the top of a point file says what language its ``points:`` are written in
  (``en`` by default; a routine's own points are in the routine's language).
- ``translations: {LANG: {ID: {title, location, method, purpose, alternative, cautions}}}`` gives
  a point's texts in another language. The point may be in the same file or a lower layer; the
  translation must give every text the point has, and its cautions one for one, in order (they
  keep the point's references).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

import yaml

from audio_guide.authoring.phrases import languages
from audio_guide.authoring.yamlread import Reader
from audio_guide.errors import Problem
from audio_guide.model import TEXT_FIELDS, Point, PointText
from audio_guide.words import suggest

SOURCE_KEYS = ("location", "method", "purpose", "alternative", "cautions", "notes")
CAUTION_KEYS = ("text", "source", "editorial")
TRANSLATION_KEYS = TEXT_FIELDS
Translations = Mapping[str, Mapping[str, PointText]]
"""Language -> point id -> texts."""


def read_language(reader: Reader, node: yaml.Node, what: str = "language") -> str | None:
    """A language with a shipped phrase table (``en``, ``es`` ...); else a problem at ``node``."""
    code = reader.text(node, what)
    known = languages()
    if code is not None and code not in known:
        reader.error(
            node,
            f"{what}: unknown language '{code}'{suggest(code, known)}; "
            f"languages: {', '.join(known)}",
        )
        return None
    return code


def read_source(
    reader: Reader, node: yaml.Node, pid: str
) -> tuple[str | None, tuple[tuple[str, str], ...]]:
    """``source:`` as (one reference for the whole entry, per-text references)."""
    if not isinstance(node, yaml.MappingNode):
        return " ".join(reader.texts(node, f"{pid}.source")) or None, ()
    fields = reader.mapping(node, f"{pid}.source", SOURCE_KEYS) or {}
    found = {k: " ".join(reader.texts(v, f"{pid}.source.{k}")) for k, v in fields.items()}
    return None, tuple((k, v) for k, v in found.items() if v)


def read_cautions(
    reader: Reader, node: yaml.Node | None, pid: str
) -> tuple[tuple[str, ...], tuple[str | None, ...], tuple[str | None, ...]]:
    """The cautions (a text, a list of texts or of ``{text, source}`` / ``{text, editorial}``),
    their own sources, and for each the reason it is the project's own advice (``editorial:``,
    None where a reference stands behind it). A caution names a source or is editorial, not both.
    """
    if node is None or (isinstance(node, yaml.SequenceNode) and not node.value):
        return (), (), ()
    items = node.value if isinstance(node, yaml.SequenceNode) else [node]
    texts: list[str] = []
    sources: list[str | None] = []
    editorial: list[str | None] = []
    for item in items:
        what = f"{pid}.cautions"
        source = reason = None
        if isinstance(item, yaml.MappingNode):
            fields = reader.mapping(item, what, CAUTION_KEYS, ("text",)) or {}
            text = reader.text(fields["text"], f"{what}.text") if "text" in fields else None
            if "source" in fields:
                source = " ".join(reader.texts(fields["source"], f"{what}.source"))
            if "editorial" in fields:
                reason = reader.text(fields["editorial"], f"{what}.editorial")
                if "source" in fields:
                    reader.error(
                        fields["editorial"],
                        f"{what}: give either 'source' (a reference says it) or 'editorial' "
                        "(the project's own advice, and why), not both",
                    )
        else:
            text = reader.text(item, what)
        if text is not None:
            texts.append(text)
            sources.append(source or None)
            editorial.append(reason or None)
    return tuple(texts), tuple(sources), tuple(editorial)


def read_translations(reader: Reader, node: yaml.Node) -> dict[str, dict[str, PointText]]:
    """A ``translations:`` section: language -> point id -> texts; problems on ``reader``."""
    out: dict[str, dict[str, PointText]] = {}
    codes = {k.value: k for k, _ in node.value} if isinstance(node, yaml.MappingNode) else {}
    for code, table in (reader.mapping(node, "translations", list(codes)) or {}).items():
        if read_language(reader, codes[code], "translations") is None:
            continue
        ids = {k.value: k for k, _ in table.value} if isinstance(table, yaml.MappingNode) else {}
        entries = reader.mapping(table, f"translations.{code}", list(ids)) or {}
        for pid, entry in entries.items():
            where = f"translations.{code}.{pid}"
            fields = reader.mapping(entry, where, TRANSLATION_KEYS, ("location",))
            if fields is None:
                continue
            text = {
                k: reader.text(fields[k], f"{where}.{k}")
                for k in TRANSLATION_KEYS
                if k in fields and k != "cautions"
            }
            cautions = (
                tuple(reader.texts(fields["cautions"], f"{where}.cautions"))
                if "cautions" in fields
                else ()
            )
            if text.get("location") is None:
                continue
            out.setdefault(code, {})[pid] = PointText(
                cautions=cautions,
                origin=reader.origin(ids[pid]),
                **text,  # type: ignore[arg-type]
            )
    return out


def attach(points: dict[str, Point], translations: Translations) -> list[Problem]:
    """Give each point in ``points`` its translations (in place); problems for the rest."""
    problems = []
    for code, table in translations.items():
        for pid, text in table.items():
            assert text.origin is not None
            at = (text.origin.file, text.origin.line, text.origin.col)
            where = f"translations.{code}.{pid}"
            point = points.get(pid)
            if point is None:
                known = suggest(pid, points)
                problems.append(Problem(*at, f"{where}: no point '{pid}' to translate{known}"))
                continue
            wrong = _mismatch(point, text, code)
            if wrong:
                problems.append(Problem(*at, f"{where}: {wrong}"))
                continue
            points[pid] = replace(point, translations=(*_others(point, code), (code, text)))
    return problems


def _others(point: Point, code: str) -> tuple[tuple[str, PointText], ...]:
    return tuple((lang, t) for lang, t in point.translations if lang != code)


def _mismatch(point: Point, text: PointText, code: str) -> str | None:
    """Why ``text`` cannot stand for ``point``'s texts in ``code``, if it cannot."""
    if code == point.language:
        return f"{point.name} is written in '{code}' already; change its own texts instead"
    missing = [k for k in TEXT_FIELDS[:-1] if getattr(point, k) and not getattr(text, k)]
    extra = [k for k in TEXT_FIELDS[:-1] if getattr(text, k) and not getattr(point, k)]
    if missing:
        return f"give its {', '.join(missing)} too (the point has them in '{point.language}')"
    if extra:
        return f"the point has no {', '.join(extra)} in '{point.language}'; leave it out"
    if len(text.cautions) != len(point.cautions):
        return (
            f"{len(text.cautions)} cautions for the point's {len(point.cautions)}; "
            "translate each caution, in the same order"
        )
    return None
