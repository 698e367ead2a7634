"""The mastering pieces a cold build's peak memory was reached in hold few copies of a clip.

A cold ``build back_pain`` peaked at 119-129 MiB (the bar is 120) while the limiter held the
peaks of its longest clip and while analysis threads computed new K-filter responses; with the
pieces below holding fewer full-length arrays it reads 111-112 MiB (docs/benchmarks.md,
"Memory of a cold build"). Each bound here is what the piece allocates at most while it runs,
by ``tracemalloc`` (numpy reports its buffers to it), against the clip as 64-bit floats; the
old code's figure is in each message.
"""

from __future__ import annotations

import tracemalloc
from collections.abc import Callable

import numpy as np

from audio_guide.sound import dsp
from audio_guide.sound.analysis import analyse
from audio_guide.sound.loudness import Limiter
from audio_guide.sound.synth import trim

N = 400_000
"""Samples in the clip (18 s at 22.05 kHz, the length of back_pain's longest)."""


def clip() -> np.ndarray:
    pcm = (np.random.default_rng(3).standard_normal(N) * 3000).astype(np.int16)
    pcm[: N // 10] = 0
    return pcm


def peak(work: Callable[[], object]) -> float:
    """The most ``work`` held at once beyond what was there before, in clips of doubles."""
    tracemalloc.start()
    try:
        work()
        return tracemalloc.get_traced_memory()[1] / (N * 8)
    finally:
        tracemalloc.stop()


def test_held_peaks_and_gain_curve_hold_three_copies() -> None:
    peaks = np.abs(clip() / 32768.0)
    limiter = Limiter(22050, -1.0)
    held = peak(lambda: limiter.held(peaks))
    assert held <= 3.2, f"held peaks: {held:.2f} clips (was 6.0)"
    curve = peak(lambda: limiter.curve(peaks, 4.0))
    assert curve <= 3.2, f"gain curve: {curve:.2f} clips (was 4.0)"


def test_a_clip_analysis_with_a_new_k_response_holds_four() -> None:
    pcm = clip()
    dsp._k_response.cache_clear()  # a cold build meets new FFT sizes while it analyses
    took = peak(lambda: analyse(pcm, 22050))
    assert took <= 4.2, f"analysis: {took:.2f} clips (was 8.3)"


def test_trim_makes_no_wider_copy_of_the_clip() -> None:
    pcm = clip()
    took = peak(lambda: trim(pcm))
    assert took <= 0.5, f"trim: {took:.2f} clips (a 32-bit copy and its magnitude were 1.0)"
