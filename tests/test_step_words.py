"""A step's own phrases and the repetition announcements (issue 15 item 2), fake engine."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, plan, run, write

FRENCH = ("--voice", "fake/en-us")
"""The fake engine has no French voice: the words are French, the voice does not matter."""

EXAMPLE = ROOT / "examples" / "home_exercise.yaml"

MIXED = """\
title: Stretch and press
phrases:
  press: Now press.
steps:
  - point: B54
    hold: 4
    find: 1
  - name: Hamstring stretch
    hold: 6
    find: 1
    phrases: {press: Stretch., release: Let go.}
  - point: LI4
    cycles: {press: 3, release: 2, times: 2}
    sides: right
    find: 1
"""


def spoken(tl: dict[str, Any], *roles: str) -> list[tuple[str, str]]:
    return [
        (e["point"], e["text"])
        for e in tl["events"]
        if e["kind"] == "speech" and e["role"] in roles
    ]


def test_a_stretch_says_its_own_words_and_the_points_keep_the_routines(tmp_path: Path) -> None:
    routine = write(tmp_path, MIXED)
    assert spoken(plan(str(routine)), "press", "release") == [
        ("B54", "Now press."),
        ("B54", "Release."),
        ("Hamstring stretch", "Stretch."),
        ("Hamstring stretch", "Let go."),
        ("LI4", "Now press."),
        ("LI4", "Release."),
        ("LI4", "Press again."),
        ("LI4", "Release. That was the last one."),
    ]


def test_profiles_and_flags_stay_global_over_a_steps_words(tmp_path: Path) -> None:
    routine = write(tmp_path, MIXED)
    profile = write(tmp_path, "phrases:\n  release: Relax.\n", "client.yaml")
    tl = plan(str(routine), "--profile", str(profile), "--phrase", "press=Go.")
    assert spoken(tl, "press", "release")[:4] == [
        ("B54", "Go."),
        ("B54", "Relax."),
        ("Hamstring stretch", "Go."),
        ("Hamstring stretch", "Relax."),
    ]


def test_a_steps_phrases_are_checked_like_the_routines(tmp_path: Path) -> None:
    routine = write(
        tmp_path,
        "title: x\nsteps:\n  - name: a\n    hold: 3\n    phrases:\n      pres: Go.\n"
        "      hold_plan: 'Hold {secs}.'\n",
    )
    code, out, err = run("plan", str(routine), "--engine", "fake")
    assert code == 2 and out == ""
    assert f"{routine}:6:7: step 1.phrases: unknown phrase key 'pres' (did you mean 'press'" in err
    assert f"{routine}:7:24: step 1.phrases.hold_plan: unknown placeholder '{{secs}}'" in err


PHASED = """\
title: Bridges
pacing: {{count: none{pacing}}}
steps:
  - name: Bridge
    cycles:
      phases: [{{say: Lift., seconds: 2}}, {{say: Hold., seconds: 3}}, {{say: Lower., seconds: 2}}]
      times: 10
    find: 1{step}
  - point: LI4
    cycles: {{press: 3, release: 2, times: 3}}
    sides: right
    find: 1
