"""The home-exercise example on the real engine, measured on the decoded MP3: every repetition is
announced and every cue still starts on its clock (issue 15 item 2)."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from audio_checks import decode, nearest_errors, onsets
from conftest import ROOT

from audio_guide.cli import main

pytestmark = pytest.mark.real

ROUTINE = ROOT / "examples" / "home_exercise.yaml"
TOLERANCE = 0.010


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    mp3 = tmp_path_factory.mktemp("home") / "home_exercise.mp3"
    err = io.StringIO()
    code = main(["build", str(ROUTINE), "-o", str(mp3)], out=io.StringIO(), err=err)
    assert code == 0, err.getvalue()
    timeline = json.loads(mp3.with_name("home_exercise.timeline.json").read_text())
    sr = timeline["sample_rate"]
    audio = decode(mp3, sr)
    return {"timeline": timeline, "sr": sr, "onsets": onsets(audio, sr, -40.0)}


def test_every_repetition_is_announced_and_every_cue_is_on_its_clock(
    rendered: dict[str, Any],
) -> None:
    tl = rendered["timeline"]
    cues = [e for e in tl["events"] if e["role"] == "phase" and e["kind"] == "speech"]
    lifts = [c["text"] for c in cues if c["text"].startswith("Lift.")]
    assert lifts == [f"Lift. {n} of 10." for n in range(1, 10)] + ["Lift. Last one."]
    assert len(cues) == 40
    # each phase cue starts exactly where its phase starts on the plan ...
    phases = [h for h in tl["holds"] if h["point"] == "Glute bridge"]
    assert [c["start"] for c in cues] == [h["start"] for h in phases]
    # ... and is heard there: onsets in the decoded MP3 within 10 ms
    errors = nearest_errors([c["start"] for c in cues], rendered["onsets"], rendered["sr"])
    assert max(abs(e) for e in errors) <= TOLERANCE, errors
    # the announced cue ends before the next phase's cue, with the usual gap
    for cue, phase in zip(cues[::4], phases[::4]):
        assert cue["end"] + 0.08 <= phase["end"] + 1e-6, cue


def test_the_stretch_says_its_own_cues_on_time(rendered: dict[str, Any]) -> None:
    tl = rendered["timeline"]
    cues = [
        e
        for e in tl["events"]
        if e.get("point") == "Knee to chest stretch"
        and e["role"] in ("press", "release")
        and e["kind"] == "speech"
    ]
    assert [c["text"] for c in cues] == ["Stretch.", "Let go."] * 2
    errors = nearest_errors([c["start"] for c in cues], rendered["onsets"], rendered["sr"])
    assert max(abs(e) for e in errors) <= TOLERANCE, errors
    holds = [h for h in tl["holds"] if h["point"] == "Knee to chest stretch"]
    assert [c["start"] for c in cues] == [t for h in holds for t in (h["start"], h["end"])]
