"""What the loudness prediction needs from each clip, in groups of ``GROUP`` samples, and a
small on-disk store of it beside the clip cache so a rebuild does not compute it again.

Per clip: the K-weighted energy of each group (with the filter's ring-out) and the highest
sample-or-midpoint peak of each group. Both are at unity gain; the store keys them by the clip's
own samples and the analysis parameters, so a changed clip or rule is simply a new entry.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import tempfile
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from functools import lru_cache
from pathlib import Path

import numpy as np
import numpy.typing as npt

from audio_guide.interrupts import deferred
from audio_guide.sound.dsp import K_TAIL, Signal, k_filter, true_peaks

WORKERS = max(1, min(2, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1))
"""Threads for analysis and prediction (numpy releases the GIL); they run before the encoder
has work, or while synthesis waits on the engine."""
GROUP = 8
"""Samples per analysis group (0.36 ms at 22050 Hz): the prediction's time resolution."""
VERSION = f"analysis-1;group={GROUP};tail={K_TAIL};peaks=midpoint"
ENERGY_BLOCK = GROUP << 13
"""Samples squared at a time in ``analyse`` (a whole number of groups)."""

Pcm = npt.NDArray[np.int16]


@lru_cache(maxsize=1)
def pool() -> ThreadPoolExecutor:
    """The analysis threads, shared by every build in the process, all started at once.

    An executor starts a thread on ``submit`` and only then registers it for shutdown; an
    interrupt between the two left a thread the interpreter waited on forever at exit. So every
    thread is started here, with interrupts held back, and later submits start none.
    """
    with deferred():
        executor = ThreadPoolExecutor(WORKERS, thread_name_prefix="audio-guide-analysis")
        started = threading.Barrier(WORKERS)
        for future in [executor.submit(started.wait, 10) for _ in range(WORKERS)]:
            future.result()
    return executor


def grouped(x: Signal, reduce: np.ufunc) -> Signal:
    """``x`` reduced (summed, maxed) over consecutive groups of ``GROUP`` samples."""
    return np.asarray(reduce.reduceat(x, np.arange(0, len(x), GROUP)), dtype=np.float64)


