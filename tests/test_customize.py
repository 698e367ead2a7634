"""Voice and pacing customisation through the CLI, on the fake engine: flags, profiles, precedence.

The same settings on the real engine and decoded audio are in ``test_customize_real.py``.
"""

from __future__ import annotations

import io
import itertools
import json
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURES, write

from audio_guide.cli import main

SHORT = str(FIXTURES / "routines" / "short.yaml")


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def plan(*argv: str, routine: str = "back_pain") -> dict[str, Any]:
    code, out, err = run("plan", routine, "--engine", "fake", "--json", *argv)
    assert code == 0, err
    data: dict[str, Any] = json.loads(out)
    return data


def holds(tl: dict[str, Any], point: str, side: str | None = None) -> list[dict[str, Any]]:
    return [h for h in tl["holds"] if h["point"] == point and side in (None, h["side"])]


def test_hold_override_changes_only_that_hold() -> None:
    base, tl = plan(), plan("--hold", "B54=45")
    assert [h["seconds"] for h in holds(tl, "B54")] == [45]
    (b54,) = holds(tl, "B54")
    assert b54["end"] - b54["start"] == pytest.approx(45, abs=1e-6)
    others = [(h["point"], h["side"], h["seconds"]) for h in tl["holds"] if h["point"] != "B54"]
    assert others == [
        (h["point"], h["side"], h["seconds"]) for h in base["holds"] if h["point"] != "B54"
    ]
    assert tl["settings"]["holds"] == {"B54": 45}
    assert "We will hold for 45 seconds." in {e["text"].split(" Find")[0] for e in tl["events"]}


def test_cycles_override_gives_five_8s_presses_with_4s_rests_per_hand() -> None:
    tl = plan("--cycles", "LI4=8/4/5")
    for side in ("left", "right"):
        li4 = holds(tl, "LI4", side)
        assert [h["seconds"] for h in li4] == [8] * 5
        assert all(h["end"] - h["start"] == pytest.approx(8, abs=1e-6) for h in li4)
        rests = [b["start"] - a["end"] for a, b in itertools.pairwise(li4)]
        assert rests == pytest.approx([4] * 4, abs=1e-6)
    assert tl["settings"]["cycles"] == {"LI4": "8/4/5"}


def test_repeated_flags_and_lowercase_point_ids() -> None:
    tl = plan("--hold", "b54=40", "--hold", "B 53=35", "--cycles", "li4=6/3/2")
    assert [h["seconds"] for h in holds(tl, "B54")] == [40]
    assert [h["seconds"] for h in holds(tl, "B53")] == [35]
    assert [h["seconds"] for h in holds(tl, "LI4", "left")] == [6, 6]


def test_sides_right_drops_every_left_side_step() -> None:
    base, tl = plan(), plan("--sides", "right")
    assert not [e for e in tl["events"] if e.get("side") == "left"]
    assert not [h for h in tl["holds"] if h["side"] == "left"]
    assert len(holds(tl, "LI4", "right")) == 3 and len(holds(tl, "TE3", "right")) == 1
    assert {h["point"] for h in tl["holds"]} == {h["point"] for h in base["holds"]}
    texts = [e["text"] for e in tl["events"]]
    assert "Left hand." not in texts and "Right hand." in texts
    assert tl["duration"] < base["duration"]
    left = plan("--sides", "left")
    assert not [h for h in left["holds"] if h["side"] == "right"]


def counts_of(tl: dict[str, Any], hold: dict[str, Any]) -> list[tuple[float, str]]:
    return [
        (round(e["start"] - hold["start"], 6), e["text"])
        for e in tl["events"]
        if e["role"] == "count" and hold["start"] < e["start"] < hold["end"]
    ]


@pytest.mark.parametrize(
    ("style", "expected"),
    [
        ("every:5", [(5.0, "5"), (10.0, "10"), (15.0, "15"), (20.0, "20"), (25.0, "25")]),
        ("countdown:5", [(25.0, "5"), (26.0, "4"), (27.0, "3"), (28.0, "2"), (29.0, "1")]),
        ("none", []),
    ],
)
def test_count_styles_on_a_30_second_hold(style: str, expected: list[tuple[float, str]]) -> None:
    tl = plan("--count", style, routine=SHORT)
    (b54,) = holds(tl, "B54")
    assert counts_of(tl, b54) == expected
    assert tl["settings"]["count"] == style
    presses = [
        e for e in tl["events"] if e["role"] in ("press", "release") and e["kind"] == "speech"
    ]
    assert len(presses) == 2 + 2 * 2 * 3


def test_count_every_second_sits_on_each_tick() -> None:
    tl = plan("--count", "every", routine=SHORT)
    (b54,) = holds(tl, "B54")
    assert tl["skipped_counts"] == 0
    assert counts_of(tl, b54) == [(float(t), str(t)) for t in range(1, 30)]


def find_times(tl: dict[str, Any]) -> list[float]:
    """Quiet seconds between each 'find the point' sentence and its press cue."""
    events = tl["events"]
    return [
        round(b["start"] - a["end"], 6)
        for a, b in itertools.pairwise(events)
        if a["role"] == "find" and b["role"] == "press"
    ]


