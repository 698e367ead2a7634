"""Voice and pacing settings on the real engine, measured on decoded renders."""

from __future__ import annotations

import io
import itertools
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from audio_checks import Audio, decode, nearest_errors, onsets
from conftest import FIXTURES

from audio_guide.cli import main

pytestmark = pytest.mark.real

SHORT = str(FIXTURES / "routines" / "short.yaml")


class Render:
    """A decoded render of ``short.yaml`` with the given flags."""

    def __init__(self, folder: Path, flags: tuple[str, ...], suffix: str) -> None:
        out = folder / f"r{abs(hash(flags))}{suffix}"
        err = io.StringIO()
        code = main(["build", SHORT, "-o", str(out), *flags], out=io.StringIO(), err=err)
        assert code == 0, err.getvalue()
        self.timeline: dict[str, Any] = json.loads(
            out.with_name(out.stem + ".timeline.json").read_text()
        )
        self.sr: int = self.timeline["sample_rate"]
        self.audio: Audio = decode(out, self.sr)
        self.onsets = onsets(self.audio, self.sr, threshold_db=-40.0)

    def events(self, role: str | None = None, text: str | None = None) -> list[dict[str, Any]]:
        return [
            e
            for e in self.timeline["events"]
            if role in (None, e["role"]) and text in (None, e["text"])
        ]

    def onset_near(self, t: float) -> float:
        times = self.onsets / self.sr
        return float(times[np.argmin(np.abs(times - t))])

    def segment(self, event: dict[str, Any]) -> Audio:
        return self.audio[round(event["start"] * self.sr) : round(event["end"] * self.sr)]


