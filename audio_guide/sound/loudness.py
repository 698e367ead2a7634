"""Loudness in-process: a streaming ITU-R BS.1770 meter and a look-ahead true-peak limiter.

Measuring here, block by block, keeps memory flat and avoids ffmpeg's ``loudnorm`` (about 8x
slower on a 10-minute encode here, and it falls back to dynamic mode). The master is one gain to
the target loudness, then the limiter to keep the true peak under its ceiling. The meter is the
reference the one-pass prediction (``sound/predict.py``) is tested against; only it needs scipy.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator

import numpy as np
import numpy.typing as npt

from audio_guide.sound.dsp import Signal, k_weighting, running_max, running_mean, true_peaks

Block = npt.NDArray[np.float32]

__all__ = ["Limiter", "LoudnessMeter", "gated_loudness", "k_weighting", "loudness_of"]

HOP = 0.1
"""Seconds per loudness step; gating blocks are four steps (400 ms, 75 % overlap)."""


def hop_samples(sample_rate: int) -> int:
    """Samples per 100 ms step."""
    return round(HOP * sample_rate)


def gated_loudness(hops: npt.ArrayLike) -> float:
    """Gated integrated loudness from the K-weighted mean square of each 100 ms step.

    BS.1770-4: 400 ms blocks with 75 % overlap, an absolute gate at -70 LUFS and a relative
    gate 10 LU under the mean of the blocks above it; -70 for silence.
    """
    hops = np.asarray(hops, dtype=np.float64)
    if len(hops) < 4:
        return -70.0
    z = np.convolve(hops, np.ones(4) / 4, mode="valid")
    loud = -0.691 + 10 * np.log10(np.maximum(z, 1e-20))
    z = z[loud > -70.0]
    if not len(z):
        return -70.0
    relative = -0.691 + 10 * math.log10(float(np.mean(z))) - 10.0
    z = z[-0.691 + 10 * np.log10(z) > relative]
    return -0.691 + 10 * math.log10(float(np.mean(z)))


class LoudnessMeter:
    """Integrated loudness (LUFS) of mono audio fed in blocks of any size (IIR K-filter)."""

    def __init__(self, sample_rate: int) -> None:
        from scipy import signal  # only metering needs it; ~0.9 s to import

        self._sosfilt = signal.sosfilt
        self.sos = np.array([np.concatenate([b, a]) for b, a in k_weighting(sample_rate)])
        self.state = np.zeros((len(self.sos), 2))
        self.hop = hop_samples(sample_rate)
        self.pending = np.zeros(0)
        self.hops: list[float] = []
        """Mean square of the K-weighted signal over each 100 ms step."""

    def add(self, block: npt.ArrayLike) -> None:
        """Feed the next samples."""
        y, self.state = self._sosfilt(self.sos, np.asarray(block, dtype=np.float64), zi=self.state)
        y = np.concatenate([self.pending, y])
        whole = len(y) // self.hop * self.hop
        if whole:
            self.hops.extend(np.mean(np.square(y[:whole]).reshape(-1, self.hop), axis=1))
        self.pending = y[whole:]

    def integrated(self) -> float:
        """Gated integrated loudness (400 ms blocks, 75 % overlap); -70 for silence."""
        return gated_loudness(self.hops)


def loudness_of(blocks: Iterable[npt.ArrayLike], sample_rate: int) -> float:
    """Integrated loudness of a whole stream."""
    meter = LoudnessMeter(sample_rate)
    for block in blocks:
        meter.add(block)
    return meter.integrated()


class Limiter:
    """Look-ahead true-peak limiter on a block stream, with no added latency.

    Each block is processed with its neighbours as context: the gain needed at every sample
    (ceiling / true peak) is held from ``lookahead`` before a peak to ``release`` after it, then
    smoothed over ``lookahead``, so the gain has reached its floor when the peak arrives.

    Fast by default (1.5 ms ahead, 5 ms held: shorter than a pitch period of speech), so it
    trims the peaks of each glottal pulse and leaves the syllable's envelope alone. espeak-ng's
    voice has 17-20 dB between its true peaks and its loudness, so reaching -16 LUFS under a
    true-peak ceiling needs some peak reduction whatever the limiter; held for 20 ms it pulled
    whole syllables down (5.7 LU of each sound's loudness taken, median, on back_pain; the gain
    had to rise 8 dB to gain the last 3 LU) and a recogniser caught fewer counts than at -19
    LUFS (0.694 against 0.717); held for 5 ms it takes 1.7 LU and catches more (0.766 against
    0.702). ``benchmarks/gain_reduction.py``, ``benchmarks/intelligibility.py``;
    docs/benchmarks.md, "Loudness".
    """

    def __init__(
        self,
        sample_rate: int,
        ceiling_db: float,
        lookahead: float = 0.0015,
        release: float = 0.005,
    ) -> None:
        self.ceiling = 10 ** (ceiling_db / 20)
        self.look = max(3, round(lookahead * sample_rate)) | 1
        self.release = max(3, round(release * sample_rate)) | 1
        self.margin = self.look * 2 + self.release + 64

    def process(self, blocks: Iterable[npt.ArrayLike]) -> Iterator[Block]:
        """Limit a stream of blocks; yields blocks of the same sizes."""
        prev = np.zeros(0)
        current: npt.NDArray[np.float64] | None = None
        for block in blocks:
            nxt = np.asarray(block, dtype=np.float64)
            if current is not None:
                yield self._limit(prev, current, nxt)
                prev = np.concatenate([prev, current])[-self.margin :]
            current = nxt
        if current is not None:
            yield self._limit(prev, current, np.zeros(0))

    def held(self, peaks: Signal) -> Signal:
        """Per sample, the highest true peak the gain there must allow for (``release`` back
        to ``lookahead`` ahead). It scales with a gain applied before the limiter."""
        return running_max(peaks, self.release, self.look)

    def curve(
        self, held: Signal, scale: float = 1.0, smooth: int | None = None
    ) -> Signal | None:
        """The gain curve for a signal scaled by ``scale`` whose held peaks (at scale 1) are
        ``held``; None when no sample needs limiting. Each point's gain is the mean of the gains
        needed over it and the ``smooth`` points before (default: the lookahead's)."""
        need = np.maximum(held, 1e-12)  # then, in place, the gain each sample needs
        np.divide(self.ceiling / scale, need, out=need)
        np.minimum(need, 1.0, out=need)
        if need.min() >= 1.0:
            return None
        return running_mean(need, self.look - 1 if smooth is None else smooth)

    def gain(self, peaks: Signal) -> Signal | None:
        """The gain curve for a signal with these true peaks, or None where none is needed."""
        return self.curve(self.held(peaks))

    def _limit(
        self,
        before: npt.NDArray[np.float64],
        x: npt.NDArray[np.float64],
        after: npt.NDArray[np.float64],
    ) -> Block:
        ext = np.concatenate([before, x, after[: self.margin]])
        gain = self.gain(true_peaks(ext))
        if gain is None:
            return x.astype(np.float32)
        out = (ext * gain)[len(before) : len(before) + len(x)]
        return np.asarray(out, dtype=np.float32)
