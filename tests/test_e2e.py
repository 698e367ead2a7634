"""Real end-to-end: build back_pain with espeak-ng and ffmpeg, decode the MP3, measure it."""

from __future__ import annotations

import io
import itertools
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from audio_checks import decode, nearest_errors, onsets
from mutagen.id3 import ID3

from audio_guide import runtime
from audio_guide.cli import main

pytestmark = pytest.mark.real

ARTICLE_POINTS = {"B23", "B47", "B48", "GB30", "LI4", "TE3", "B54", "B53"}


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out_dir = tmp_path_factory.mktemp("e2e")
    mp3 = out_dir / "back_pain.mp3"
    err = io.StringIO()
    code = main(["build", "back_pain", "-o", str(mp3)], out=io.StringIO(), err=err)
    assert code == 0, err.getvalue()
    timeline = json.loads((out_dir / "back_pain.timeline.json").read_text())
    sr = timeline["sample_rate"]
    audio = decode(mp3, sr)
    return {
        "mp3": mp3,
        "timeline": timeline,
        "audio": audio,
        "sr": sr,
        "onsets": onsets(audio, sr, threshold_db=-40.0),
    }


def test_decoded_length_matches_the_timeline(rendered: dict[str, Any]) -> None:
    seconds = len(rendered["audio"]) / rendered["sr"]
    assert abs(seconds - rendered["timeline"]["duration"]) <= 0.050
    assert rendered["timeline"]["format"] == "audio-guide/timeline@1"


def test_every_sound_starts_within_10_ms_of_its_plan(rendered: dict[str, Any]) -> None:
    events = [e for e in rendered["timeline"]["events"] if e["kind"] in ("speech", "chime")]
    assert len(events) > 100
    errors = nearest_errors([e["start"] for e in events], rendered["onsets"], rendered["sr"])
    worst = max(abs(x) for x in errors)
    assert worst <= 0.010, f"worst onset error {worst * 1000:.1f} ms"


def test_every_hold_measures_its_seconds_within_10_ms(rendered: dict[str, Any]) -> None:
    sr, found = rendered["sr"], rendered["onsets"]
    times = found / sr
    for hold in rendered["timeline"]["holds"]:
        start = times[np.argmin(np.abs(times - hold["start"]))]
        end = times[np.argmin(np.abs(times - hold["end"]))]
        assert abs((end - start) - hold["seconds"]) <= 0.010, hold


def test_quiet_between_counts(rendered: dict[str, Any]) -> None:
    """Counts are separate sounds: quiet just before each one, so none runs into the next."""
    sr, audio = rendered["sr"], rendered["audio"]
    for e in rendered["timeline"]["events"]:
        if e["role"] == "count":
            i = round(e["start"] * sr)
            before = audio[i - int(0.05 * sr) : i - int(0.003 * sr)]
            assert np.max(np.abs(before)) < 10 ** (-40 / 20), e


def test_article_routine_is_complete(rendered: dict[str, Any]) -> None:
    tl = rendered["timeline"]
    assert {h["point"] for h in tl["holds"]} == ARTICLE_POINTS
    spoken = " ".join(e["text"] for e in tl["events"])
    for name in ("B 23", "B 47", "B 48", "GB 30", "LI 4", "TE 3", "B 54", "B 53"):
        assert name in spoken.replace("G B", "GB").replace("L I", "LI").replace("T E", "TE")
    knee = [h for h in tl["holds"] if h["point"] in ("B53", "B54")]
    assert knee and all(h["seconds"] == 30 for h in knee)
    for side in ("left", "right"):
        li4 = [h for h in tl["holds"] if h["point"] == "LI4" and h["side"] == side]
        assert [h["seconds"] for h in li4] == [10, 10, 10]
        rests = [round(b["start"] - a["end"], 6) for a, b in itertools.pairwise(li4)]
        assert rests == [5, 5]
    roles = {e["role"] for e in tl["events"]}
    assert {
        "intro",
        "safety",
        "locate",
        "instruct",
        "press",
        "count",
        "release",
        "switch",
        "outro",
    } <= roles
    assert tl["chapters"][0]["title"] == "Introduction"
    assert len(tl["chapters"]) == len(ARTICLE_POINTS) + 2


def test_mp3_has_id3_tags(rendered: dict[str, Any]) -> None:
    tags = ID3(str(rendered["mp3"]))
    assert str(tags["TIT2"]) == rendered["timeline"]["title"]
    assert str(tags["TPE1"]) and str(tags["TALB"])


def test_failed_encode_leaves_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AUDIO_GUIDE_FFMPEG", "/bin/false")
    runtime.ffmpeg_exe.cache_clear()
    try:
        err = io.StringIO()
        out = tmp_path / "x.mp3"
        code = main(
            ["build", "back_pain", "--engine", "fake", "-o", str(out)], out=io.StringIO(), err=err
        )
    finally:
        runtime.ffmpeg_exe.cache_clear()
    assert code == 1
    assert "ffmpeg could not encode" in err.getvalue()
    assert list(tmp_path.iterdir()) == []


def test_interrupted_build_leaves_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from audio_guide import build

    real = build.master

    def interrupted(*args: Any, **kwargs: Any) -> Any:
        for i, block in enumerate(real(*args, **kwargs)):
            if i == 3:
                raise KeyboardInterrupt
            yield block

    monkeypatch.setattr(build, "master", interrupted)
    err = io.StringIO()
    code = main(
        ["build", "back_pain", "--engine", "fake", "-o", str(tmp_path / "x.mp3")],
        out=io.StringIO(),
        err=err,
    )
    assert code == 130 and "nothing was written" in err.getvalue()
    assert list(tmp_path.iterdir()) == []
