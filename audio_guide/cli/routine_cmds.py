"""``build`` and ``plan``: the commands that take a routine and voice, pacing and sound flags.

Only the parser is built at import; the pipeline is imported when a command runs, so
``--help`` stays instant (``python -X importtime -m audio_guide --help`` shows what loads).
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import TextIO

from audio_guide.authoring import limits
from audio_guide.authoring.config import read_profiles
from audio_guide.authoring.points import assemble
from audio_guide.cli.options import add_points_flag
from audio_guide.errors import UsageError
from audio_guide.flags import layer_from_strings
from audio_guide.layers import Layer
from audio_guide.outputs.captions import FORMATS as CAPTION_FORMATS
from audio_guide.outputs.report import count_warnings, fmt_time, format_settings, format_table
from audio_guide.settings import PER_POINT_FLAGS
from audio_guide.sound.engines import engine_names

SETTING_FLAGS = (
    "tick",
    "bed",
    "bed_level",
    "loudness",
    "voice",
    "rate",
    "volume",
    "pitch",
    "pace",
    "count",
    "find",
    "sides",
    "repeat",
    "repetitions",
    "engine",
    "fill",
    "format",
)


def routine_parser(
    sub: argparse._SubParsersAction,  # type: ignore[type-arg]
    name: str,
    help_text: str,
) -> argparse.ArgumentParser:
    """A command that takes a routine with the voice, pacing and sound flags, ``--profile``
    and ``--points`` (``build``, ``plan``, ``handout``)."""
    p: argparse.ArgumentParser = sub.add_parser(name, help=help_text, description=help_text)
    p.add_argument(
        "routine",
        metavar="ROUTINE",
        help="a routine file, or the name of a shipped routine (e.g. back_pain)",
    )
    g = p.add_argument_group("voice and pacing")
    g.add_argument("--voice", help="voice id (gmw/en-us), variant (en-us+f3), name or language")
    g.add_argument("--rate", help="speaking rate in words per minute (80..400)")
    g.add_argument("--volume", help="speech volume (0.05..1)")
    g.add_argument("--pitch", help="voice pitch (0..100)")
    g.add_argument("--pace", help="scale finding time and pauses: a factor, slow, normal, brisk")
    g.add_argument("--count", help="spoken counts: every, every:N, countdown:N, none")
    g.add_argument("--find", help="seconds to find each point before pressing (0..120)")
    g.add_argument("--sides", help="which sides to work: both, left, right")
    g.add_argument("--repeat", help="rounds of the whole routine (1..20)")
    g.add_argument(
        "--repetitions",
        metavar="on|off",
        help="say which repetition of cycles this is ('3 of 10') with its first cue",
    )
    g.add_argument(
        "--hold",
        action="append",
        default=[],
        metavar="POINT=SECONDS",
        help="override a steady hold, e.g. B54=45 (repeatable)",
    )
    g.add_argument(
        "--cycles",
        action="append",
        default=[],
        metavar="POINT=PRESS/RELEASE/TIMES",
        help="override press/release cycles, e.g. LI4=8/4/5 (repeatable)",
    )
    g.add_argument(
        "--phrase",
        action="append",
        default=[],
        metavar="KEY=TEXT",
        help="say TEXT for the phrase KEY, e.g. press='Now press.', or for one plural form "
        "of it, e.g. hold_plan.one='Hold for one second.' (repeatable)",
    )
    g.add_argument("--engine", help=f"speech engine ({', '.join(engine_names())})")
    g.add_argument(
        "--fill",
        metavar="ENGINE",
        help="with --engine recorded: speak what the voice pack lacks with ENGINE",
    )
    snd = p.add_argument_group("sound")
    snd.add_argument(
        "--no-chime", action="store_true", help="no bells at the start and end of holds"
    )
    snd.add_argument("--tick", metavar="N", help="a quiet tick every N seconds during holds")
    snd.add_argument("--bed", metavar="noise|FILE", help="a calm bed under the speech")
    snd.add_argument(
        "--bed-level", metavar="DB", help="bed level in the gaps, dB below the speech (-20)"
    )
    snd.add_argument(
        "--loudness", metavar="LUFS", help="loudness target (-16), or 'off' for raw levels"
    )
    p.add_argument(
        "--profile",
        type=Path,
        help="a profile file with voice:, pacing:, sound: and phrases: sections "
        "(over the default profile)",
    )
    add_points_flag(p, "a point file over the shipped and user points (repeatable)")
    p.add_argument(
        "--max-hours",
        metavar="H",
        help=f"refuse programmes longer than H hours (default {limits.MAX_HOURS:g}, "
        f"at most {limits.MAX_HOURS_LIMIT:g})",
    )
    p.add_argument("--cache-dir", type=Path, help="clip cache folder (default: user cache)")
    p.add_argument("--no-cache", action="store_true", help="synthesize every clip afresh")
    return p


def add(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Register ``build`` and ``plan``."""
    b = routine_parser(
        sub, "build", "Render a routine to an MP3 (or M4B, Opus) and its timeline JSON."
    )
    b.add_argument(
        "-o",
        "--output",
        type=Path,
        help="output file (.mp3, .m4b, .opus or .wav); default output/NAME.FORMAT",
    )
    b.add_argument(
        "--format",
        metavar="mp3|m4b|opus|wav",
        help="the audio file: mp3 (default), m4b (AAC with chapters, for audiobook players), "
        "opus (Ogg Opus), wav (uncompressed); -o must end in it",
    )
    b.add_argument(
        "--captions", metavar="vtt,lrc", help="also write NAME.vtt and/or NAME.lrc captions"
    )
    b.add_argument("--cover", type=Path, metavar="IMAGE", help="embed a PNG/JPEG cover")
    p = routine_parser(sub, "plan", "Show a routine's timeline without rendering audio.")
    p.add_argument("--json", action="store_true", help="print the timeline contract as JSON")
    p.add_argument(
        "--settings",
        action="store_true",
        help="print the effective settings and where each came from",
    )
    p.add_argument(
        "--picture", type=Path, metavar="OUT.svg|OUT.png", help="draw the routine on a time axis"
    )
    b.set_defaults(run=run)
    p.set_defaults(run=run)


