"""M4B and Opus, end to end with espeak-ng and the shipped ffmpeg: decode each file and measure
it as the MP3 is measured (tests/test_e2e.py): onsets, chapters, loudness, tags, captions.

Chapters are read three ways: by ffmpeg's demuxer (``-f ffmetadata``, always), by mutagen
(always), and by ``ffprobe -show_chapters`` when an ffprobe is installed (Debian's ``ffmpeg``
package; ``.ci/run`` installs it as root) - the imageio-ffmpeg wheel has none.
"""

from __future__ import annotations

import base64
import io
import json
import shutil
import subprocess
from typing import Any

import pytest
import webvtt
from audio_checks import chapters, decode_and_meter, nearest_errors, onsets
from studio_helpers import SMALL

from audio_guide.cli import main

pytestmark = pytest.mark.real

PNG_1X1 = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c6360f8cfc0f01f0005000201e2b3a4b40000000049454e44ae426082"
)
FORMATS = ("m4b", "opus")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    """SMALL with bells, ticks, a noise bed, captions and a cover, built once per format."""
    folder = tmp_path_factory.mktemp("formats")
    routine = folder / "small.yaml"
    routine.write_text(SMALL, encoding="utf-8")
    cover = folder / "cover.png"
    cover.write_bytes(PNG_1X1)
    out: dict[str, dict[str, Any]] = {}
    for fmt in FORMATS:
        audio = folder / f"small.{fmt}"
        err = io.StringIO()
        argv = ["build", str(routine), "--format", fmt, "-o", str(audio), "--tick", "5",
                "--bed", "noise", "--captions", "vtt,lrc", "--cover", str(cover)]  # fmt: skip
        assert main(argv, out=io.StringIO(), err=err) == 0, err.getvalue()
        timeline = json.loads((folder / "small.timeline.json").read_text(encoding="utf-8"))
        sr = timeline["sample_rate"]
        decoded, loudness = decode_and_meter(audio, sr)
        vtt = (folder / "small.vtt").read_text(encoding="utf-8")
        out[fmt] = {"path": audio, "timeline": timeline, "sr": sr, "audio": decoded, "vtt": vtt,
                    "loudness": loudness}  # fmt: skip
    return out


@pytest.mark.parametrize("fmt", FORMATS)
def test_decoded_onsets_sit_on_the_timeline(built: dict[str, Any], fmt: str) -> None:
    b = built[fmt]
    assert abs(len(b["audio"]) / b["sr"] - b["timeline"]["duration"]) <= 0.050
    events = [e for e in b["timeline"]["events"] if e["kind"] in ("speech", "chime")]
    assert len(events) > 20
    found = onsets(b["audio"], b["sr"], threshold_db=-40.0)
    errors = nearest_errors([e["start"] for e in events], found, b["sr"])
    worst = max(abs(x) for x in errors)
    assert worst <= 0.010, f"{fmt}: worst onset error {worst * 1000:.1f} ms"
    assert b["timeline"]["settings"]["format"] == fmt


@pytest.mark.parametrize("fmt", FORMATS)
def test_ffmpeg_reads_the_chapters_at_the_timeline_times(built: dict[str, Any], fmt: str) -> None:
    b = built[fmt]
    planned = b["timeline"]["chapters"]
    found = sorted(chapters(b["path"]), key=lambda c: int(c["START"]))
    assert len(found) == len(planned) >= 3
    for want, got in zip(planned, found, strict=True):
        num, den = (int(x) for x in got["TIMEBASE"].split("/"))
        assert abs(int(got["START"]) * num / den - want["start"]) <= 0.010, (got, want)
        assert got["title"] == want["title"]


def test_mutagen_reads_the_m4b_chapters_and_tags(built: dict[str, Any]) -> None:
    from mutagen.mp4 import MP4

    b = built["m4b"]
    mp4 = MP4(str(b["path"]))
    planned = b["timeline"]["chapters"]
    assert [c.title for c in mp4.chapters] == [c["title"] for c in planned]
    for got, want in zip(mp4.chapters, planned, strict=True):
        assert abs(got.start - want["start"]) <= 0.010
    tags = mp4.tags
    assert tags is not None
    assert tags["\xa9nam"] == [b["timeline"]["title"]] and tags["stik"] == [2]
    assert bytes(tags["covr"][0]) == PNG_1X1
    assert "2 steps" in tags["\xa9cmt"][0]
    assert mp4.info.codec.startswith("mp4a") and mp4.info.sample_rate == 44100


def test_opus_carries_chapter_comments_tags_and_cover(built: dict[str, Any]) -> None:
    from mutagen.flac import Picture
    from mutagen.oggopus import OggOpus

    b = built["opus"]
    opus = OggOpus(str(b["path"]))
    tags = opus.tags
    assert tags is not None
    for i, chapter in enumerate(b["timeline"]["chapters"], start=1):
        h, m, s = tags[f"CHAPTER{i:03d}"][0].split(":")
        assert abs(int(h) * 3600 + int(m) * 60 + float(s) - chapter["start"]) <= 0.0005
        assert tags[f"CHAPTER{i:03d}NAME"] == [chapter["title"]]
    assert tags["TITLE"] == [b["timeline"]["title"]] and tags["LANGUAGE"] == ["eng"]
    picture = Picture(base64.b64decode(tags["METADATA_BLOCK_PICTURE"][0]))
    assert picture.data == PNG_1X1 and picture.mime == "image/png" and picture.type == 3
    assert opus.info.length == pytest.approx(b["timeline"]["duration"], abs=0.05)


@pytest.mark.parametrize("fmt", FORMATS)
def test_loudness_and_true_peak_on_the_decoded_file(built: dict[str, Any], fmt: str) -> None:
    integrated, peak = built[fmt]["loudness"]  # ffmpeg's ebur128 on the file
    assert abs(integrated - -16.0) <= 1.0, (fmt, integrated)
    assert peak <= -1.0, (fmt, peak)


@pytest.mark.parametrize("fmt", FORMATS)
def test_captions_beside_each_format(built: dict[str, Any], fmt: str) -> None:
    spoken = [e for e in built[fmt]["timeline"]["events"] if e["kind"] == "speech"]
    cues = webvtt.from_buffer(io.StringIO(built[fmt]["vtt"])).captions
    assert [c.text for c in cues] == [e["text"] for e in spoken]


@pytest.mark.parametrize("fmt", FORMATS)
def test_ffprobe_lists_the_chapters(built: dict[str, Any], fmt: str) -> None:
    ffprobe = shutil.which("ffprobe")
    if ffprobe is None:
        pytest.skip("no ffprobe (Debian's ffmpeg package; .ci/run installs it as root)")
    b = built[fmt]
    cmd = [ffprobe, "-v", "error", "-show_chapters", "-of", "json", str(b["path"])]
    found = json.loads(subprocess.run(cmd, capture_output=True, check=True).stdout)["chapters"]
    planned = b["timeline"]["chapters"]
    assert len(found) == len(planned)
    for got, want in zip(found, planned, strict=True):
        assert abs(float(got["start_time"]) - want["start"]) <= 0.010, (got, want)
        assert got["tags"]["title"] == want["title"]
