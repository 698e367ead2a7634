"""``schema``: print the JSON Schema of routine, profile or point files (for editors and CI)."""

from __future__ import annotations

import argparse
from typing import TextIO

from audio_guide.authoring.schema import KINDS, schema_dir, shipped


def add(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Register ``schema``."""
    help_text = "Print the JSON Schema (draft 2020-12) of routine, profile or point files."
    p: argparse.ArgumentParser = sub.add_parser("schema", help=help_text, description=help_text)
    p.add_argument("kind", choices=KINDS, help="which kind of file")
    p.add_argument(
        "--path", action="store_true", help="print where the shipped schema file is instead"
    )
    p.set_defaults(run=run)


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Print the shipped schema (or its path)."""
    if args.path:
        out.write(f"{schema_dir() / f'{args.kind}.schema.json'}\n")
    else:
        out.write(shipped(args.kind))
    return 0
