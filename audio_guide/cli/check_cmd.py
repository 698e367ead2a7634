"""``check``: validate routine, profile and point files without synthesizing (exit 0 or 2)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO

from audio_guide.authoring.schema import KINDS
from audio_guide.cli.options import add_points_flag


def add(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Register ``check``."""
    help_text = (
        "Validate routine, profile and point files without synthesizing; list every problem "
        "of every file (exit 2) or say each is fine (exit 0)."
    )
    p: argparse.ArgumentParser = sub.add_parser("check", help=help_text, description=help_text)
    p.add_argument("files", nargs="+", type=Path, metavar="FILE")
    p.add_argument("--kind", choices=KINDS, help="the kind of every FILE (default: detect)")
    add_points_flag(p, "a point file the routines may use (repeatable)")
    p.add_argument("--profile", type=Path, help="a profile to check the routines with")
    p.add_argument("-q", "--quiet", action="store_true", help="print problems only")
    p.set_defaults(run=run)


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Check the files; problems go to ``err``, one line each."""
    from audio_guide.check import check_files

    outcomes = check_files(args.files, args.kind, args.points, args.profile)
    bad = 0
    for o in outcomes:
        if o.problems:
            bad += 1
            err.writelines(f"{line}\n" for line in o.problems)
        elif not args.quiet:
            out.write(f"{o.path}: ok ({o.kind})\n")
        if not args.quiet:
            out.writelines(f"{line}\n" for line in o.notes)
    if bad:
        err.write(f"{bad} of {len(outcomes)} files have problems\n")
        return 2
    return 0
