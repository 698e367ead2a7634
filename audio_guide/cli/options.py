"""Options shared by several commands."""

from __future__ import annotations

import argparse
from pathlib import Path


def add_points_flag(p: argparse.ArgumentParser, help_text: str) -> None:
    """``--points FILE`` (repeatable): point files over the shipped and user points."""
    p.add_argument(
        "--points", type=Path, action="append", default=[], metavar="FILE", help=help_text
    )
