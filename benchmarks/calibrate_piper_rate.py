"""Calibrate Piper's length scale against espeak-ng's words per minute, and check it.

Usage: .venv/bin/python benchmarks/calibrate_piper_rate.py [--fit]

Both voices speak the same sentences (from back_pain, long and short); durations are of the
trimmed clips, as the scheduler sees them.

- default: at each rate, the Joe voice through the ``piper`` engine vs espeak-ng through
  ``pyttsx3``: the ratio of their durations per sentence (median, range) and over all sentences.
- ``--fit``: Joe's durations over a grid of raw length scales; for each espeak rate, the length
  scale that matches espeak's total; then the fit ``length_scale = (REF / rate) ** EXP``
  (least squares in log-log), the constants in ``sound/engines/piper_engine.py``.

Piper's durations carry a little noise (its duration predictor is sampled): each Joe figure is
the mean of two renders.
"""

from __future__ import annotations

import statistics
import sys

import numpy as np

from audio_guide.sound.engines import VoiceParams, get_engine
from audio_guide.sound.engines.piper_engine import length_scale, speak
from audio_guide.sound.synth import trim

SENTENCES = [
    "Welcome. This is a guided acupressure routine for back pain.",
    "Sit or lie down somewhere comfortable, and close your eyes if you like.",
    "Breathe in slowly, and breathe out slowly.",
    "This routine is not a substitute for medical care.",
    "Press firmly, but never to the point of pain.",
    "See a clinician if you have numbness, weakness, fever, or pain after a fall.",
    "That was the last point. Let your hands rest.",
    "When you are ready, move gently, and drink some water.",
    "Find the point on both sides.",
    "Now the right hand.",
    "Press.",
    "Release.",
    "twenty",
    "fifteen",
]
RATES = [100, 130, 160, 200, 250, 300]
GRID = [0.35, 0.45, 0.6, 0.75, 0.9, 1.05, 1.25, 1.5, 1.8, 2.2, 2.6]
REPEATS = 2


def espeak_seconds(rate: int) -> list[float]:
    """Trimmed durations of the sentences with espeak-ng (en-us) at ``rate``."""
    engine = get_engine("pyttsx3")
    params = VoiceParams(engine.resolve_voice("en-us"), rate, 1.0, 50)
    return [len(trim(engine.synthesize(s, params))) / engine.sample_rate for s in SENTENCES]


def joe_seconds(rate: int) -> list[float]:
    """Trimmed durations with the ``piper`` engine's Joe voice at ``rate`` (mean of repeats)."""
    engine = get_engine("piper")
    params = VoiceParams(engine.resolve_voice("en-us"), rate, 1.0, 50)
    sr = engine.sample_rate
    return [
        float(np.mean([len(trim(engine.synthesize(s, params))) / sr for _ in range(REPEATS)]))
        for s in SENTENCES
    ]


def check() -> None:
    """Per-sentence and total duration ratios Joe / espeak at each rate."""
    print(f"{'rate':>5} {'scale':>6} {'espeak s':>9} {'joe s':>7} {'total':>6} "
          f"{'median':>7} {'min':>6} {'max':>6}")  # fmt: skip
    for rate in RATES:
        esp, joe = espeak_seconds(rate), joe_seconds(rate)
        ratios = [j / e for j, e in zip(joe, esp, strict=True)]
        print(
            f"{rate:>5} {length_scale(rate):>6.3f} {sum(esp):>9.2f} {sum(joe):>7.2f} "
            f"{sum(joe) / sum(esp):>6.3f} {statistics.median(ratios):>7.3f} "
            f"{min(ratios):>6.3f} {max(ratios):>6.3f}"
        )


def fit() -> None:
    """Fit REF and EXP of ``length_scale = (REF / rate) ** EXP`` on total durations."""
    engine = get_engine("piper")
    voice = engine.voice_file(engine.resolve_voice("en-us"))  # type: ignore[attr-defined]

    def total(scale: float) -> float:
        runs = [speak(voice, s, scale) for s in SENTENCES for _ in range(REPEATS)]
        return sum(len(trim(a)) for a in runs) / voice.sample_rate / REPEATS

    joe = [total(scale) for scale in GRID]
    matched = []
    for rate in RATES:
        want = sum(espeak_seconds(rate))
        scale = float(np.interp(want, joe, GRID))
        matched.append(scale)
        print(f"rate {rate:>3}: espeak {want:6.2f} s -> length scale {scale:.3f}")
    slope, icept = np.polyfit(np.log(RATES), np.log(matched), 1)
    exp = -slope
    ref = float(np.exp(icept / exp))
    print(f"fit: length_scale = ({ref:.1f} / rate) ** {exp:.3f}")


if __name__ == "__main__":
    fit() if sys.argv[1:2] == ["--fit"] else check()
