"""Bad routines get FILE:LINE:COL messages, all at once, exit code 2, no traceback."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from conftest import write

from audio_guide.cli import main


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def plan_errors(tmp_path: Path, text: str) -> list[str]:
    path = write(tmp_path, text)
    code, _, err = run("plan", str(path), "--engine", "fake")
    assert code == 2, err
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    for line in lines:
        assert line.startswith(f"{path}:"), line
    return lines


CASES = [
    ("syntax", "title: x\nsteps:\n  - point: LI4\n    hold: [5\n", 5, 1, "YAML syntax error"),
    (
        "wrong type",
        "title: x\nsteps:\n  - point: LI4\n    hold: five\n",
        4,
        11,
        "step 1.hold must be a number of seconds, got 'five'",
    ),
    (
        "quoted number",
        "title: x\nsteps:\n  - point: LI4\n    hold: '30'\n",
        4,
        11,
        "not quoted text '30'",
    ),
    (
        "base 60",
        "title: x\nsteps:\n  - point: LI4\n    hold: 1:30\n",
        4,
        11,
        "base-60 number; write plain seconds (for example 90, not 1:30)",
    ),
    ("octal", "title: x\nsteps:\n  - point: LI4\n    hold: 010\n", 4, 11, "leading zero"),
    (
        "unknown point",
        "title: x\nsteps:\n  - point: LI5\n    hold: 5\n",
        3,
        12,
        "unknown point 'LI5' (did you mean 'LI4'",
    ),
    (
        "missing field",
        "title: x\nsteps:\n  - hold: 5\n",
        3,
        5,
        "step 1: give 'point:' (a library point), 'name:'",
    ),
    (
        "zero",
        "title: x\nsteps:\n  - point: LI4\n    hold: 0\n",
        4,
        11,
        "must be > 0 and <= 600 seconds, got 0",
    ),
    ("negative", "title: x\nsteps:\n  - point: LI4\n    hold: -3\n", 4, 11, "got -3"),
    ("absurd", "title: x\nsteps:\n  - point: LI4\n    hold: 100000\n", 4, 11, "got 100000"),
    (
        "unknown key",
        "title: x\nsteps:\n  - point: LI4\n    hodl: 5\n",
        4,
        5,
        "unknown key 'hodl' (did you mean 'hold'",
    ),
    ("no work", "title: x\nsteps:\n  - point: LI4\n", 3, 5, "say how to work it: 'hold: SECONDS'"),
    (
        "boolean text",
        "title: no\nsteps:\n  - point: LI4\n    hold: 5\n",
        1,
        8,
        "reads as a yes/no value",
    ),
    (
        "bad cycles",
        "title: x\nsteps:\n  - point: LI4\n    cycles: {press: 10, relase: 5, times: 3}\n",
        4,
        25,
        "unknown key 'relase' (did you mean 'release'",
    ),
    (
        "bad sides",
        "title: x\nsteps:\n  - point: LI4\n    hold: 5\n    sides: eech\n",
        5,
        12,
        "'eech' is not one of together, each, left, right (did you mean 'each'?)",
    ),
    ("top unknown", "title: x\nstep:\n  - point: LI4\n", 2, 1, "unknown key 'step' (did you mean"),
    ("empty steps", "title: x\nsteps: []\n", 2, 8, "the routine has no steps"),
    (
        "bad pacing",
        "title: x\npacing: {count: sometimes}\nsteps:\n  - {point: LI4, hold: 5}\n",
        2,
        17,
        "not a count style",
    ),
    (
        "bad voice rate",
        "title: x\nvoice: {rate: 5}\nsteps:\n  - {point: LI4, hold: 5}\n",
        2,
        15,
        "voice.rate must be >= 80 and <= 400 words per minute, got 5",
    ),
]


@pytest.mark.parametrize(
    ("name", "text", "line", "col", "message"), CASES, ids=[c[0] for c in CASES]
)
def test_each_kind_of_bad_routine(
    tmp_path: Path, name: str, text: str, line: int, col: int, message: str
) -> None:
    lines = plan_errors(tmp_path, text)
    expected_prefix = f"{tmp_path / 'routine.yaml'}:{line}:{col}: "
    assert any(ln.startswith(expected_prefix) and message in ln for ln in lines), lines


def test_all_problems_reported_at_once(tmp_path: Path) -> None:
    lines = plan_errors(
        tmp_path,
        (
            "title: x\n"
            "steps:\n"
            "  - point: LI5\n"
            "    hold: 5\n"
            "  - point: TE3\n"
            "    hold: 0\n"
            "  - point: B54\n"
            "    hold: 30\n"
            "    colour: red\n"
        ),
    )
    assert len(lines) == 3
    assert [ln.split(":")[1] for ln in lines] == ["3", "6", "9"]


def test_missing_file_and_unknown_shipped_name() -> None:
    code, _, err = run("plan", "back_pian", "--engine", "fake")
    assert code == 2
    assert "did you mean 'back_pain'" in err
    assert "Traceback" not in err


def test_bad_flag_value_exits_2() -> None:
    code, _, err = run("plan", "back_pain", "--engine", "fake", "--rate", "fast")
    assert code == 2 and "rate: 'fast' is not a number" in err
    code, _, err = run("plan", "back_pain", "--engine", "fake", "--volume", "1.5")
    assert code == 2 and "volume: must be >= 0.05 and <= 1" in err


def test_unknown_voice_is_an_error_not_a_fallback() -> None:
    code, _, err = run("plan", "back_pain", "--engine", "fake", "--voice", "en-uz")
    assert code == 2
    assert "unknown voice 'en-uz'" in err and "en-us" in err


def test_hold_too_short_for_its_cue_is_a_clear_error(tmp_path: Path) -> None:
    path = write(tmp_path, "title: x\nsteps:\n  - point: LI4\n    hold: 0.3\n")
    code, _, err = run("plan", str(path), "--engine", "fake")
    assert code == 2
    assert f"{path}:3:5: the cue 'Press.' lasts" in err
    assert "lengthen the hold or raise the speaking rate" in err
