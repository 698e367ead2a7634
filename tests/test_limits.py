"""Hostile input sizes are refused with a position, fast and in little memory (issue 11)."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import users_environment, write

from audio_guide.cli import main

POSITION = re.compile(r"^.+:\d+:\d+: ")


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def refused(path: Path, *flags: str) -> list[str]:
    code, _, err = run("plan", str(path), "--engine", "fake", *flags)
    assert code == 2, err
    assert "internal error" not in err and "Traceback" not in err, err
    lines = err.strip().splitlines()
    assert lines and POSITION.match(lines[0]), lines[:3]
    assert lines[0].startswith(f"{path}:"), lines[0]
    return lines


def test_deeply_nested_list_is_refused_with_position(tmp_path: Path) -> None:
    n = 5000
    path = write(tmp_path, "title: x\nsteps: " + "[" * n + "]" * n + "\n")
    (line,) = refused(path)
    assert "nested more than 32 levels deep" in line
    assert line.startswith(f"{path}:2:")


def test_deeply_nested_mapping_is_refused_with_position(tmp_path: Path) -> None:
    n = 3000
    body = "{a: " * n + "1" + "}" * n
    path = write(tmp_path, f"title: x\nsteps:\n  - point: LI4\n    hold: {body}\n")
    (line,) = refused(path)
    assert "nested more than" in line and line.startswith(f"{path}:4:")


def test_check_command_refuses_deep_nesting_with_position(tmp_path: Path) -> None:
    """``audio-guide check`` reads a file to tell its kind: with the same limits."""
    n = 5000
    path = write(tmp_path, "title: x\nsteps: " + "[" * n + "]" * n + "\n")
    code, _, err = run("check", str(path))
    assert code == 2, err
    assert err.startswith(f"{path}:2:") and "nested more than 32 levels deep" in err


def test_deep_nesting_in_a_profile_is_refused(tmp_path: Path) -> None:
    n = 2000
    profile = write(tmp_path, "voice: " + "[" * n + "]" * n + "\n", "profile.yaml")
    code, _, err = run("plan", "back_pain", "--engine", "fake", "--profile", str(profile))
    assert code == 2 and err.startswith(f"{profile}:1:"), err
    assert "nested more than" in err


def test_nesting_within_the_limit_is_ordinary_validation(tmp_path: Path) -> None:
    n = 32 - 3
    path = write(tmp_path, "title: x\nsteps: " + "[" * n + "]" * n + "\n")
    lines = refused(path)
    assert "nested" not in lines[0] and "step 1" in lines[0]


def test_file_too_big_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = write(tmp_path, "title: " + "a" * 8_000_000 + "\nsteps:\n  - point: LI4\n    hold: 5\n")
    (line,) = refused(path)
    assert line.startswith(f"{path}:1:1: the file is 8,000,042 bytes")


@pytest.mark.parametrize("command", ["plan", "check"])
def test_endless_file_is_refused_after_a_bounded_read(command: str) -> None:
    """/dev/zero has no size to stat and never ends: read at most the limit, then refuse."""
    code, _, err = run(command, "/dev/zero", *(["--engine", "fake"] if command == "plan" else []))
    assert code == 2, err
    if command == "check":
        assert err.startswith("/dev/zero:1:1: the file is more than 262,144 bytes")


def test_text_too_long_is_refused_at_its_position(tmp_path: Path) -> None:
    long = "a" * 2001
    path = write(tmp_path, f"title: x\nsteps:\n  - point: LI4\n    hold: 5\n    say: {long}\n")
    (line,) = refused(path)
    assert line.startswith(f"{path}:5:10: 'say' is 2,001 characters")


def test_too_many_steps_are_refused_at_the_list(tmp_path: Path) -> None:
    path = write(tmp_path, "title: x\nsteps:\n" + "  - point: LI4\n    hold: 5\n" * 600)
    (line,) = refused(path)
    assert line == f"{path}:3:3: 'steps' has 600 items; the most allowed is 500"


def test_error_list_is_capped_at_50_then_counted(tmp_path: Path) -> None:
    path = write(tmp_path, "title: x\nsteps:\n" + "  - point: LI4\n    hold: five\n" * 120)
    lines = refused(path)
    assert len(lines) == 51
    assert all(POSITION.match(line) for line in lines[:50])
    assert lines[50] == "... and 70 more problems"
    assert lines[0].startswith(f"{path}:4:11:") and lines[49].startswith(f"{path}:102:11:")


def test_check_command_caps_its_list_too(tmp_path: Path) -> None:
    path = write(tmp_path, "title: x\nsteps:\n" + "  - point: LI4\n    hold: five\n" * 120)
    code, _, err = run("check", str(path))
    lines = err.strip().splitlines()
    assert code == 2 and len(lines) == 52, lines[-3:]
    assert lines[50] == "... and 70 more problems"


BOMB = "title: x\nsteps:\n" + "  - point: B23\n    hold: 600\n" * 300


def test_programme_bomb_is_refused_at_its_heaviest_step(tmp_path: Path) -> None:
    path = write(tmp_path, BOMB)
    (line,) = refused(path, "--repeat", "20")
    assert line.startswith(f"{path}:3:5: the programme would last at least ")
    assert re.search(r"at least 10[0-9][0-9] h", line), line  # 300 x 20 x (600 s + speech)
    assert "(300 steps x 20 rounds" in line and "the most built is 6 h 00 min" in line


def test_programme_bomb_answers_in_under_a_second_and_200_mb(tmp_path: Path) -> None:
    """Measured in a fresh process: main()'s own CPU time (wall time depends on the machine's
    load; unloaded the whole process answers in about 0.3 s) and the process's peak memory."""
    path = write(tmp_path, BOMB)
    code = (
        "import io, time\n"
        "from audio_guide.cli import main\n"
        "import audio_guide.build  # plan imports the pipeline when it runs: not the refusal\n"
        "err = io.StringIO()\n"
        "t = time.process_time()\n"
        f"code = main(['plan', {str(path)!r}, '--engine', 'fake', '--repeat', '20'], "
        "io.StringIO(), err)\n"
        "took = time.process_time() - t\n"
        # VmHWM: this process image's peak (ru_maxrss would include the forking parent's)
        "status = open('/proc/self/status').read().split('VmHWM:')[1]\n"
        "rss = int(status.split()[0]) / 1024\n"
        "print(code, took, rss)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        env=users_environment(),  # the heap a user's build has
    )
    assert proc.returncode == 0, proc.stderr
    rc, took, rss = proc.stdout.split()
    assert int(rc) == 2
    assert float(took) < 1.0, proc.stdout
    assert float(rss) < 200, rss


