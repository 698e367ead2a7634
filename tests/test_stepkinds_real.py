"""Phased cycles, a quiet step and a named stretch on the real engine, measured on the MP3."""

from __future__ import annotations

import io
import json
from typing import Any

import numpy as np
import pytest
from audio_checks import decode, nearest_errors, onsets
from conftest import FIXTURES

from audio_guide.cli import main

pytestmark = pytest.mark.real

ROUTINE = FIXTURES / "routines" / "breathing.yaml"
TOLERANCE = 0.010


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    mp3 = tmp_path_factory.mktemp("phases") / "breathing.mp3"
    err = io.StringIO()
    code = main(["build", str(ROUTINE), "-o", str(mp3)], out=io.StringIO(), err=err)
    assert code == 0, err.getvalue()
    timeline = json.loads(mp3.with_name("breathing.timeline.json").read_text())
    sr = timeline["sample_rate"]
    audio = decode(mp3, sr)
    return {"timeline": timeline, "sr": sr, "audio": audio, "onsets": onsets(audio, sr, -40.0)}


def onset_near(r: dict[str, Any], t: float) -> float:
    times = r["onsets"] / r["sr"]
    return float(times[np.argmin(np.abs(times - t))])


def test_every_phase_cue_starts_on_plan(rendered: dict[str, Any]) -> None:
    tl = rendered["timeline"]
    cues = [e for e in tl["events"] if e["role"] == "phase" and e["kind"] == "speech"]
    assert [c["text"] for c in cues] == ["Breathe in.", "Hold.", "Breathe out."] * 2
    errors = nearest_errors([c["start"] for c in cues], rendered["onsets"], rendered["sr"])
    assert max(abs(e) for e in errors) <= TOLERANCE, errors


def test_each_phase_measures_its_seconds(rendered: dict[str, Any]) -> None:
    phases = [h for h in rendered["timeline"]["holds"] if h.get("phase")]
    assert [h["seconds"] for h in phases] == [4, 4, 6] * 2
    measured = [onset_near(rendered, h["end"]) - onset_near(rendered, h["start"]) for h in phases]
    for hold, length in zip(phases, measured):
        assert abs(length - hold["seconds"]) <= TOLERANCE, (hold, length)
    # and the found onsets are the cues, not neighbouring counts
    for hold in phases:
        assert abs(onset_near(rendered, hold["start"]) - hold["start"]) <= TOLERANCE


def test_the_stretch_hold_measures_its_seconds(rendered: dict[str, Any]) -> None:
    (hold,) = [h for h in rendered["timeline"]["holds"] if h["point"] == "Neck stretch"]
    length = onset_near(rendered, hold["end"]) - onset_near(rendered, hold["start"])
    assert abs(length - 5) <= TOLERANCE, length


def test_the_pause_is_three_quiet_seconds(rendered: dict[str, Any]) -> None:
    tl, sr, audio = rendered["timeline"], rendered["sr"], rendered["audio"]
    (said,) = [e for e in tl["events"] if e["text"] == "Let the breath settle."]
    (nxt,) = [e for e in tl["events"] if e["text"] == "Neck stretch."]
    start = onset_near(rendered, nxt["start"])
    assert abs(start - nxt["start"]) <= TOLERANCE
    window = np.abs(audio[round(said["start"] * sr) : round(start * sr) - 1])
    last_sound = (np.flatnonzero(window > 10 ** (-40 / 20))[-1] + round(said["start"] * sr)) / sr
    assert 3.0 - TOLERANCE <= start - last_sound <= 3.0 + 0.05, start - last_sound
