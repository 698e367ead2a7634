"""Shortening on the default install (ffmpeg's ``atempo``, no GPL extra): a clip comes out the
length asked, at the same pitch, and never sped up past ``fit.MAX_SPEEDUP`` (measured for
both shorteners: docs/benchmarks.md)."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from audio_guide.sound import fit

SR = 22050
F0 = 140.0


def voiced(seconds: float) -> np.ndarray:
    """A vowel-like tone: harmonics of ``F0`` falling off, in a syllable's slow swell, 10 ms
    fades (so ``trim`` keeps all of it)."""
    t = np.arange(round(seconds * SR)) / SR
    tone = sum(np.sin(2 * np.pi * k * F0 * t) / k for k in range(1, 8))
    swell = 0.7 + 0.3 * np.sin(2 * np.pi * 3 * t)
    fade = np.minimum(1.0, np.minimum(t, t[::-1]) / 0.01)
    return np.round(9000 * tone * swell * fade).astype(np.int16)


def dominant(clip: np.ndarray) -> float:
    """The strongest frequency in ``clip`` (Hz), from its Hann-windowed spectrum."""
    x = clip.astype(np.float64) * np.hanning(len(clip))
    n = 8 * len(x)  # zero-padded: bins of a few tenths of a Hz
    return float(np.argmax(np.abs(np.fft.rfft(x, n))) * SR / n)


@pytest.fixture
def default_install(monkeypatch: pytest.MonkeyPatch) -> None:
    """As without the extra ``fit``: ``import pedalboard`` fails."""
    monkeypatch.setitem(sys.modules, "pedalboard", None)


@pytest.mark.usefixtures("default_install")
@pytest.mark.parametrize("speedup", [1.15, 1.3, fit.MAX_SPEEDUP])
def test_atempo_shortens_to_the_length_asked_and_keeps_the_pitch(speedup: float) -> None:
    assert fit.shortener() == "atempo"
    clip = voiced(1.2)
    out = fit.stretch(clip, SR, speedup)
    assert abs(len(out) - len(clip) / speedup) / SR < 0.008  # within 8 ms
    assert dominant(out) == pytest.approx(dominant(clip), rel=0.02)  # resampling: 15..40 % off
    assert dominant(clip) == pytest.approx(F0, rel=0.01)


@pytest.mark.usefixtures("default_install")
def test_fit_on_the_default_install_fills_its_slot_and_stops_at_the_limit() -> None:
    clip = voiced(1.0)
    slot = round(len(clip) / 1.22)
    got = fit.fit(clip, slot, SR)
    assert got is not None and 1.22 <= got.speedup <= 1.23  # the next step if 1.22 ran over
    assert slot - round(0.008 * SR) <= len(got.samples) <= slot
    assert fit.fit(clip, round(len(clip) / (fit.MAX_SPEEDUP + 0.05)), SR) is None
    with pytest.raises(ValueError, match="unknown shortener"):
        fit.stretch(clip, SR, 1.2, "sox")
