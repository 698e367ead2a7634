"""``voices``: the voices an engine offers."""

from __future__ import annotations

import argparse
import json
from typing import Any, TextIO

from audio_guide.errors import UsageError
from audio_guide.sound.engines import VoiceInfo, get_engine
from audio_guide.sound.engines.voices import speaks


def add(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Register ``voices``."""
    v = sub.add_parser(
        "voices", help="List the available voices.", description="List the available voices."
    )
    v.add_argument("--engine", default="pyttsx3", help="speech engine")
    v.add_argument("--lang", help="only voices for this language code or prefix (en, en-gb)")
    v.add_argument("--json", action="store_true", help="print JSON")
    v.set_defaults(run=run)


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """List voices, optionally of one language."""
    voices = get_engine(args.engine).voices()
    if args.lang:
        voices = [v for v in voices if speaks(v, args.lang)]
        if not voices:
            raise UsageError(
                f"no {args.engine} voice speaks '{args.lang}'; run 'audio-guide voices'"
            )
    if args.engine == "recorded":
        return _packs(voices, args.json, out)
    if args.json:
        json.dump([v.as_dict() for v in voices], out, indent=2)
        out.write("\n")
        return 0
    for v in voices:
        out.write(f"{v.id:<28} {v.name:<32} {','.join(v.languages):<12} {v.gender or ''}\n")
    return 0


def pack_coverage(name: str) -> dict[str, object]:
    """A pack's clips, counts 1..60 and each shipped routine of its language: (recorded, needed)."""
    from audio_guide import build as pipeline
    from audio_guide.authoring.effective import effective_settings
    from audio_guide.authoring.validate import shipped_routines
    from audio_guide.sound.packs import find_pack
    from audio_guide.sound.recording import count_coverage, routine_coverage

    pack = find_pack(name)
    routines: dict[str, list[int]] = {}
    for spec in shipped_routines():
        routine = pipeline.load(spec)
        if routine.language == pack.language:
            settings, _ = effective_settings(routine, [])
            routines[spec] = list(routine_coverage(pack, routine, settings))
    return {
        "clips": pack.clip_count(),
        "counts": list(count_coverage(pack)),
        "routines": routines,
        "path": str(pack.path),
    }


def _packs(voices: list[VoiceInfo], as_json: bool, out: TextIO) -> int:
    """Voice packs with their speaker, language and coverage."""
    rows = [{**v.as_dict(), "coverage": pack_coverage(v.id)} for v in voices]
    if as_json:
        json.dump(rows, out, indent=2, ensure_ascii=False)
        out.write("\n")
        return 0
    for row, v in zip(rows, voices):
        cov: dict[str, Any] = row["coverage"]  # type: ignore[assignment]
        have = "; ".join(f"{name} {a}/{b}" for name, (a, b) in cov["routines"].items())
        out.write(
            f"{v.id:<16} {v.name:<24} {','.join(v.languages):<6} {cov['clips']} clips; "
            f"counts {cov['counts'][0]}/{cov['counts'][1]}" + (f"; {have}" if have else "") + "\n"
        )
    if not rows:
        from audio_guide.sound.packs import packs_dir

        out.write(
            f"no voice packs in {packs_dir()} yet: record one in the studio, or see "
            "'audio-guide pack import --help'\n"
        )
    return 0
