"""A calm bed under the speech: generated soft noise or a looped audio file, ducked under speech.

Both sources stream block by block. The ducking envelope comes from the timeline's events:
the bed dips ``DUCK_DB`` around every spoken line and chime, with short ramps either side, so
every cue rises out of quiet.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt
from scipy import signal

from audio_guide.errors import UsageError
from audio_guide.runtime import ffmpeg_exe, stop_ffmpeg

Block = npt.NDArray[np.float32]
Intervals = npt.NDArray[np.float64]

FADE = 3.0
"""Seconds of fade-in at the start and fade-out at the end."""
DUCK_DB = -30.0
"""How far the bed dips under speech."""
DUCK_LEAD, DUCK_HOLD, DUCK_RAMP = 0.12, 0.25, 0.12
"""The dip starts this long before speech, lasts this long after it, and ramps over this."""
NOISE_SEED = 1770

# Paul Kellet's pink-noise filter, then a gentle low pass: a soft, surf-like hiss.
_PINK_B = [0.049922035, -0.095993537, 0.050612699, -0.004408786]
_PINK_A = [1.0, -2.494956002, 2.017265875, -0.522189400]


def noise(sample_rate: int, block: int) -> Iterator[Block]:
    """Endless soft pink noise, the same on every run."""
    rng = np.random.default_rng(NOISE_SEED)
    lp_b, lp_a = signal.butter(2, 1500 / (sample_rate / 2))
    zi_pink = np.zeros(len(_PINK_A) - 1)
    zi_lp = np.zeros(len(lp_a) - 1)
    while True:
        white = rng.standard_normal(block)
        pink, zi_pink = signal.lfilter(_PINK_B, _PINK_A, white, zi=zi_pink)
        soft, zi_lp = signal.lfilter(lp_b, lp_a, pink, zi=zi_lp)
        yield soft.astype(np.float32)


def audio_file(path: Path, sample_rate: int, block: int) -> Iterator[Block]:
    """Any file ffmpeg reads, as mono blocks at ``sample_rate``, looped forever."""
    if not path.is_file():
        raise UsageError(f"bed file '{path}' not found; give an audio file or 'noise'")
    cmd = [
        ffmpeg_exe(), "-nostdin", "-hide_banner", "-loglevel", "error", "-stream_loop", "-1",
        "-i", str(path), "-f", "f32le", "-ac", "1", "-ar", str(sample_rate), "pipe:1",
    ]  # fmt: skip
    proc = subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True
    )
    assert proc.stdout is not None and proc.stderr is not None
    try:
        while True:
            raw = proc.stdout.read(block * 4)
            if len(raw) < block * 4:
                why = proc.stderr.read().decode(errors="replace").strip().splitlines()
                raise UsageError(
                    f"cannot use '{path}' as a bed: "
                    f"{why[-1] if why else 'ffmpeg found no audio in it'}"
                )
            yield np.frombuffer(raw, dtype="<f4").copy()
    finally:  # the bed loops forever: its ffmpeg (and a wrapper's) is stopped here
        stop_ffmpeg(proc)
        proc.stdout.close()
        proc.stderr.close()


def source(spec: str, sample_rate: int, block: int) -> Iterator[Block]:
    """``noise`` or a file path."""
    if spec == "noise":
        return noise(sample_rate, block)
    return audio_file(Path(spec).expanduser(), sample_rate, block)


def duck_intervals(spans: Sequence[tuple[float, float]]) -> Intervals:
    """Merged (start, end) seconds where the bed is fully dipped."""
    merged: list[list[float]] = []
    for start, end in sorted(spans):
        lo, hi = start - DUCK_LEAD, end + DUCK_HOLD
        if merged and lo <= merged[-1][1] + 2 * DUCK_RAMP:
            merged[-1][1] = max(merged[-1][1], hi)
        else:
            merged.append([lo, hi])
    return np.asarray(merged, dtype=np.float64).reshape(-1, 2)


def envelope(
    intervals: Intervals, b0: int, n: int, sample_rate: int, total: int
) -> npt.NDArray[np.float64]:
    """Bed gain for samples ``b0 .. b0+n``: ducked around speech, faded at both ends.

    The dip's depth is 0 away from speech, rises linearly over ``DUCK_RAMP`` to 1 at an
    interval's start, stays 1 to its end and falls back over ``DUCK_RAMP``. Merged intervals lie
    more than two ramps apart, so their ramps never meet and the depth is one piecewise-linear
    curve through four corners per interval (``np.interp``: one pass over the block, however many
    intervals it reaches)."""
    t = (b0 + np.arange(n)) / sample_rate
    lo, hi = t[0] - DUCK_RAMP, t[-1] + DUCK_RAMP
    near = intervals[(intervals[:, 1] >= lo) & (intervals[:, 0] <= hi)]
    if len(near):
        starts, ends = near[:, 0], near[:, 1]
        xs = np.column_stack([starts - DUCK_RAMP, starts, ends, ends + DUCK_RAMP]).ravel()
        ys = np.tile([0.0, 1.0, 1.0, 0.0], len(near))
        gain = np.exp(np.interp(t, xs, ys, left=0.0, right=0.0) * (DUCK_DB * np.log(10) / 20))
    else:
        gain = np.ones(n)
    length = total / sample_rate
    if t[0] < FADE or t[-1] > length - FADE:
        fade = np.clip(np.minimum(t, length - t) / FADE, 0.0, 1.0)
        gain *= np.sin(fade * np.pi / 2) ** 2
    return np.asarray(gain, dtype=np.float64)
