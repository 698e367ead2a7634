"""Independent measurements on rendered audio: decode with ffmpeg, find onsets, match them.

Nothing here reads the compiler's numbers except to say which onset is expected where.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import numpy.typing as npt

from audio_guide.runtime import ffmpeg_exe

Audio = npt.NDArray[np.float32]


def decode(path: Path, sample_rate: int) -> Audio:
    """Decode any file ffmpeg reads to mono float32 at ``sample_rate``."""
    cmd = [
        ffmpeg_exe(),
        "-nostdin",
        "-hide_banner",
        "-loglevel",
        "error",
        "-i",
        str(path),
        "-f",
        "s16le",
        "-ac",
        "1",
        "-ar",
        str(sample_rate),
        "pipe:1",
    ]
    raw = subprocess.run(cmd, check=True, capture_output=True).stdout
    return np.frombuffer(raw, dtype="<i2").astype(np.float32) / 32768.0


def onsets(
    audio: Audio, sr: int, threshold_db: float = -36.0, min_silence: float = 0.06
) -> npt.NDArray[np.int64]:
    """Sample indexes where sound starts after at least ``min_silence`` seconds of quiet.

    Sound is any sample whose magnitude exceeds ``threshold_db`` dBFS.
    """
    thr = 10 ** (threshold_db / 20)
    loud = np.flatnonzero(np.abs(audio) > thr)
    if loud.size == 0:
        return np.zeros(0, dtype=np.int64)
    gaps = np.diff(loud)
    starts = [loud[0]] + [loud[i + 1] for i in np.flatnonzero(gaps > min_silence * sr)]
    return np.asarray(starts, dtype=np.int64)


def nearest_errors(planned: list[float], found: npt.NDArray[np.int64], sr: int) -> list[float]:
    """For each planned time (s), the signed distance (s) to the nearest detected onset."""
    times = found / sr
    out = []
    for t in planned:
        i = int(np.searchsorted(times, t))
        cands = [times[j] for j in (i - 1, i) if 0 <= j < len(times)]
        out.append(min((c - t for c in cands), key=abs) if cands else float("inf"))
    return out
