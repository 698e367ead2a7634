"""Real end-to-end: build back_pain with espeak-ng and ffmpeg, decode the MP3, measure it.

The render has every listening feature on (bells, ticks, a noise bed, loudness, captions, a
cover), so the core's timing guarantees are checked with all of them present.
"""

from __future__ import annotations

import io
import itertools
import json
from pathlib import Path
from typing import Any

import numpy as np
import pylrc
import pytest
import webvtt
from audio_checks import chapters, decode, decode_and_meter, nearest_errors, onsets, tone_ratio
from mutagen.id3 import ID3

from audio_guide import runtime
from audio_guide.cli import main

pytestmark = pytest.mark.real

PNG_1X1 = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c6360f8cfc0f01f0005000201e2b3a4b40000000049454e44ae426082"
)
ARTICLE_POINTS = {"B23", "B47", "B48", "GB30", "LI4", "TE3", "B54", "B53"}


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out_dir = tmp_path_factory.mktemp("e2e")
    mp3 = out_dir / "back_pain.mp3"
    cover = out_dir / "cover.png"
    cover.write_bytes(PNG_1X1)
    err = io.StringIO()
    argv = ["build", "back_pain", "-o", str(mp3), "--tick", "5", "--bed", "noise",
            "--captions", "vtt,lrc", "--cover", str(cover)]  # fmt: skip
    code = main(argv, out=io.StringIO(), err=err)
    assert code == 0, err.getvalue()
    timeline = json.loads((out_dir / "back_pain.timeline.json").read_text())
    sr = timeline["sample_rate"]
    audio, loudness = decode_and_meter(mp3, sr)
    return {
        "loudness": loudness,
        "dir": out_dir,
        "cover": cover,
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


def test_libsndfile_decodes_the_mp3_as_ffmpeg_does(rendered: dict[str, Any]) -> None:
    """``decode`` reads MP3s with libsndfile (mpg123): the same samples as ffmpeg's decoder
    (which the fixture used), none gained or lost at either end, at most a rounding apart."""
    by_libsndfile = decode(rendered["mp3"], rendered["sr"])
    assert len(by_libsndfile) == len(rendered["audio"])
    assert np.abs(by_libsndfile - rendered["audio"]).max() <= 2 / 32768


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
    written = " ".join(e["text"] for e in tl["events"])
    for name in ("B 23", "B 47", "B 48", "GB 30", "LI 4", "TE 3", "B 54", "B 53"):
        assert name in written
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


# Hands-free listening (bells, chapters, loudness, captions, cover) on the same render.


def test_chapters_one_per_step_within_10_ms(rendered: dict[str, Any]) -> None:
    """ffmpeg's demuxer reads the ID3 CHAP frames (ffprobe -show_chapters reads the same)."""
    planned = rendered["timeline"]["chapters"]
    found = chapters(rendered["mp3"])
    assert len(found) == len(planned) == len(ARTICLE_POINTS) + 2
    for want, got in zip(planned, sorted(found, key=lambda c: int(c["START"])), strict=True):
        assert got["TIMEBASE"] == "1/1000"
        assert abs(int(got["START"]) / 1000 - want["start"]) <= 0.010
        assert got["title"] == want["title"]
    assert "LI 4 — web of the hand" in [c["title"] for c in found]
    tags = ID3(str(rendered["mp3"]))
    (toc,) = tags.getall("CTOC")
    assert len(toc.child_element_ids) == len(planned)
    chaps = sorted(tags.getall("CHAP"), key=lambda c: c.start_time)
    assert [abs(c.start_time / 1000 - want["start"]) <= 0.010 for c, want in
            zip(chaps, planned, strict=True)] == [True] * len(planned)  # fmt: skip


def test_loudness_is_minus_16_lufs_with_true_peak_below_minus_1(rendered: dict[str, Any]) -> None:
    integrated, peak = rendered["loudness"]  # ffmpeg's ebur128 on the MP3
    assert abs(integrated - -16.0) <= 1.0, integrated
    assert peak <= -1.0, peak


def test_a_bell_sounds_at_every_hold_start_and_end(rendered: dict[str, Any]) -> None:
    tl, audio, sr = rendered["timeline"], rendered["audio"], rendered["sr"]
    bells = {(e["start"], e["text"]) for e in tl["events"] if e["kind"] == "chime"}
    for hold in tl["holds"]:
        assert (hold["start"], "bell:start") in bells and (hold["end"], "bell:end") in bells
        errors = nearest_errors([hold["start"], hold["end"]], rendered["onsets"], sr)
        assert max(abs(x) for x in errors) <= 0.010
        start_bell = (tone_ratio(audio, sr, hold["start"], 880.0),
                      tone_ratio(audio, sr, hold["start"], 587.33))  # fmt: skip
        end_bell = (tone_ratio(audio, sr, hold["end"], 880.0),
                    tone_ratio(audio, sr, hold["end"], 587.33))  # fmt: skip
        assert start_bell[0] > 100 and start_bell[0] > start_bell[1], start_bell
        assert end_bell[1] > 100 and end_bell[1] > end_bell[0], end_bell


def test_ticks_every_5_seconds_inside_holds(rendered: dict[str, Any]) -> None:
    tl = rendered["timeline"]
    ticks = [e for e in tl["events"] if e["role"] == "tick"]
    expected = sum(len(range(5, int(h["seconds"] - 1e-9) + 1, 5)) for h in tl["holds"])
    assert len(ticks) == expected > 0


def test_captions_parse_and_match_the_timeline(rendered: dict[str, Any]) -> None:
    spoken = [e for e in rendered["timeline"]["events"] if e["kind"] == "speech"]
    cues = webvtt.read(str(rendered["dir"] / "back_pain.vtt")).captions
    assert [c.text for c in cues] == [e["text"] for e in spoken]
    for cue, e in zip(cues, spoken, strict=True):
        assert abs(cue.start_in_seconds + cue.start_time.milliseconds / 1000 - e["start"]) < 0.001
        assert abs(cue.end_in_seconds + cue.end_time.milliseconds / 1000 - e["end"]) < 0.001
    lyrics = pylrc.parse((rendered["dir"] / "back_pain.lrc").read_text())
    assert lyrics.title == rendered["timeline"]["title"]
    assert [line.text for line in lyrics] == [e["text"] for e in spoken]
    for line, e in zip(lyrics, spoken, strict=True):
        shown = line.minutes * 60 + line.seconds + line.milliseconds / 1000
        assert 0 <= e["start"] - shown < 0.010


def test_cover_and_summary_comment(rendered: dict[str, Any]) -> None:
    tags = ID3(str(rendered["mp3"]))
    (apic,) = tags.getall("APIC")
    assert apic.data == PNG_1X1 and apic.mime == "image/png"
    comment = str(tags.getall("COMM")[0])
    assert "8 steps" in comment and "14 timed holds" in comment
