"""Chimes generated in code: a soft bell to start a hold, a lower one to end it, a quiet tick.

Each bell is a few inharmonic partials with exponential decays (higher partials die faster) and a
2 ms attack, faded to silence by ``BELL_SECONDS`` so it never masks the count a second later.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from audio_guide.sound.engines import Samples
from audio_guide.timeline import BELL_END, BELL_START, TICK

if TYPE_CHECKING:
    import numpy as np

NAMES = (BELL_START, BELL_END, TICK)

BELL_SECONDS = 0.8
BELL_PEAK = 0.35
"""Peak amplitude of a bell (about -9 dBFS; espeak speech peaks near -2 dBFS)."""
TICK_SECONDS = 0.03
TICK_PEAK = 0.12

# (frequency ratio, relative amplitude, decay time constant in seconds)
_PARTIALS = ((1.0, 1.0, 0.22), (2.76, 0.45, 0.12), (5.40, 0.22, 0.07), (8.93, 0.10, 0.04))
_FUNDAMENTAL = {BELL_START: 880.0, BELL_END: 587.33}


def _bell(f0: float, sr: int) -> np.ndarray:
    import numpy as np

    t = np.arange(int(BELL_SECONDS * sr)) / sr
    wave = sum(
        amp * np.exp(-t / tau) * np.sin(2 * np.pi * f0 * ratio * t)
        for ratio, amp, tau in _PARTIALS
        if f0 * ratio < sr / 2.2
    )
    attack = np.minimum(1.0, t / 0.002)
    tail = np.clip((BELL_SECONDS - t) / 0.25, 0.0, 1.0)
    out = np.asarray(wave) * attack * tail
    return np.asarray(out / np.max(np.abs(out)) * BELL_PEAK, dtype=np.float64)


def _tick(sr: int) -> np.ndarray:
    import numpy as np

    t = np.arange(int(TICK_SECONDS * sr)) / sr
    out = np.exp(-t / 0.005) * np.sin(2 * np.pi * 1800.0 * t) * np.minimum(1.0, t / 0.0005)
    return np.asarray(out / np.max(np.abs(out)) * TICK_PEAK, dtype=np.float64)


def render(name: str, sample_rate: int) -> Samples:
    """The chime called ``name`` as int16 samples that start with sound (no leading silence)."""
    import numpy as np  # here, so naming chimes (the script) does not load numpy

    if name == TICK:
        wave = _tick(sample_rate)
    elif name in _FUNDAMENTAL:
        wave = _bell(_FUNDAMENTAL[name], sample_rate)
    else:
        raise KeyError(f"no chime called {name!r}; chimes: {', '.join(NAMES)}")
    samples = np.round(wave * 32767).astype(np.int16)
    first = int(np.flatnonzero(np.abs(samples) > 0.006 * 32767)[0])
    return samples[first:]
