"""Property-based: generated routines, profiles, point files and command lines never break the CLI.

Bounded for the suite (``AUDIO_GUIDE_FUZZ_EXAMPLES`` per property, default 40, derandomized);
``benchmarks/fuzz_long.py`` runs the same properties over many more documents.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from fuzzdocs import (
    HOSTILE_FLAGS,
    check,
    command_line,
    hostile,
    hostile_files,
    points_doc,
    profile_doc,
    routine_doc,
    write_doc,
    yaml_text,
)
from hypothesis import HealthCheck, given, settings

EXAMPLES = int(os.environ.get("AUDIO_GUIDE_FUZZ_EXAMPLES", "40"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=not os.environ.get("AUDIO_GUIDE_FUZZ_RANDOM"),
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One folder for a file's generated documents (each example overwrites the last), under
    pytest's own temporary root, which it prunes; not a new folder in /tmp at every import."""
    return tmp_path_factory.mktemp("fuzz")


HOSTILE = [
    *hostile_files(),
    *(f"{name} {' '.join(flags)}" for name, flags in HOSTILE_FLAGS.items()),
    "folder as routine",
    "/dev/zero as routine",
]


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_set(name: str, tmp_path: Path) -> None:
    """The issue's cases and their relatives, through ``plan`` and ``check``: refused fast."""
    ((_, argv),) = hostile(tmp_path, only=name)
    for command, args in (("plan", argv), ("check", argv[:1])):
        started = time.perf_counter()
        check(args, document=Path(argv[0]).is_file(), command=command)
        assert time.perf_counter() - started < 5, (name, command)  # < 0.4 s here, unloaded


@FUZZ
@given(yaml_text(routine_doc))
def test_generated_routines(folder: Path, text: str) -> None:
    path = write_doc(folder, "routine.yaml", text)
    check([str(path), "--engine", "fake"])
    check([str(path)], command="check")


@FUZZ
@given(yaml_text(profile_doc))
def test_generated_profiles(folder: Path, text: str) -> None:
    path = write_doc(folder, "profile.yaml", text)
    check(["back_pain", "--engine", "fake", "--profile", str(path)])


@FUZZ
@given(yaml_text(points_doc))
def test_generated_point_files(folder: Path, text: str) -> None:
    path = write_doc(folder, "points.yaml", text)
    check(["back_pain", "--engine", "fake", "--points", str(path)])


@FUZZ
@given(command_line)
def test_generated_command_lines(argv: list[str]) -> None:
    check(["back_pain", "--engine", "fake", *argv], document=False)


def test_unknown_voice_or_engine_in_a_profile_is_refused_at_its_position(folder: Path) -> None:
    """Found by the long run: these were refused without saying where."""
    profile = write_doc(folder, "voice.yaml", "voice:\n  id: xx\n")
    code, err = check(["back_pain", "--engine", "fake", "--profile", str(profile)])
    assert code == 2 and err.startswith(f"audio-guide: {profile}:2:7: unknown voice 'xx'"), err
    profile = write_doc(folder, "engine.yaml", "voice:\n  engine: nope\n")
    code, err = check(["back_pain", "--profile", str(profile), "--settings"])
    assert code == 2 and f"{profile}:2:11: " in err.splitlines()[0], err  # engine 'nope' refused
