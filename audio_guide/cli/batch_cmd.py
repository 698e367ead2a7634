"""``batch``: build every out-of-date track of a practice folder and deliver the client feeds."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO

from audio_guide.authoring import limits


def add(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Register ``batch``."""
    help_text = (
        "Build every client x routine track of a practice folder that is out of date (and "
        "nothing else), then write each client's feed.xml and index.html under site/TOKEN/."
    )
    p: argparse.ArgumentParser = sub.add_parser("batch", help=help_text, description=help_text)
    p.add_argument("folder", type=Path, metavar="DIR", help="the practice folder")
    p.add_argument(
        "--dry-run", action="store_true", help="list what would be built and why; build nothing"
    )
    p.add_argument(
        "--jobs", metavar="N", help="tracks built at once on this machine (default: CPU count)"
    )
    p.add_argument(
        "--executor",
        metavar="local|dask://HOST:PORT",
        help="where tracks are built: here (default) or on an existing Dask cluster",
    )
    p.add_argument(
        "--base-url",
        metavar="URL",
        help="where site/ is published (https://host/path); feed links are relative without it",
    )
    p.add_argument(
        "--max-hours",
        metavar="H",
        help=f"refuse programmes longer than H hours (default {limits.MAX_HOURS:g})",
    )
    p.add_argument("--cache-dir", type=Path, help="clip cache folder (default: user cache)")
    p.add_argument("--no-cache", action="store_true", help="synthesize every clip afresh")
    p.add_argument(
        "--new-tokens",
        action="store_true",
        help="when state/tokens.json is lost and cannot be rebuilt from state/tracks, issue new "
        "tokens (every such client's feed address and episode ids change)",
    )
    p.set_defaults(run=run)


def _jobs(text: str | None) -> int:
    from audio_guide.errors import UsageError
    from audio_guide.practice.jobs import default_jobs

    if text is None:
        return default_jobs()
    if not text.isdigit() or not 1 <= int(text) <= 256:
        raise UsageError(f"--jobs: '{text}' should be a whole number from 1 to 256")
    return int(text)


def parse_base_url(text: str | None) -> str | None:
    """``--base-url``: an http(s) address, or None when not given."""
    from audio_guide.errors import UsageError

    if text is None:
        return None
    if not text.startswith(("https://", "http://")) or any(c.isspace() for c in text):
        raise UsageError(
            f"--base-url: '{text}' should be an http(s) address, e.g. https://host/audio"
        )
    return text


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Run a batch; progress goes to ``err``, the summary to ``out``."""
    from audio_guide.practice.batch import Options, run_batch
    from audio_guide.practice.jobs import parse_executor
    from audio_guide.sound.synth import default_cache_dir

    scheduler = parse_executor(args.executor)
    cache = args.cache_dir or (None if scheduler else default_cache_dir())
    options = Options(
        dry_run=args.dry_run,
        jobs=_jobs(args.jobs),
        scheduler=scheduler,
        base_url=parse_base_url(args.base_url),
        cache_dir=str(cache) if cache else None,
        use_cache=not args.no_cache,
        max_hours=limits.parse_max_hours(args.max_hours),
        new_tokens=args.new_tokens,
    )

    def say(line: str) -> None:
        err.write(line + "\n")
        err.flush()

    outcome = run_batch(args.folder, options, say)
    total = len(outcome.todo) + outcome.up_to_date
    if args.dry_run:
        for track, why in outcome.todo:
            out.write(f"would build {track.key}: {why}\n")
        out.write(
            f"{len(outcome.todo)} of {total} tracks out of date"
            if outcome.todo
            else f"nothing to build: all {total} tracks are up to date"
        )
        out.write("\n")
    elif not outcome.todo:
        out.write(f"nothing to build: all {total} tracks are up to date\n")
    else:
        out.write(
            f"built {len(outcome.built)} of {len(outcome.todo)} out-of-date tracks "
            f"({outcome.up_to_date} up to date) in {outcome.seconds:.1f} s\n"
        )
    if outcome.failures:
        err.write(f"{len(outcome.failures)} problems; these tracks were not built:\n")
        for f in outcome.failures:
            lines = f.message if f.message.startswith(f.where) else f"{f.where}: {f.message}"
            err.write(f"  {lines}\n")
    return outcome.exit_code