def sizes(n: int) -> tuple[int, int]:
    """Group counts of the energy (clip plus ring-out) and of the peaks (clip) for ``n``."""
    return -(-(n + K_TAIL) // GROUP), -(-n // GROUP)


def analyse(pcm: Pcm, sample_rate: int) -> tuple[Signal, Signal]:
    """(K-weighted energy per group, highest peak per group) of a 16-bit clip.

    The K filter takes single precision (a 16-bit sample over 32768 is exact in it) and the
    energy is squared in double precision a block at a time: the same numbers as squaring the
    whole clip at once, without a double-precision copy of it beside the analysis threads'
    other arrays (a cold build's peak memory is reached while they run)."""
    weighted = k_filter(pcm.astype(np.float32) / np.float32(32768.0), sample_rate)
    energy = np.empty(-(-len(weighted) // GROUP))
    for start in range(0, len(weighted), ENERGY_BLOCK):
        block = np.square(weighted[start : start + ENERGY_BLOCK], dtype=np.float64)
        energy[start // GROUP : (start + len(block) - 1) // GROUP + 1] = grouped(block, np.add)
    del weighted
    peaks = grouped(true_peaks(pcm / 32768.0, midpoints_only=True), np.maximum)
    return energy, peaks


class AnalysisStore:
    """``analyse`` results as ``.npy`` files in ``folder``; None keeps nothing.

    Reads that fail or do not fit are misses; writes are atomic and skipped on error.
    """

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self._early: dict[int, tuple[Pcm, Future[tuple[Signal, Signal]]]] = {}
        self._digests: dict[int, tuple[Pcm, str]] = {}

    def prefetch(self, pcm: Pcm, sample_rate: int) -> None:
        """Start ``get`` for ``pcm`` on a background thread (while clips are still being loaded
        or synthesized, which mostly waits); ``get`` on the same array then waits for it."""
        if id(pcm) not in self._early:
            self._early[id(pcm)] = (pcm, pool().submit(self._get, pcm, sample_rate))

    def get(self, pcm: Pcm, sample_rate: int) -> tuple[Signal, Signal]:
        """The analysis of ``pcm``, from the store or computed (and then stored)."""
        early = self._early.pop(id(pcm), None)
        if early is not None and early[0] is pcm:
            return early[1].result()
        return self._get(pcm, sample_rate)

    def _get(self, pcm: Pcm, sample_rate: int) -> tuple[Signal, Signal]:
        if self.folder is None:
            energy, peaks = analyse(pcm, sample_rate)
            return _single(energy), _single(peaks)
        path = self.folder / f"{self.digest(pcm, sample_rate)}.npy"
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

    def digest(self, pcm: Pcm, sample_rate: int) -> str:
        """A name for ``pcm``'s analysis: its samples, rate and the analysis version."""
        known = self._digests.get(id(pcm))
        if known is not None and known[0] is pcm:
            return known[1]
        digest = hashlib.blake2b(f"{VERSION};sr={sample_rate}".encode(), digest_size=20)
        digest.update(np.ascontiguousarray(pcm, dtype="<i2").tobytes())
        self._digests[id(pcm)] = (pcm, digest.hexdigest())
        return digest.hexdigest()

    def recall(self, name: str) -> dict[str, object] | None:
        """Values kept under ``name`` by ``keep`` (a build's mastering levels), or None."""
        if self.folder is None:
            return None
        try:
            values = json.loads((self.folder / f"levels-{name}.json").read_text())
        except (OSError, ValueError):
            return None
        return values if isinstance(values, dict) else None

    def keep(self, name: str, values: dict[str, object]) -> None:
        """Keep ``values`` under ``name`` (atomic; skipped on error)."""
        if self.folder is not None:
            self._write(self.folder / f"levels-{name}.json", json.dumps(values).encode())

    def name_of(self, parts: object) -> str | None:
        """A file name for a value depending on ``parts`` (JSON-able), or None keeping nothing."""
        if self.folder is None:
            return None
        return hashlib.blake2b(json.dumps(parts).encode(), digest_size=20).hexdigest()

    def recall_bytes(self, name: str | None, suffix: str) -> bytes | None:
        """The bytes kept under ``name`` by ``keep_bytes`` (a chapter picture), or None."""
        if self.folder is None or name is None:
            return None
        try:
            return (self.folder / f"{name}{suffix}").read_bytes()
        except OSError:
            return None

    def keep_bytes(self, name: str | None, suffix: str, data: bytes) -> None:
        """Keep ``data`` under ``name`` (atomic; skipped on error or without a folder)."""
        if self.folder is not None and name is not None:
            self._write(self.folder / f"{name}{suffix}", data)

    def recall_pcm(self, name: str | None, length: int) -> Pcm | None:
        """16-bit samples kept under ``name`` by ``keep_pcm``, if there are ``length`` of them."""
        if self.folder is None or name is None:
            return None
        try:
            data = np.load(self.folder / f"{name}.npy", allow_pickle=False)
        except (OSError, ValueError, EOFError):
            return None
        ok = data.dtype == np.int16 and data.shape == (length,)
        return data if ok else None

    def keep_pcm(self, name: str | None, pcm: Pcm) -> None:
        """Keep 16-bit samples under ``name`` (atomic; skipped on error or without a folder)."""
        if self.folder is not None and name is not None:
            buffer = io.BytesIO()
            np.save(buffer, np.ascontiguousarray(pcm, dtype=np.int16), allow_pickle=False)
            self._write(self.folder / f"{name}.npy", buffer.getvalue())

    def _store(self, path: Path, data: npt.NDArray[np.float32]) -> None:
        buffer = io.BytesIO()
        np.save(buffer, data, allow_pickle=False)
        self._write(path, buffer.getvalue())

    def _write(self, path: Path, data: bytes) -> None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with deferred():  # an interrupt never falls between creating tmp and the try
                fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
                try:
                    with os.fdopen(fd, "wb") as fh:
                        fh.write(data)
                    os.replace(tmp, path)
                finally:
                    Path(tmp).unlink(missing_ok=True)
        except OSError:
            return


def _single(x: Signal) -> Signal:
    return np.asarray(x.astype(np.float32), dtype=np.float64)