@pytest.fixture(scope="module")
def render(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("custom")
    made: dict[tuple[tuple[str, ...], str], Render] = {}

    def get(*flags: str, suffix: str = ".mp3") -> Render:
        if (flags, suffix) not in made:
            made[flags, suffix] = Render(folder, flags, suffix)
        return made[flags, suffix]

    return get


def rms(x: Audio) -> float:
    return float(np.sqrt(np.mean(np.square(x.astype(np.float64)))))


def assert_holds_measure(r: Render, point: str) -> list[float]:
    """Every hold of ``point`` measured between detected onsets; returns the measured lengths."""
    measured = []
    for hold in (h for h in r.timeline["holds"] if h["point"] == point):
        length = r.onset_near(hold["end"]) - r.onset_near(hold["start"])
        assert abs(length - hold["seconds"]) <= 0.010, (hold, length)
        measured.append(length)
    return measured


def test_slower_rate_gives_longer_speech(render) -> None:  # type: ignore[no-untyped-def]
    """WAV renders: the lengths are the speech's, which an MP3 encoder does not change."""
    slow, fast = render("--rate", "120", suffix=".wav"), render("--rate", "220", suffix=".wav")
    text = next(e["text"] for e in slow.events("locate"))
    (a,), (b,) = slow.events(text=text)[:1], fast.events(text=text)[:1]
    assert a["end"] - a["start"] > 1.4 * (b["end"] - b["start"])
    assert len(slow.audio) > len(fast.audio)
    assert (slow.timeline["settings"]["rate"], fast.timeline["settings"]["rate"]) == (120, 220)
    assert [h["seconds"] for h in slow.timeline["holds"]] == [
        h["seconds"] for h in fast.timeline["holds"]
    ]


def test_female_variant_sounds_different(render) -> None:  # type: ignore[no-untyped-def]
    base, f3 = render(suffix=".wav"), render("--voice", "en-us+f3", suffix=".wav")
    assert f3.timeline["settings"]["voice_id"] == "gmw/en-us+f3"
    text = base.events("intro")[0]["text"]
    a, b = base.segment(base.events(text=text)[0]), f3.segment(f3.events(text=text)[0])
    n = min(len(a), len(b))
    assert n > 0.2 * base.sr
    corr = float(np.corrcoef(a[:n], b[:n])[0, 1])
    assert corr < 0.5, corr


def test_half_volume_is_quieter_before_normalization(render) -> None:  # type: ignore[no-untyped-def]
    full = render("--loudness", "off", suffix=".wav")
    half = render("--volume", "0.5", "--loudness", "off", suffix=".wav")
    text = full.events("locate")[0]["text"]
    loud = rms(full.segment(full.events(text=text)[0]))
    quiet = rms(half.segment(half.events(text=text)[0]))
    assert 0.4 < quiet / loud < 0.6, (quiet, loud)


def test_unknown_voice_exits_2_and_names_close_matches(tmp_path: Path) -> None:
    err = io.StringIO()
    out = tmp_path / "x.mp3"
    code = main(["build", SHORT, "--voice", "en-uss", "-o", str(out)], out=io.StringIO(), err=err)
    assert code == 2
    assert "unknown voice 'en-uss'" in err.getvalue() and "en-us" in err.getvalue()
    assert not out.exists()


def test_hold_override_measures_45_seconds_and_counts_every_5(render) -> None:  # type: ignore[no-untyped-def]
    r = render("--hold", "B54=45", "--count", "every:5")
    (b54,) = [h for h in r.timeline["holds"] if h["point"] == "B54"]
    assert b54["seconds"] == 45
    assert assert_holds_measure(r, "B54")
    counts = [e for e in r.events("count") if b54["start"] < e["start"] < b54["end"]]
    assert [e["text"] for e in counts] == [str(t) for t in range(5, 45, 5)]
    ticks = [b54["start"] + int(e["text"]) for e in counts]
    assert max(abs(x) for x in nearest_errors(ticks, r.onsets, r.sr)) <= 0.010


def test_cycles_override_five_8s_presses_4s_rests_per_hand(render) -> None:  # type: ignore[no-untyped-def]
    r = render("--cycles", "LI4=8/4/5")
    assert len(assert_holds_measure(r, "LI4")) == 10
    for side in ("left", "right"):
        li4 = [h for h in r.timeline["holds"] if h["point"] == "LI4" and h["side"] == side]
        assert [h["seconds"] for h in li4] == [8] * 5
        for a, b in itertools.pairwise(li4):
            rest = r.onset_near(b["start"]) - r.onset_near(a["end"])
            assert abs(rest - 4) <= 0.010


def test_sides_right_with_countdown(render) -> None:  # type: ignore[no-untyped-def]
    r = render("--sides", "right", "--count", "countdown:5")
    assert not [e for e in r.timeline["events"] if e.get("side") == "left"]
    assert {h["side"] for h in r.timeline["holds"] if h["point"] == "LI4"} == {"right"}
    (b54,) = [h for h in r.timeline["holds"] if h["point"] == "B54"]
    counts = [e for e in r.events("count") if b54["start"] < e["start"] < b54["end"]]
    assert [(round(e["start"] - b54["start"], 6), e["text"]) for e in counts] == [
        (25.0, "5"),
        (26.0, "4"),
        (27.0, "3"),
        (28.0, "2"),
        (29.0, "1"),
    ]
    planned = [e["start"] for e in r.events("count")]
    assert max(abs(x) for x in nearest_errors(planned, r.onsets, r.sr)) <= 0.010


def quiet_before_press(r: Render) -> list[float]:
    """Measured silence between each 'find the point' sentence and its press cue."""
    thr = 10 ** (-40 / 20)
    loud = np.flatnonzero(np.abs(r.audio) > thr)
    out = []
    for a, b in itertools.pairwise(r.timeline["events"]):
        if a["role"] == "find" and b["role"] == "press":
            press = round(r.onset_near(b["start"]) * r.sr)
            last = loud[np.searchsorted(loud, press) - 1]
            out.append((press - last) / r.sr)
    return out


def test_pace_scales_finding_time_not_holds(render) -> None:  # type: ignore[no-untyped-def]
    # The quiet is measured on WAV renders: in an MP3 the codec's post-echo after a sentence's
    # last sample can exceed the -40 dBFS threshold for a few ms, depending on espeak-ng's
    # run-to-run drift (the onsets on the decoded MP3 are checked by the holds below and e2e).
    base, slow = render(suffix=".wav"), render("--pace", "1.5", suffix=".wav")
    q0, q1 = quiet_before_press(base), quiet_before_press(slow)
    assert len(q0) == len(q1) == 3
    for a, b in zip(q0, q1, strict=True):
        assert abs(a - 3.0) <= 0.005 and abs(b - 4.5) <= 0.005
        assert abs(b / a - 1.5) <= 0.005
    for r in (base, slow):
        assert assert_holds_measure(r, "B54") and assert_holds_measure(r, "LI4")
