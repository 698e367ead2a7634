"""A small practice for the batch tests: 6 clients x 2 routines on the fake engine."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

R1 = """title: The shoulder
description: One custom point.
intro: ["Sit."]
steps:
  - point: MYPT
    hold: 3
outro: ["Done."]
"""
R2 = """title: The hand
steps:
  - point: LI4
    hold: 3
outro: ["Done."]
"""
POINTS = """points:
  MYPT:
    name: the well
    location: On top of the shoulder.
  OTHER:
    name: the other one
    location: Nowhere in particular.
"""
OWN_POINTS = """points:
  MYPT:
    name: the well
    location: Halfway along the shoulder.
"""


def client_text(i: int, **extra: str) -> str:
    """Client ``c{i}``: the fake engine at its own rate; c5 brings its own MYPT."""
    keys = {
        "title": f"Feed {i}",
        "routines": "[r1, r2]",
        "voice": f"{{engine: fake, rate: {150 + 10 * i}}}",
    }
    if i == 5:
        keys["points"] = "[own/mypt.yaml]"
    keys.update(extra)
    return "".join(f"{k}: {v}\n" for k, v in keys.items())


def make_practice(root: Path, clients: int = 6) -> Path:
    """Write the practice; returns its folder."""
    for sub in ("routines", "points", "clients/own"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    (root / "routines" / "r1.yaml").write_text(R1)
    (root / "routines" / "r2.yaml").write_text(R2)
    (root / "points" / "extra.yaml").write_text(POINTS)
    (root / "clients" / "own" / "mypt.yaml").write_text(OWN_POINTS)
    for i in range(clients):
        (root / "clients" / f"c{i}.yaml").write_text(client_text(i))
    return root


def tokens(root: Path) -> dict[str, str]:
    """Client -> token."""
    data = json.loads((root / "state" / "tokens.json").read_text())
    return {name: entry["token"] for name, entry in data.items()}


def manifest(root: Path) -> dict[str, Any]:
    """Every track's record (``state/tracks/CLIENT.json``)."""
    tracks: dict[str, Any] = {}
    for path in (root / "state" / "tracks").glob("*.json"):
        tracks.update(json.loads(path.read_text())["tracks"])
    return tracks
