"""``points``: the effective point library and lexicon, and where each entry came from."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TextIO

from audio_guide.authoring.config import read_profiles
from audio_guide.authoring.phrases import languages
from audio_guide.authoring.pointnames import describe, lookup, spellings
from audio_guide.authoring.points import Library, assemble
from audio_guide.cli.options import add_points_flag
from audio_guide.errors import ExportError, UsageError
from audio_guide.figures import figure_of, picture_png, picture_svg
from audio_guide.model import Point
from audio_guide.words import suggest


def caution_source(point: Point, index: int) -> str:
    """What stands behind caution ``index``: its reference, or ``editorial: WHY``."""
    note = point.caution_editorial_note(index)
    if note:
        return f"editorial (the project's own advice): {note}"
    return point.caution_source(index) or ""


def add(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Register ``points``."""
    help_text = "List the effective point library (shipped, user, --points, profile, routine)."
    p: argparse.ArgumentParser = sub.add_parser("points", help=help_text, description=help_text)
    p.add_argument("id", nargs="?", metavar="ID", help="show one point (id, WHO code or name)")
    p.add_argument("--json", action="store_true", help="print the library as JSON")
    p.add_argument(
        "--picture",
        type=Path,
        metavar="FILE",
        help="write the point's picture to FILE (.svg or .png); needs ID",
    )
    add_points_flag(p, "a point file over the shipped and user points (repeatable)")
    p.add_argument("--profile", type=Path, help="a profile whose points: and lexicon: apply")
    p.add_argument("--routine", metavar="ROUTINE", help="a routine whose own points: apply")
    p.add_argument(
        "--lang",
        metavar="LANG",
        help="show the texts in this language (en, es, de, fr); points without them say so",
    )
    p.set_defaults(run=run)


def library_for(args: argparse.Namespace) -> Library:
    """The library as ``build``/``plan`` would assemble it for these flags."""
    profiles = read_profiles(args.profile)
    library = assemble([lib for _, lib in profiles], args.points)
    if args.routine:
        from audio_guide.authoring.validate import find_routine, load_routine_library

        library = load_routine_library(find_routine(args.routine), library)[1]
    return library


def point_dict(point: Point, library: Library, language: str | None = None) -> dict[str, object]:
    """A point as JSON (its texts in ``language``, else its own), with ``from`` (its layer and
    file position), what it replaced, and the reference of each text and caution."""
    shown = point.in_language(language) if language else point
    out: dict[str, object] = {"id": point.id, "name": point.name}
    if point.who:
        out["who"] = point.who
    out["language"] = shown.language if shown else language
    if shown is None:
        out["missing"] = f"no text in '{language}' (it has {', '.join(point.languages())})"
    else:
        for name in ("title", "region", "location", "method", "purpose", "alternative"):
            value = getattr(shown, name)
            if value:
                out[name] = value
        out["cautions"] = list(shown.cautions)
    out["languages"] = list(point.languages())
    out["figure"] = figure_of(point)
    if point.figure is not None:
        out["figure_place"] = point.figure.as_dict()
    out["bilateral"] = point.bilateral
    out["sides"] = point.sides.value
    if point.notes:
        out["notes"] = point.notes
    sources = {
        k: v
        for k in ("location", "method", "purpose", "alternative")
        if (v := point.source_of(k)) and getattr(point, k)
    }
    sources |= {f"caution {i + 1}": caution_source(point, i) for i in range(len(point.cautions))}
    if point.source and not point.sources:
        out["source"] = point.source
    elif sources:
        out["source"] = sources
    out["from"] = describe(point, library.layer_of[point.id])
    text = dict(point.translations).get(language or "")
    if text is not None and text.origin is not None:
        out["texts_from"] = str(text.origin)
    if point.id in library.replaced:
        out["replaces"] = list(library.replaced[point.id])
    return out


def _language(args: argparse.Namespace) -> str | None:
    if args.lang is None:
        return None
    known = languages()
    if args.lang not in known:
        raise UsageError(
            f"--lang: unknown language '{args.lang}'{suggest(args.lang, known)}; "
            f"languages: {', '.join(known)}"
        )
    return str(args.lang)


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Print the library (or one point) as a table, details or JSON."""
    language = _language(args)
    if args.picture is not None and not args.id:
        raise UsageError("--picture needs a point: audio-guide points ID --picture FILE")
    if args.picture is not None and args.picture.suffix.lower() not in (".svg", ".png"):
        raise UsageError(f"--picture: '{args.picture}' must end in .svg or .png")
    library = library_for(args)
    points = library.points
    if args.id:
        found = lookup(points, args.id)
        if len(found) != 1:
            raise UsageError(
                f"no point '{args.id}' in the library{suggest(args.id, spellings(points))}"
                if not found
                else f"'{args.id}' names {len(found)} points: {', '.join(p.id for p in found)}"
            )
        if args.picture is not None:
            return _write_picture(found[0], language, args.picture, out)
        data = point_dict(found[0], library, language)
        if args.json:
            out.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
        else:
            lines: list[tuple[str, object]] = []
            for k, v in data.items():
                if k == "cautions" and isinstance(v, list):
                    lines += [(f"caution {i}", c) for i, c in enumerate(v, 1)]
                elif not isinstance(v, dict):
                    lines.append((k, ", ".join(map(str, v)) if isinstance(v, list) else v))
            lines += [(f"source {k}", v) for k, v in _mapping(data.get("source"))]
            width = max(len(k) for k, _ in lines)
            for k, v in lines:
                out.write(f"{k:<{width}}  {v}\n")
            spoken = library.voice().spoken(found[0].name)
            if spoken != found[0].name:
                out.write(f"{'spoken':<{width}}  {spoken}\n")
        return 0
    if args.json:
        data_all = {
            "points": [point_dict(p, library, language) for p in points.values()],
            "lexicon": {
                w: {"spoken": s, "from": library.lexicon_from[w]}
                for w, s in library.lexicon.items()
            },
        }
        out.write(json.dumps(data_all, indent=2, ensure_ascii=False) + "\n")
        return 0
    rows = [
        (p.id, p.name, p.who or "", _title(p, language), describe(p, library.layer_of[p.id]))
        for p in points.values()
    ]
    head = ("id", "name", "who", "title", "from")
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(4)]
    for row in [head, *rows]:
        out.write("  ".join(c.ljust(w) for c, w in zip(row, widths)) + f"  {row[4]}\n")
    out.write(f"\n{len(rows)} points; {len(library.lexicon)} lexicon entries (--json lists them)\n")
    return 0


def _title(point: Point, language: str | None) -> str:
    shown = point.in_language(language) if language else point
    if shown is None:
        return f"(no '{language}' text)"
    return shown.title or ""


def _mapping(value: object) -> list[tuple[str, object]]:
    return list(value.items()) if isinstance(value, dict) else []


def _write_picture(point: Point, language: str | None, path: Path, out: TextIO) -> int:
    """Write the point's picture (texts in ``language`` for its description) to ``path``."""
    from audio_guide.outputs.files import atomic_path, cannot_write

    shown = (point.in_language(language) if language else None) or point
    if point.figure is None:
        raise UsageError(
            f"point {point.id} has no picture; give it a 'figure:' in its point file "
            "(a region and a place, or an image file)"
        )
    data = (
        picture_png(shown) if path.suffix.lower() == ".png" else (picture_svg(shown) or "").encode()
    )
    try:
        with atomic_path(path) as tmp:
            tmp.write_bytes(data or b"")
    except OSError as exc:
        raise ExportError(cannot_write(path, exc)) from exc
    out.write(f"wrote {path}\n")
    return 0