def test_pace_scales_finding_time_and_pauses_but_never_holds() -> None:
    base, slow = plan(routine=SHORT), plan("--pace", "1.5", routine=SHORT)
    assert find_times(base) == pytest.approx([3.0] * 3, abs=1e-3)
    assert find_times(slow) == pytest.approx([4.5] * 3, abs=1e-3)
    assert [h["seconds"] for h in slow["holds"]] == [h["seconds"] for h in base["holds"]]
    assert [round(h["end"] - h["start"], 6) for h in slow["holds"]] == [
        round(h["end"] - h["start"], 6) for h in base["holds"]
    ]
    assert slow["duration"] > base["duration"]
    assert plan("--pace", "slow", routine=SHORT)["settings"]["pace"] == 1.5
    assert plan("--pace", "brisk", routine=SHORT)["settings"]["pace"] == 0.75


def test_repeat_runs_the_routine_again_with_a_spoken_round() -> None:
    one, two = plan(routine=SHORT), plan("--repeat", "2", routine=SHORT)
    assert len(two["holds"]) == 2 * len(one["holds"])
    texts = [e["text"] for e in two["events"]]
    assert "Round 1 of 2." in texts and "Round 2 of 2." in texts
    assert [c["title"] for c in two["chapters"]].count("Round 2") == 1


def test_timeline_records_the_effective_settings() -> None:
    tl = plan(
        "--rate",
        "140",
        "--volume",
        "0.8",
        "--pitch",
        "60",
        "--pace",
        "1.2",
        "--count",
        "every:5",
        "--voice",
        "en-us",
    )
    s = tl["settings"]
    assert (s["rate"], s["volume"], s["pitch"], s["pace"], s["count"]) == (
        140,
        0.8,
        60,
        1.2,
        "every:5",
    )
    assert s["voice_id"] == "fake/en-us" and s["engine"] == "fake"


@pytest.mark.parametrize(
    ("flag", "value", "message"),
    [
        ("--rate", "79", "--rate: must be >= 80 and <= 400 words per minute, got 79"),
        ("--rate", "401", "--rate: must be >= 80"),
        ("--volume", "0", "--volume: must be >= 0.05 and <= 1"),
        ("--volume", "1.5", "--volume: must be >= 0.05 and <= 1"),
        ("--pitch", "101", "--pitch: must be >= 0 and <= 100"),
        ("--pitch", "high", "--pitch: 'high' is not a number"),
        ("--pace", "0.1", "--pace: must be >= 0.25"),
        ("--pace", "fast", "--pace: 'fast' is not a number"),
        ("--repeat", "0", "--repeat: must be >= 1"),
        ("--repeat", "1.5", "--repeat: must be a whole number"),
        ("--sides", "middle", "--sides: 'middle' is not one of both, left, right"),
        ("--count", "countdown", "--count: countdown needs a number of seconds"),
        ("--count", "every:0", "--count: count interval must be 1..600"),
        ("--hold", "B54=0", "--hold B54: must be > 0 and <= 600 seconds, got 0"),
        ("--hold", "B54=601", "--hold B54: must be > 0 and <= 600"),
        ("--hold", "B54:45", "--hold: 'B54:45' should be POINT=SECONDS"),
        ("--cycles", "LI4=8/4", "--cycles: 'LI4=8/4' should be POINT=PRESS/RELEASE/TIMES"),
        ("--cycles", "LI4=8/4/0", "--cycles LI4 times: must be >= 1"),
        ("--cycles", "LI4=8/-1/2", "--cycles LI4 release: must be > 0"),
    ],
)
def test_out_of_range_settings_exit_2(flag: str, value: str, message: str) -> None:
    code, out, err = run("plan", "back_pain", "--engine", "fake", flag, value)
    assert code == 2 and out == ""
    assert err.startswith("audio-guide: ") and message in err and "Traceback" not in err


def test_overrides_must_name_a_step_of_the_right_kind() -> None:
    code, _, err = run(
        "plan",
        "back_pain",
        "--engine",
        "fake",
        "--hold",
        "B55=40",
        "--hold",
        "LI4=20",
        "--cycles",
        "B23=5/5/2",
    )
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 3 and all(line.startswith("audio-guide: ") for line in lines)
    assert "no point 'B55' (did you mean 'B54'" in lines[0] or "no point 'B55'" in lines[0]
    assert "LI4 is worked in press/release cycles here; use --cycles LI4=" in lines[1]
    assert "B23 is a steady hold here; use --hold B23=" in lines[2]


def test_voices_lang_filters_and_unknown_lang_exits_2() -> None:
    code, out, _ = run("voices", "--engine", "fake", "--json", "--lang", "en")
    assert code == 0
    voices = json.loads(out)
    assert voices and all(any(c.startswith("en") for c in v["languages"]) for v in voices)
    code, out, err = run("voices", "--engine", "fake", "--lang", "zz")
    assert code == 2 and "no fake voice speaks 'zz'" in err


# Precedence: flags > --profile > default profile > routine > built-in defaults.


