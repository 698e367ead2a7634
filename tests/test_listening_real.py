"""Listening features measured on real renders: the bed's ducking, bed files, loudness targets,
the routine's picture, and the errors these options give."""

from __future__ import annotations

import io
import itertools
import json
import math
import wave
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from audio_checks import decode, ebur128
from conftest import FIXTURES
from PIL import Image

from audio_guide.cli import main

pytestmark = pytest.mark.real

SHORT = str(FIXTURES / "routines" / "short.yaml")


def build(out: Path, *flags: str, routine: str = "back_pain") -> dict[str, Any]:
    err = io.StringIO()
    code = main(["build", routine, "-o", str(out), *flags], out=io.StringIO(), err=err)
    assert code == 0, err.getvalue()
    timeline: dict[str, Any] = json.loads(out.with_name(out.stem + ".timeline.json").read_text())
    return timeline


def db(x: float) -> float:
    return 20 * math.log10(max(x, 1e-12))


def test_noise_bed_is_ducked_at_least_12_db_under_speech(tmp_path: Path) -> None:
    """The bed alone is the difference of two raw renders, with and without it."""
    tl = build(tmp_path / "plain.wav", "--loudness", "off")
    build(tmp_path / "bed.wav", "--loudness", "off", "--bed", "noise")
    sr = tl["sample_rate"]
    bed = decode(tmp_path / "bed.wav", sr) - decode(tmp_path / "plain.wav", sr)
    assert np.sqrt(np.mean(bed**2)) > 1e-4, "the bed is missing"
    events = sorted(tl["events"], key=lambda e: e["start"])
    during = np.concatenate([
        bed[round(e["start"] * sr) : round(e["end"] * sr)]
        for e in events if e["kind"] == "speech" and e["end"] - e["start"] > 0.5
    ])  # fmt: skip
    gaps = []
    edge = 0.6
    for a, b in itertools.pairwise(events):
        if (
            b["start"] - a["end"] > 2 * edge + 0.5
            and a["end"] > 5
            and b["start"] < tl["duration"] - 5
        ):
            gaps.append(bed[round((a["end"] + edge) * sr) : round((b["start"] - edge) * sr)])
    between = np.concatenate(gaps)
    assert len(during) > 60 * sr and len(between) > 60 * sr
    dip = db(float(np.sqrt(np.mean(between**2)))) - db(float(np.sqrt(np.mean(during**2))))
    assert dip >= 12, f"bed only {dip:.1f} dB lower under speech"
    level = db(float(np.sqrt(np.mean(between**2))))
    assert -50 < level < -25, level


def test_bed_file_is_looped_to_the_end(tmp_path: Path) -> None:
    song = tmp_path / "hum.wav"
    sr = 22050
    t = np.arange(2 * sr) / sr
    with wave.open(str(song), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(sr)
        w.writeframes((np.sin(2 * np.pi * 220 * t) * 8000).astype("<i2").tobytes())
    tl = build(tmp_path / "plain.wav", "--loudness", "off", routine=SHORT)
    build(tmp_path / "bed.wav", "--loudness", "off", "--bed", str(song), routine=SHORT)
    bed = decode(tmp_path / "bed.wav", sr) - decode(tmp_path / "plain.wav", sr)
    quiet = [(a["end"], b["start"]) for a, b in zip(tl["events"], tl["events"][1:], strict=False)
             if b["start"] - a["end"] > 2.0]  # fmt: skip
    late = quiet[-1]
    assert late[0] > 150, "a gap near the end (the 2 s file must loop to reach it)"
    segment = bed[round((late[0] + 0.6) * sr) : round((late[1] - 0.6) * sr)]
    assert db(float(np.sqrt(np.mean(segment**2)))) > -50


def test_missing_bed_file_exits_2(tmp_path: Path) -> None:
    err = io.StringIO()
    out = tmp_path / "x.mp3"
    code = main(["build", SHORT, "--engine", "fake", "--bed", str(tmp_path / "none.ogg"),
                 "-o", str(out)], out=io.StringIO(), err=err)  # fmt: skip
    assert code == 2 and "none.ogg' not found" in err.getvalue()
    assert not out.exists()


def test_loudness_target_can_be_changed(tmp_path: Path) -> None:
    build(tmp_path / "quiet.mp3", "--loudness", "-20", routine=SHORT)
    integrated, peak = ebur128(tmp_path / "quiet.mp3")
    assert abs(integrated - -20) <= 1.0 and peak <= -1.0, (integrated, peak)


BAD = [
    ("--loudness", "-3"),
    ("--bed-level", "0"),
    ("--tick", "-1"),
    ("--captions", "srt"),
    ("--cover", "/nonexistent.png"),
]


@pytest.mark.parametrize("flags", BAD)
def test_bad_listening_options_exit_2(tmp_path: Path, flags: tuple[str, ...]) -> None:
    err = io.StringIO()
    out = tmp_path / "x.mp3"
    code = main(["build", SHORT, "--engine", "fake", *flags, "-o", str(out)],
                out=io.StringIO(), err=err)  # fmt: skip
    assert code == 2, err.getvalue()
    assert err.getvalue().startswith("audio-guide: ") and not out.exists()


def test_picture_svg_shows_every_step_and_the_length(tmp_path: Path) -> None:
    svg = tmp_path / "routine.svg"
    out = io.StringIO()
    assert main(["plan", "back_pain", "--picture", str(svg)], out=out, err=io.StringIO()) == 0
    root = ET.parse(svg).getroot()
    assert root.tag.endswith("svg")
    texts = " ".join("".join(el.itertext()) for el in root.iter() if el.tag.endswith("text"))
    plan_out = io.StringIO()
    assert main(["plan", "back_pain", "--json"], out=plan_out) == 0
    tl = json.loads(plan_out.getvalue())
    for chapter in tl["chapters"]:
        assert chapter["title"] in texts, chapter["title"]
    minutes, seconds = divmod(round(tl["duration"] * 1000), 60000)
    assert f"end {minutes}:{seconds // 1000:02d}" in texts
    assert "30 s" in texts and "10 s" in texts


def test_picture_png_is_a_real_image(tmp_path: Path) -> None:
    png = tmp_path / "routine.png"
    assert main(["plan", "back_pain", "--picture", str(png)], out=io.StringIO()) == 0
    with Image.open(png) as image:
        image.verify()
    with Image.open(png) as image:
        assert image.format == "PNG" and image.size[0] > 800 and image.size[1] > 300
        pixels = np.asarray(image.convert("RGB"))
    assert len(np.unique(pixels.reshape(-1, 3), axis=0)) > 10


def test_picture_needs_svg_or_png(tmp_path: Path) -> None:
    err = io.StringIO()
    code = main(["plan", "back_pain", "--engine", "fake", "--picture", str(tmp_path / "x.pdf")],
                out=io.StringIO(), err=err)  # fmt: skip
    assert code == 2 and "use a .svg or .png name" in err.getvalue()
