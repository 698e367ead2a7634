"""What the loudness prediction needs from each clip, in groups of ``GROUP`` samples, and a
small on-disk store of it beside the clip cache so a rebuild does not compute it again.

Per clip: the K-weighted energy of each group (with the filter's ring-out) and the highest
sample-or-midpoint peak of each group. Both are at unity gain; the store keys them by the clip's
own samples and the analysis parameters, so a changed clip or rule is simply a new entry.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

import numpy as np
import numpy.typing as npt

from audio_guide.sound.dsp import K_TAIL, Signal, k_filter, true_peaks

GROUP = 8
"""Samples per analysis group (0.36 ms at 22050 Hz): the prediction's time resolution."""
VERSION = f"analysis-1;group={GROUP};tail={K_TAIL};peaks=midpoint"

Pcm = npt.NDArray[np.int16]


def grouped(x: Signal, reduce: np.ufunc) -> Signal:
    """``x`` reduced (summed, maxed) over consecutive groups of ``GROUP`` samples."""
    return np.asarray(reduce.reduceat(x, np.arange(0, len(x), GROUP)), dtype=np.float64)


def sizes(n: int) -> tuple[int, int]:
    """Group counts of the energy (clip plus ring-out) and of the peaks (clip) for ``n``."""
    return -(-(n + K_TAIL) // GROUP), -(-n // GROUP)


def analyse(pcm: Pcm, sample_rate: int) -> tuple[Signal, Signal]:
    """(K-weighted energy per group, highest peak per group) of a 16-bit clip."""
    x = pcm / 32768.0
    energy = grouped(np.square(k_filter(x, sample_rate), dtype=np.float64), np.add)
    peaks = grouped(true_peaks(x, midpoints_only=True), np.maximum)
    return energy, peaks


class AnalysisStore:
    """``analyse`` results as ``.npy`` files in ``folder``; None keeps nothing.

    Reads that fail or do not fit are misses; writes are atomic and skipped on error.
    """

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder

    def get(self, pcm: Pcm, sample_rate: int) -> tuple[Signal, Signal]:
        """The analysis of ``pcm``, from the store or computed (and then stored)."""
        if self.folder is None:
            energy, peaks = analyse(pcm, sample_rate)
            return _single(energy), _single(peaks)
        digest = hashlib.blake2b(f"{VERSION};sr={sample_rate}".encode(), digest_size=20)
        digest.update(np.ascontiguousarray(pcm, dtype="<i2").tobytes())
        path = self.folder / f"{digest.hexdigest()}.npy"
        n_energy, n_peaks = sizes(len(pcm))
        try:
            both = np.load(path, allow_pickle=False)
            if both.shape == (n_energy + n_peaks,):
                data = both.astype(np.float64)
                return data[:n_energy], data[n_energy:]
        except (OSError, ValueError, EOFError):
            pass
        data = np.concatenate(analyse(pcm, sample_rate)).astype(np.float32)
        self._store(path, data)
        rounded = data.astype(np.float64)  # as a rebuild will read it: the same gain either way
        return rounded[:n_energy], rounded[n_energy:]

    def _store(self, path: Path, data: npt.NDArray[np.float32]) -> None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
            try:
                with os.fdopen(fd, "wb") as fh:
                    np.save(fh, data, allow_pickle=False)
                os.replace(tmp, path)
            finally:
                Path(tmp).unlink(missing_ok=True)
        except OSError:
            return


def _single(x: Signal) -> Signal:
    return np.asarray(x.astype(np.float32), dtype=np.float64)
