"""Steps that are not library points (name:, say:, pause:) and phased cycles, on the fake engine."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURES, plan, run, write

GOLDEN = FIXTURES / "golden"


def speech(tl: dict[str, Any], role: str | None = None) -> list[dict[str, Any]]:
    return [e for e in tl["events"] if e["kind"] == "speech" and role in (None, e["role"])]


def test_phases_sit_on_the_clock_and_last_their_seconds() -> None:
    tl = plan(str(GOLDEN / "phases.yaml"))
    sr = tl["sample_rate"]
    phases = [h for h in tl["holds"] if h.get("phase")]
    assert [(h["phase"], h["seconds"]) for h in phases] == [
        ("Breathe in.", 4),
        ("Hold.", 2),
        ("Breathe out.", 5),
    ] * 2
    cues = speech(tl, "phase")
    assert [c["text"] for c in cues] == [h["phase"] for h in phases]
    for cue, hold in zip(cues, phases):
        assert cue["start"] == hold["start"]
        assert round((hold["end"] - hold["start"]) * sr) == round(hold["seconds"] * sr)
    for a, b in itertools.pairwise(phases):
        assert b["start"] == a["end"]  # back to back: one clock
    (end,) = speech(tl, "release")
    assert end["text"] == "That was the last one." and end["start"] == phases[-1]["end"]
    # counts every 2 s inside each phase, from the phase's own start
    counts = [(round(c["start"] - phases[0]["start"], 3), c["text"]) for c in speech(tl, "count")]
    assert counts == [(2, "2"), (8, "2"), (10, "4"), (13, "2"), (19, "2"), (21, "4")]
    bells = [e for e in tl["events"] if e["kind"] == "chime"]
    assert [(b["text"], b["start"]) for b in bells] == [
        ("bell:start", phases[0]["start"]),
        ("bell:end", phases[-1]["end"]),
    ]
    (sentence,) = speech(tl, "find")
    assert sentence["text"] == "We will do 2 rounds, 11 seconds each. Get ready."


def test_phases_with_countdown_and_ticks(tmp_path: Path) -> None:
    tl = plan(str(GOLDEN / "phases.yaml"), "--count", "countdown:2", "--tick", "1")
    first = tl["holds"][0]["start"]
    counts = [(round(c["start"] - first, 3), c["text"]) for c in speech(tl, "count")][:3]
    assert counts == [(2, "2"), (3, "1"), (5, "1")]  # in 4 s: 2 1; then the 2 s hold: 1
    ticks = [e for e in tl["events"] if e["role"] == "tick"]
    assert ticks and all(
        abs((t["start"] - first) - round(t["start"] - first)) < 1e-6 for t in ticks
    )


def test_inline_steps_are_not_numbered_and_have_their_own_chapters() -> None:
    tl = plan(str(GOLDEN / "inline.yaml"))
    steps = [e["text"] for e in speech(tl, "step")]
    assert steps == [
        "Point 1 of 2: LI 4.",
        "The shoulder well.",
        "Neck stretch.",
        "Point 2 of 2: B 54.",
    ]
    titles = [c["title"] for c in tl["chapters"]]
    assert titles[1:3] == ["the shoulder well", "Neck stretch"]
    leads = [e["text"] for e in speech(tl, "switch") if e["point"] == "the shoulder well"]
    assert leads == ["Left side.", "Now the right side."]
    finds = {e["text"] for e in speech(tl, "find") if e["point"] == "Neck stretch"}
    assert finds == {
        "We will press for 3 seconds, then rest for 2 seconds. We do this 2 times. Get ready."
    }
    neck = [h for h in tl["holds"] if h["point"] == "Neck stretch"]
    assert [h["seconds"] for h in neck] == [3, 3]


def test_cycles_override_works_for_a_named_press_release_step() -> None:
    tl = plan(str(GOLDEN / "inline.yaml"), "--cycles", "neck stretch=2/1/3")
    neck = [h for h in tl["holds"] if h["point"] == "Neck stretch"]
    assert [h["seconds"] for h in neck] == [2, 2, 2]
    assert neck[1]["start"] - neck[0]["start"] == pytest.approx(3, abs=1e-6)


def test_overrides_refused_for_phased_steps() -> None:
    for flag, value in (("--cycles", "calm breathing=4/2/3"), ("--hold", "CALMBREATHING=9")):
        code, _, err = run("plan", str(GOLDEN / "phases.yaml"), "--engine", "fake", flag, value)
        assert code == 2 and "Calm breathing is worked in phases here" in err, err


def test_a_pause_is_exact_quiet_and_say_steps_speak_between_points() -> None:
    tl = plan(str(GOLDEN / "say_pause.yaml"))
    sr = tl["sample_rate"]
    events = tl["events"]
    (hands,) = [e for e in events if e["text"] == "Now the hands."]
    before = max(e["end"] for e in events if e["start"] < hands["start"])
    assert round((hands["start"] - before) * sr) == 5 * sr
    steps = [e["text"] for e in speech(tl, "step")]
    assert steps == ["Point 1 of 2: B 54.", "Point 2 of 2: LI 4."]
    texts = [e["text"] for e in speech(tl)]
    assert texts[1:3] == ["Sit tall.", "Let the shoulders drop."]
    (done,) = [e for e in events if e["text"] == "Done."]
    before = max(e["end"] for e in events if e["start"] < done["start"])
    assert round((done["start"] - before) * sr) == 3 * sr
    # --sides right keeps speech and quiet steps
    right = plan(str(GOLDEN / "say_pause.yaml"), "--sides", "right")
    assert "Now the hands." in [e["text"] for e in speech(right)]


@pytest.mark.parametrize(
    ("step", "line", "col", "message"),
    [
        ("  - pause: 5\n    hold: 3\n", 4, 11, "a 'pause' step takes nothing else"),
        ("  - say: Hi.\n    hold: 3\n", 4, 11, "a 'say' step takes nothing else"),
        ("  - pause: 0\n", 3, 12, "step 1.pause must be > 0"),
        ("  - point: LI4\n    name: x\n    hold: 3\n", 4, 11, "'name' does not go with 'point:'"),
        ("  - name: x\n", 3, 5, "step 1: say how to work it"),
        ("  - find: 3\n", 3, 5, "step 1: give 'point:' (a library point), 'name:'"),
        (
            "  - name: x\n    cycles: {phases: [{say: In., seconds: 0}], times: 2}\n",
            4,
            43,
            "step 1.cycles.phases 1.seconds must be > 0",
        ),
        (
            "  - name: x\n    cycles: {phases: [{say: In., secs: 4}], times: 2}\n",
            4,
            34,
            "unknown key 'secs' (did you mean 'seconds'?)",
        ),
        (
            "  - name: x\n    cycles: {phases: [{seconds: 4}], times: 2, press: 3}\n",
            4,
            48,
            "step 1.cycles: unknown key 'press'",
        ),
        ("  - name: x\n    cycles: {phases: [], times: 2}\n", 4, 22, "give 1 to 12 phases"),
    ],
)
def test_bad_step_kinds_exit_2_at_line_and_column(
    tmp_path: Path, step: str, line: int, col: int, message: str
) -> None:
    path = write(tmp_path, "title: x\nsteps:\n" + step)
    code, out, err = run("plan", str(path), "--engine", "fake")
    assert code == 2 and out == "" and "Traceback" not in err
    assert any(
        ln.startswith(f"{path}:{line}:{col}: ") and message in ln for ln in err.splitlines()
    ), err