"""


def phase_cues(tl: dict[str, Any]) -> list[str]:
    return [text for point, text in spoken(tl, "phase") if point == "Bridge"]


def test_repetitions_are_off_by_default(tmp_path: Path) -> None:
    tl = plan(str(write(tmp_path, PHASED.format(pacing="", step=""))))
    assert phase_cues(tl) == ["Lift.", "Hold.", "Lower."] * 10
    assert tl["settings"]["repetitions"] is False


def test_each_repetition_is_announced_in_its_first_cues_slot(tmp_path: Path) -> None:
    base = plan(str(write(tmp_path, PHASED.format(pacing="", step=""))))
    routine = write(tmp_path, PHASED.format(pacing=", repetitions: on", step=""), "on.yaml")
    tl = plan(str(routine))
    lifts = [f"Lift. {n} of 10." for n in range(1, 10)] + ["Lift. Last one."]
    assert phase_cues(tl)[::3] == lifts
    assert phase_cues(tl)[1::3] == ["Hold."] * 10
    assert [t for p, t in spoken(tl, "press") if p == "LI4"] == [
        "Press. 1 of 3.",
        "Press again. 2 of 3.",
        "Press again. Last one.",
    ]

    # the clock does not move: every hold keeps its place relative to its block
    def offsets(t: dict[str, Any]) -> list[tuple[float, float]]:
        first = {}
        out = []
        for h in t["holds"]:
            first.setdefault(h["point"], h["start"])
            out.append((round(h["start"] - first[h["point"]], 6), h["seconds"]))
        return out

    assert offsets(tl) == offsets(base)
    # and each announced cue sits exactly on its phase's start
    starts = [h["start"] for h in tl["holds"] if h["point"] == "Bridge"][::3]
    cues = [e["start"] for e in tl["events"] if e["text"].startswith("Lift.")]
    assert cues == starts


def test_a_steps_switch_wins_over_pacing(tmp_path: Path) -> None:
    routine = write(
        tmp_path, PHASED.format(pacing=", repetitions: on", step="\n    repetitions: off")
    )
    tl = plan(str(routine))
    assert phase_cues(tl)[::3] == ["Lift."] * 10
    assert next(t for p, t in spoken(tl, "press") if p == "LI4") == "Press. 1 of 3."
    routine = write(tmp_path, PHASED.format(pacing="", step="\n    repetitions: on"), "b.yaml")
    tl = plan(str(routine), "--repetitions", "off")
    assert phase_cues(tl)[0] == "Lift. 1 of 10."
    assert next(t for p, t in spoken(tl, "press") if p == "LI4") == "Press."


def test_an_announcement_that_cannot_fit_is_refused_at_the_step(tmp_path: Path) -> None:
    routine = write(
        tmp_path,
        "title: x\npacing: {repetitions: on}\nsteps:\n"
        "  - name: Quick\n    cycles: {press: 1, release: 1, times: 4}\n",
    )
    code, out, err = run("plan", str(routine), "--engine", "fake")
    assert code == 2 and out == ""
    assert f"{routine}:4:5: the cue 'Press again. 2 of 4.' lasts" in err
    assert "turn repetitions off for this step (repetitions: off)" in err


def test_repetitions_on_a_steady_hold_is_refused(tmp_path: Path) -> None:
    routine = write(tmp_path, "title: x\nsteps:\n  - {name: a, hold: 5, repetitions: on}\n")
    code, _, err = run("check", str(routine))
    assert code == 2
    assert f"{routine}:3:37: step 1.repetitions: a steady hold has no repetitions" in err


@pytest.mark.parametrize(
    ("language", "first", "last"),
    [
        ("es", "Lift. 1 de 10.", "Lift. Por última vez."),
        ("de", "Lift. 1 von 10.", "Lift. Zum letzten Mal."),
        ("fr", "Lift. 1 sur 10.", "Lift. Une dernière fois."),
    ],
)
def test_announcements_in_every_language(
    language: str, first: str, last: str, tmp_path: Path
) -> None:
    text = PHASED.format(pacing=", repetitions: on", step="").replace(
        "title: Bridges", f"title: x\nlanguage: {language}"
    )
    text = text[: text.index("  - point: LI4")]
    cues = phase_cues(plan(str(write(tmp_path, text)), *FRENCH))
    assert cues[0] == first and cues[-3] == last


def test_the_home_exercise_example(tmp_path: Path) -> None:
    tl = plan(str(EXAMPLE))
    bridge = [t for p, t in spoken(tl, "phase") if p == "Glute bridge"]
    assert bridge[::4] == [f"Lift. {n} of 10." for n in range(1, 10)] + ["Lift. Last one."]
    assert [h["seconds"] for h in tl["holds"] if h["point"] == "Glute bridge"] == [2, 5, 2, 2] * 10
    stretch = spoken(tl, "press", "release", "find")
    assert ("Knee to chest stretch", "Stretch.") in stretch
    assert ("Knee to chest stretch", "Let go.") in stretch
    assert ("Knee to chest stretch", "Stretch for 20 seconds. Get ready.") in stretch
    assert ("Glute bridge", "We will do 10 bridges, 11 seconds each. Get ready.") in stretch
    assert tl["skipped_counts"] == 0
    stretches = [h for h in tl["holds"] if h["point"] == "Knee to chest stretch"]
    assert [(h["side"], h["seconds"]) for h in stretches] == [("left", 20), ("right", 20)]


def test_the_setting_reaches_settings_flags_schema_and_studio() -> None:
    from audio_guide.authoring.schema import build
    from audio_guide.studio.controls import describe

    controls = {c["name"]: c for c in describe()}
    assert controls["repetitions"]["kind"] == "switch"
    assert (controls["repetitions"]["section"], controls["repetitions"]["flag"]) == (
        "pacing",
        "--repetitions",
    )
    keys = [item["key"] for item in controls["phrases"]["items"]]  # type: ignore[union-attr]
    assert {"hold_plan.1", "hold_plan.one", "hold_plan.other", "repetition"} <= set(keys)
    routine = build("routine")["$defs"]
    assert routine["pacing"]["properties"]["repetitions"] == {"type": "boolean"}
    assert set(routine["namedStep"]["properties"]) >= {"phrases", "repetitions"}
    code, out, err = run("plan", str(EXAMPLE), "--engine", "fake", "--settings")
    assert code == 0, err
    row = next(line for line in out.splitlines() if line.startswith("repetitions"))
    assert "True" in row and "home_exercise.yaml:12:" in row
