"""The MP3's true peak checked after encoding (``outputs/peakcheck.py``): the measurement on a
plosive LAME lifts over the bar, and the retry with more headroom on a small fake-engine build."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile
from conftest import FIXTURES, write

from audio_guide import build
from audio_guide.authoring.effective import effective_settings
from audio_guide.layers import Layer
from audio_guide.outputs import peakcheck
from audio_guide.outputs.export import Mp3Exporter
from audio_guide.sound.dsp import true_peaks
from audio_guide.sound.mix import MixOptions
from audio_guide.sound.synth import ClipCache
from audio_guide.timeline import Timeline

TINY = """title: Tiny
steps:
  - name: Hands
    location: Here.
    hold: 3
    find: 1
pacing: {count: none}
outro: [Done.]
"""


@pytest.mark.real
def test_the_check_sees_the_plosive_lame_lifts_over_the_bar(tmp_path: Path) -> None:
    """A Piper "Press steadily" plosive (0.19 s), limited to -2.0 dBTP at its build's gain +
    1.5 dB as a build limits it and placed 64 samples past an MP3 frame: the MP3 exporter's
    LAME decoded it at -0.2 dBTP, over the -1 dBTP bar (``benchmarks/codec_overshoot.py``)."""
    pcm, sr = soundfile.read(str(FIXTURES / "codec" / "plosive.wav"), dtype="int16")
    bar = MixOptions().true_peak
    assert 20 * np.log10(true_peaks(pcm / 32768.0).max()) <= bar - 1.0 + 0.01  # 16-bit rounding
    out = tmp_path / "plosive.mp3"
    Mp3Exporter().write([pcm], Timeline("plosive", len(pcm) / sr, sr, (), (), ()), out)
    decoded, _ = soundfile.read(str(out), dtype="float64")
    whole = 20 * np.log10(true_peaks(decoded).max())
    found = peakcheck.decoded_peak(out, bar)
    assert abs(found - whole) <= 0.01, (found, whole)  # the screen skipped nothing that counts
    assert found > bar, found


def test_an_mp3_over_the_bar_is_mastered_again_and_a_rebuild_is_not_decoded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    routine = build.load(str(write(tmp_path, TINY)))
    # loud enough that the fake engine's tones reach the limiter, so more headroom changes them
    layer = Layer("test", {"engine": "fake", "loudness": -6.0})
    settings, origins = effective_settings(routine, [layer])
    plan = build.make_plan(routine, settings, origins, ClipCache(tmp_path / "cache"))
    margins: list[float] = []
    master = build.master

    def recorded(timeline, clips, options, **kw):  # type: ignore[no-untyped-def]
        margins.append(options.codec_margin)
        return master(timeline, clips, options, **kw)

    readings = iter([-0.5, -1.6])
    monkeypatch.setattr(build, "master", recorded)
    monkeypatch.setattr(peakcheck, "decoded_peak", lambda path, bar: next(readings))
    build.render(plan, tmp_path / "a.mp3")
    assert margins == [1.0, 1.5]
    margins.clear()
    build.render(plan, tmp_path / "b.mp3")  # the verdicts are kept: nothing is decoded
    assert margins == [1.0, 1.5]
    assert (tmp_path / "a.mp3").read_bytes() == (tmp_path / "b.mp3").read_bytes()
