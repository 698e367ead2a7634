"""Validate routine, profile and point files without synthesizing: for editors and CI.

Each file's kind is given or told from its content (``steps:`` makes a routine; a ``points:``
mapping or a lone ``lexicon:`` a point file; ``routines:`` a practice's client file; ``voice:``,
``pacing:``, ``sound:``, ``notes:``, ``phrases:`` or a ``points:`` list a profile), else from
its name (``profile*.yaml``, a ``clients``, ``profiles`` or ``points`` folder,
``points*.yaml``). Point files checked together count as ``--points`` for the routines checked
with them, so a folder of routines and their own points checks as one.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from audio_guide.authoring.clients import CLIENT_KEYS, read_client
from audio_guide.authoring.config import PROFILE_KEYS, read_profile, read_profiles
from audio_guide.authoring.effective import effective_settings
from audio_guide.authoring.points import Library, assemble, load_point_file
from audio_guide.authoring.validate import load_routine
from audio_guide.authoring.yamlread import compose_file
from audio_guide.errors import AudioGuideError, RoutineError
from audio_guide.layers import Layer
from audio_guide.model import Point, Step

_PROFILE_ONLY = ("voice", "pacing", "sound", "notes", "phrases")
_CLIENT_OK = {*CLIENT_KEYS, *PROFILE_KEYS}


@dataclass
class Outcome:
    """What checking one file found."""

    path: Path
    kind: str | None
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    """Worth knowing, not wrong (a point without a picture)."""


def picture_notes(points: Iterable[Point]) -> list[str]:
    """A note for each point that has no ``figure:`` and so is built without a picture."""
    return [
        f"{p.origin or p.id}: note: point {p.id} has no 'figure:', so it is built without a picture"
        for p in points
        if p.figure is None
    ]


def detect_kind(path: Path) -> str | None:
    """``routine``, ``profile`` or ``points`` from the file's top-level keys, else its name."""
    try:
        root = compose_file(path)  # with the size and nesting limits
    except RoutineError:
        root = None
    keys: dict[str, yaml.Node] = {}
    if isinstance(root, yaml.MappingNode):
        keys = {k.value: v for k, v in root.value if isinstance(k, yaml.ScalarNode)}
    if "steps" in keys:
        return "routine"
    if "routines" in keys or (path.parent.name == "clients" and not keys.keys() - _CLIENT_OK):
        return "client"
    point_sections = keys.keys() & {"translations", "lexicons"}
    if isinstance(keys.get("points"), yaml.MappingNode) or point_sections:
        return "points"
    if isinstance(keys.get("points"), yaml.SequenceNode) or any(k in keys for k in _PROFILE_ONLY):
        return "profile"
    if set(keys) == {"lexicon"} and path.parent.name != "profiles":
        return "points"
    name = path.name.lower()
    if name.startswith("profile") or path.parent.name == "profiles":
        return "profile"
    if name.startswith("points") or path.parent.name == "points":
        return "points"
    return None


def _messages(exc: AudioGuideError, path: Path) -> list[str]:
    if isinstance(exc, RoutineError):
        return str(exc).splitlines()  # the first 50, then "... and N more problems"
    return [f"{path}: {line}" for line in str(exc).splitlines()]


def check_files(
    paths: Sequence[Path],
    kind: str | None = None,
    points: Sequence[Path] = (),
    profile: Path | None = None,
) -> list[Outcome]:
    """Check every file; each outcome lists all its problems (none when the file is valid).

    Routines are checked against the shipped and user points, ``profile`` (and the default
    profile), ``points`` and the valid point files among ``paths``; hold/cycles overrides in
    the routine and the profiles must name its steps.
    """
    outcomes = [Outcome(p, kind or detect_kind(p)) for p in paths]
    good_points: list[Path] = []
    for o in outcomes:
        try:
            if o.kind is None:
                compose_file(o.path)  # a file too big, too deep or not YAML says so first
                o.problems.append(
                    f"{o.path}:1:1: cannot tell whether this is a routine (steps:), a profile "
                    "or a point file (points:); use --kind"
                )
            elif o.kind == "points":
                layer = load_point_file(o.path, "points")
                o.notes += picture_notes(layer.points.values())
                good_points.append(o.path)
            elif o.kind == "profile":
                read_profile(o.path)
            elif o.kind == "client":
                read_client(o.path)
        except AudioGuideError as exc:
            o.problems += _messages(exc, o.path)
    routines = [o for o in outcomes if o.kind == "routine"]
    if not routines:
        return outcomes
    try:
        found = read_profiles(profile)
        library = assemble([lib for _, lib in found], [*points, *good_points])
    except AudioGuideError as exc:
        where = profile or Path("--points")
        outcomes.append(Outcome(where, "library", _messages(exc, where)))
        for o in routines:
            o.problems.append(f"{o.path}: not checked: the point library or profile is invalid")
        return outcomes
    for o in routines:
        o.problems, o.notes = _check_routine(o.path, library, [layer for layer, _ in found])
    return outcomes


def _check_routine(
    path: Path, library: Library, layers: list[Layer]
) -> tuple[list[str], list[str]]:
    try:
        routine = load_routine(path, library)
        effective_settings(routine, layers)
    except AudioGuideError as exc:
        return _messages(exc, path), []
    used = {s.point.id: s.point for s in routine.steps if isinstance(s, Step) and not s.inline}
    return [], picture_notes(used.values())