def flag_layer(args: argparse.Namespace) -> Layer:
    """The command line's settings layer (voice, pacing and sound flags)."""
    strings: dict[str, object] = {name: getattr(args, name, None) for name in SETTING_FLAGS}
    if getattr(args, "no_chime", False):
        strings["chime"] = "off"
    for name, flag in PER_POINT_FLAGS.items():
        strings[name] = getattr(args, flag)
    return layer_from_strings(strings)


def _caption_formats(text: str | None) -> list[str]:
    if not text:
        return []
    formats = [f.strip().lower() for f in text.split(",") if f.strip()]
    unknown = [f for f in formats if f not in CAPTION_FORMATS]
    if unknown or not formats:
        raise UsageError(
            f"--captions: '{text}' should list {' and/or '.join(CAPTION_FORMATS)}, e.g. vtt,lrc"
        )
    return list(dict.fromkeys(formats))


def _progress(stream: TextIO):  # type: ignore[no-untyped-def]
    if not stream.isatty():
        return None
    last = [0.0]

    def report(stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - last[0] < 0.1:
            return
        last[0] = now
        pct = 100 * done // max(total, 1)
        stream.write(f"\r{stage}: {pct:3d}%" + ("\n" if done >= total else ""))
        stream.flush()

    return report


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Run ``build`` or ``plan``."""
    from audio_guide.runtime import prefetch

    prefetch(ffmpeg=args.command == "build")
    from audio_guide import build as pipeline
    from audio_guide.authoring.effective import effective_settings
    from audio_guide.outputs.naming import output_format
    from audio_guide.sound.synth import ClipCache, default_cache_dir
    from audio_guide.sound.voicing import engine_for, resolve_voice

    max_hours = limits.parse_max_hours(args.max_hours)
    profiles = read_profiles(args.profile)
    library = assemble([lib for _, lib in profiles], args.points)
    routine = pipeline.load(args.routine, library)
    captions = _caption_formats(getattr(args, "captions", None))
    layers = [*(layer for layer, _ in profiles), flag_layer(args)]
    settings, origins = effective_settings(routine, layers)
    if args.command == "plan" and args.settings:
        engine = engine_for(settings, origins)
        voice_id = resolve_voice(engine, settings, origins)
        out.write(format_settings(settings, origins, {"voice": voice_id}) + "\n")
        return 0
    if args.command == "build":
        output, settings = output_format(settings, origins, args.output, routine.name)
    cache = ClipCache(None if args.no_cache else (args.cache_dir or default_cache_dir()))
    progress = _progress(err)
    plan = pipeline.make_plan(
        routine,
        settings,
        origins,
        cache,
        progress=progress,
        max_hours=max_hours,
        mastering=args.command == "build",
    )
    for line in count_warnings(plan.timeline):
        err.write(line + "\n")
    if args.command == "plan":
        if args.picture:
            from audio_guide.outputs.picture import draw

            draw(plan.timeline, args.picture)
            out.write(f"wrote {args.picture}\n")
        elif args.json:
            out.write(json.dumps(plan.timeline.as_dict(), indent=2, ensure_ascii=False) + "\n")
        else:
            out.write(format_table(plan.timeline) + "\n")
        return 0
    started = time.monotonic()
    written = pipeline.render(plan, output, progress, captions, args.cover)
    out.write(
        f"wrote {output} ({fmt_time(plan.timeline.duration)}) and "
        f"{', '.join(str(p) for p in written)} in {time.monotonic() - started:.1f} s\n"
    )
    return 0