@pytest.fixture
def layered(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    """A routine with its own rate, a default profile, and a --profile file."""
    routine = write(
        tmp_path,
        "title: T\nvoice:\n  rate: 140\npacing:\n  find: 2\nsteps:\n  - point: B54\n    hold: 10\n",
    )
    config = tmp_path / "config"
    config.mkdir()
    monkeypatch.setenv("AUDIO_GUIDE_CONFIG_DIR", str(config))
    return {
        "routine": routine,
        "default": config / "profile.yaml",
        "profile": tmp_path / "client.yaml",
    }


def settings_table(*argv: str) -> dict[str, tuple[str, str]]:
    code, out, err = run("plan", *argv, "--engine", "fake", "--settings")
    assert code == 0, err
    rows = {}
    for line in out.splitlines():
        name, value, source = line.split(None, 2)
        rows[name] = (value, source)
    return rows


def test_precedence_builtin_default(layered: dict[str, Path]) -> None:
    rows = settings_table(str(layered["routine"]))
    assert rows["pitch"] == ("50", "built-in default")
    assert plan(routine=str(layered["routine"]))["settings"]["pitch"] == 50


def test_precedence_routine_over_builtin(layered: dict[str, Path]) -> None:
    rows = settings_table(str(layered["routine"]))
    assert rows["rate"] == ("140", f"routine {layered['routine']}:3:9")
    assert rows["find"][0] == "2"
    assert plan(routine=str(layered["routine"]))["settings"]["rate"] == 140


def test_precedence_default_profile_over_routine(layered: dict[str, Path]) -> None:
    layered["default"].write_text("voice:\n  rate: 150\n")
    rows = settings_table(str(layered["routine"]))
    assert rows["rate"] == ("150", f"default profile {layered['default']}:2:9")
    assert rows["find"][1].startswith("routine ")
    assert plan(routine=str(layered["routine"]))["settings"]["rate"] == 150


def test_precedence_profile_over_default_profile(layered: dict[str, Path]) -> None:
    layered["default"].write_text("voice:\n  rate: 150\n  pitch: 30\n")
    layered["profile"].write_text("voice:\n  rate: 170\npacing:\n  holds: {B54: 12}\n")
    argv = (str(layered["routine"]), "--profile", str(layered["profile"]))
    rows = settings_table(*argv)
    assert rows["rate"] == ("170", f"profile {layered['profile']}:2:9")
    assert rows["pitch"] == ("30", f"default profile {layered['default']}:3:10")
    assert rows["holds.B54"] == ("12", f"profile {layered['profile']}:4:16")
    tl = plan("--profile", str(layered["profile"]), routine=str(layered["routine"]))
    assert tl["settings"]["rate"] == 170 and tl["holds"][0]["seconds"] == 12


def test_precedence_flags_over_everything(layered: dict[str, Path]) -> None:
    layered["default"].write_text("voice:\n  rate: 150\n")
    layered["profile"].write_text("voice:\n  rate: 170\npacing:\n  holds: {B54: 12}\n")
    argv = ("--profile", str(layered["profile"]), "--rate", "190", "--hold", "B54=14")
    rows = settings_table(str(layered["routine"]), *argv)
    assert rows["rate"] == ("190", "command line")
    assert rows["holds.B54"] == ("14", "command line")
    tl = plan(*argv, routine=str(layered["routine"]))
    assert tl["settings"]["rate"] == 190 and tl["holds"][0]["seconds"] == 14


def test_profile_files_get_file_line_col_validation(layered: dict[str, Path]) -> None:
    layered["profile"].write_text(
        "voice:\n  rat: 130\n  volume: 2\npacing:\n  count: countdown\n"
        "  holds:\n    B54: 1:30\n  cycles:\n    LI4: {press: 8, release: 4}\n"
    )
    code, out, err = run(
        "plan", str(layered["routine"]), "--engine", "fake", "--profile", str(layered["profile"])
    )
    p = layered["profile"]
    assert code == 2 and out == ""
    assert err.splitlines() == [
        f"{p}:2:3: voice: unknown key 'rat' (did you mean 'rate'?)",
        f"{p}:3:11: voice.volume must be >= 0.05 and <= 1 (0.05..1), got 2",
        f"{p}:5:10: pacing.count: countdown needs a number of seconds, e.g. countdown:5",
        f"{p}:7:10: pacing.holds.B54: '1:30' is read by YAML as a base-60 number; "
        "write plain seconds (for example 90, not 1:30)",
        f"{p}:9:10: pacing.cycles.LI4: missing required key 'times'",
    ]


def test_a_broken_default_profile_is_reported_not_ignored(layered: dict[str, Path]) -> None:
    layered["default"].write_text("voice:\n  speed: 130\n")
    code, _, err = run("plan", str(layered["routine"]), "--engine", "fake")
    assert code == 2 and f"{layered['default']}:2:3: voice: unknown key 'speed'" in err


def test_missing_profile_file_exits_2(tmp_path: Path) -> None:
    code, _, err = run(
        "plan", "back_pain", "--engine", "fake", "--profile", str(tmp_path / "x.yaml")
    )
    assert code == 2 and "x.yaml:1:1: file not found" in err
