"""``handout``: a printable handout of a routine (HTML or PDF), with one client's settings too.

It takes the flags of ``build`` and ``plan`` (and their settings layers: routine < profiles <
flags, or a practice client file < flags) and plans the routine (speech is synthesized or taken
from the clip cache, nothing is mixed) for its total length.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO

from audio_guide.cli.batch_cmd import parse_base_url
from audio_guide.cli.routine_cmds import flag_layer, routine_parser


def add(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Register ``handout``."""
    p = routine_parser(
        sub,
        "handout",
        "Write a printable handout of a routine (HTML, or PDF): each point's picture, name, "
        "location and cautions, the work, the safety lines and the total length.",
    )
    p.add_argument(
        "-o",
        "--output",
        type=Path,
        metavar="FILE",
        help="the handout: .html (print it from a browser) or .pdf; "
        "default output/NAME.handout.html",
    )
    p.add_argument(
        "--client",
        type=Path,
        metavar="FILE",
        help="a practice's client file (DIR/clients/NAME.yaml): ROUTINE is one of its routines, "
        "made with its settings and in its language (instead of --profile and --points)",
    )
    p.add_argument(
        "--base-url",
        metavar="URL",
        help="with --client: where the practice's site/ is published (as for batch); the "
        "handout then carries a QR code of the client's feed",
    )
    p.set_defaults(run=run)


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Plan the routine and write its handout."""
    from audio_guide.runtime import prefetch

    prefetch(ffmpeg=False)
    from audio_guide import build as pipeline
    from audio_guide.authoring import limits
    from audio_guide.authoring.config import read_profiles
    from audio_guide.authoring.effective import effective_settings
    from audio_guide.authoring.points import assemble
    from audio_guide.errors import UsageError
    from audio_guide.outputs.handout import check_suffix, clock, handout, write_handout
    from audio_guide.sound.synth import ClipCache, default_cache_dir

    if args.output is not None:
        check_suffix(args.output)
    max_hours = limits.parse_max_hours(args.max_hours)
    base_url = parse_base_url(args.base_url)
    feed: str | None = None
    if args.client is not None:
        if args.profile is not None or args.points:
            raise UsageError(
                "--client: a client file is a profile with its own points; "
                "give --client without --profile or --points"
            )
        from audio_guide.practice.handouts import for_client

        made = for_client(args.client, args.routine, [flag_layer(args)], base_url, max_hours)
        routine, settings, origins, feed = made.routine, made.settings, made.origins, made.feed
        name = f"{made.client}-{routine.name}"
        if made.note:
            err.write(f"audio-guide: {made.note}\n")
    else:
        if base_url is not None:
            raise UsageError("--base-url: give it with --client (a practice client's feed)")
        profiles = read_profiles(args.profile)
        library = assemble([lib for _, lib in profiles], args.points)
        routine = pipeline.load(args.routine, library)
        layers = [*(layer for layer, _ in profiles), flag_layer(args)]
        settings, origins = effective_settings(routine, layers)
        name = routine.name
    output = args.output or Path("output") / f"{name}.handout.html"
    cache = ClipCache(None if args.no_cache else (args.cache_dir or default_cache_dir()))
    plan = pipeline.make_plan(routine, settings, origins, cache, max_hours=max_hours)
    data = handout(routine, settings, plan.timeline.duration, feed)
    write_handout(data, output)
    steps = f"{len(data.entries)} step{'' if len(data.entries) == 1 else 's'}"
    qr = ", QR code of the feed" if feed else ""
    out.write(f"wrote {output} ({steps}, {clock(plan.timeline.duration)}{qr})\n")
    return 0