def test_max_hours_is_checked_before_synthesis_and_can_be_raised(tmp_path: Path) -> None:
    routine = write(tmp_path, "title: x\nsteps:\n" + "  - point: B23\n    hold: 600\n" * 40)
    (line,) = refused(routine)
    assert "at least 6 h " in line and "pass --max-hours 9 to allow it" in line
    assert "(40 steps x 1 round;" in line
    code, out, err = run("plan", str(routine), "--engine", "fake", "--max-hours", "9", "--json")
    assert code == 0, err
    assert 6 * 3600 < json.loads(out)["duration"] < 9 * 3600


def test_scheduled_length_is_checked_too(tmp_path: Path) -> None:
    """The lower bound passes (back_pain: >= 10 min) but the speech makes it 14 min."""
    code, _, err = run("plan", "back_pain", "--engine", "fake", "--max-hours", "0.2")
    assert code == 2, err
    assert "back_pain.yaml:1:1: the programme lasts 0 h 14 min" in err
    code, _, err = run("plan", "back_pain", "--engine", "fake", "--max-hours", "0.13")
    assert code == 2 and "would last at least 0 h 10 min" in err


@pytest.mark.parametrize("value", ["0", "-1", "101", "lots", "nan"])
def test_max_hours_out_of_range(value: str) -> None:
    code, _, err = run("plan", "back_pain", "--engine", "fake", "--max-hours", value)
    assert code == 2
    assert err.strip() == (f"audio-guide: --max-hours: must be > 0 and <= 100 hours, got {value}")


def test_floor_is_a_lower_bound_of_the_real_length() -> None:
    from audio_guide import build as pipeline
    from audio_guide.authoring import limits
    from audio_guide.authoring.effective import effective_settings
    from audio_guide.layers import Layer
    from audio_guide.sound.synth import ClipCache

    routine = pipeline.load("back_pain")
    for values in ({}, {"repeat": 3, "pace": 1.5}, {"sides": "left"}, {"rate": 400}):
        settings, origins = effective_settings(routine, [Layer("t", {"engine": "fake", **values})])
        floor, _ = limits.programme_floor(routine, settings)
        plan = pipeline.make_plan(routine, settings, origins, ClipCache(None))
        assert 0.6 * plan.timeline.duration < floor <= plan.timeline.duration, values


@pytest.mark.parametrize(
    ("flag", "value", "message"),
    [
        ("--find", "nan", "--find: must be a finite number, got nan"),
        ("--rate", "inf", "--rate: must be a finite number, got inf"),
        ("--volume", "1e-09", "--volume: must be >= 0.05 and <= 1 (0.05..1), got 1e-09"),
    ],
)
def test_non_finite_and_inaudible_flag_values_are_usage_errors(
    flag: str, value: str, message: str
) -> None:
    """Found by the long fuzz run: NaN passed every range comparison (internal error), and a
    volume too low to hear was refused only after synthesis, as a runtime fault (exit 1)."""
    out, err = io.StringIO(), io.StringIO()
    code = main(["plan", "back_pain", "--engine", "fake", flag, value, "--json"], out, err)
    assert code == 2, err.getvalue()
    assert message in err.getvalue()
