"""back_pain_es built with espeak-ng's Spanish voice, decoded and measured like back_pain."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import webvtt
from audio_checks import chapters, count_timing, decode, nearest_errors, onsets
from mutagen.id3 import ID3
from test_languages import english_left, spoken_and_shown

from audio_guide.cli import main

pytestmark = pytest.mark.real


@pytest.fixture(scope="module")
def spanish(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("es")
    mp3 = folder / "back_pain_es.mp3"
    err = io.StringIO()
    code = main(["build", "back_pain_es", "-o", str(mp3), "--captions", "vtt"],
                out=io.StringIO(), err=err)  # fmt: skip
    assert code == 0, err.getvalue()
    timeline = json.loads((folder / "back_pain_es.timeline.json").read_text())
    sr = timeline["sample_rate"]
    audio = decode(mp3, sr)
    return {"mp3": mp3, "timeline": timeline, "sr": sr, "audio": audio,
            "onsets": onsets(audio, sr, threshold_db=-40.0)}  # fmt: skip


def test_back_pain_es_speaks_spanish_with_espeaks_spanish_voice(spanish: dict[str, Any]) -> None:
    tl = spanish["timeline"]
    assert tl["settings"]["engine"] == "pyttsx3"
    assert tl["settings"]["voice_id"] == "roa/es"
    assert english_left(spoken_and_shown(tl), "es") == []


def test_back_pain_es_sounds_and_holds_are_on_the_clock(spanish: dict[str, Any]) -> None:
    tl, sr, found = spanish["timeline"], spanish["sr"], spanish["onsets"]
    events = [e for e in tl["events"] if e["kind"] in ("speech", "chime")]
    assert len(events) > 300
    worst = max(abs(x) for x in nearest_errors([e["start"] for e in events], found, sr))
    assert worst <= 0.010, f"worst onset error {worst * 1000:.1f} ms"
    times = found / sr
    assert len(tl["holds"]) == 14
    for hold in tl["holds"]:
        start = times[np.argmin(np.abs(times - hold["start"]))]
        end = times[np.argmin(np.abs(times - hold["end"]))]
        assert abs((end - start) - hold["seconds"]) <= 0.010, hold


def test_back_pain_es_says_every_count_on_its_second(spanish: dict[str, Any]) -> None:
    tl = spanish["timeline"]
    counts = [e for e in tl["events"] if e["role"] == "count"]
    assert len(counts) == 346 and tl["skipped_counts"] == 0
    assert {e.get("rate") for e in counts} == {240}  # espeak-ng's Spanish count rate
    worst, quiet = count_timing(tl, spanish["audio"], spanish["sr"], spanish["onsets"])
    assert worst <= 0.010, f"a count is {worst * 1000:.1f} ms off its second"
    assert quiet >= 0.040, f"only {quiet * 1000:.0f} ms of quiet after a count"


def test_back_pain_es_chapters_and_captions_are_spanish(spanish: dict[str, Any]) -> None:
    tl, mp3 = spanish["timeline"], spanish["mp3"]
    titles = [c["title"] for c in sorted(chapters(mp3), key=lambda c: int(c["START"]))]
    assert titles == [c["title"] for c in tl["chapters"]]
    assert titles[0] == "Introducción" and titles[-1] == "Cierre"
    assert "LI 4 — entre el pulgar y el índice" in titles
    cues = webvtt.read(str(Path(mp3).with_suffix(".vtt"))).captions
    assert [c.text for c in cues] == [e["text"] for e in tl["events"] if e["kind"] == "speech"]


def test_back_pain_es_mp3_tags_are_spanish(spanish: dict[str, Any]) -> None:
    tags = ID3(str(spanish["mp3"]))
    (comment,) = tags.getall("COMM")
    assert comment.lang == "spa"
    assert "8 pasos: B 23 — Mar de Vitalidad" in str(comment)
    assert "14 presiones cronometradas;" in str(comment)
    assert str(tags["TLAN"]) == "spa"
