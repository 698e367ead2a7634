"""``voices``: the voices an engine offers."""

from __future__ import annotations

import argparse
import json
from typing import TextIO

from audio_guide.errors import UsageError
from audio_guide.sound.engines import get_engine
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
    if args.json:
        json.dump([v.as_dict() for v in voices], out, indent=2)
        out.write("\n")
        return 0
    for v in voices:
        out.write(f"{v.id:<28} {v.name:<32} {','.join(v.languages):<12} {v.gender or ''}\n")
    return 0
