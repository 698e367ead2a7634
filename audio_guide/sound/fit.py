"""Fit a clip into its slot by time-scale modification: shorter, same pitch, same words.

This is the engine-independent primitive of the fitting stage (``audio_guide/fitting.py``): a
clip that is longer than the time it may sound is sped up by the smallest factor that makes it
fit, never by more than ``MAX_SPEEDUP``. Rubber Band (through Spotify's ``pedalboard``, optional
extra ``fit``, GPL) does the stretching when it is installed: its speech quality holds up best.
Without it, ffmpeg's ``atempo`` filter (WSOLA, in every ffmpeg, the shipped imageio-ffmpeg
too; LGPL) does, so a recorded voice builds on the default install (measured like Rubber Band:
as clear on a natural voice up to ``MAX_SPEEDUP``, less clear on espeak-ng's). Engines that can
speak faster (a count rate) are asked first; this is for what remains, and for voices whose
clips are given rather than synthesized.

Interface (stable, used by the fitting stage and by engines of given clips):

- ``fit(clip, slot, sample_rate, limit=MAX_SPEEDUP) -> Fitted | None``: ``clip`` (int16, trimmed)
  as is when ``len(clip) <= slot`` samples (speed-up 1.0); else stretched and trimmed to at most
  ``slot`` samples; None when that would need more than ``limit``.
- ``fit_cached(clip, slot, sample_rate, cache, source_key)``: the same, with stretched clips kept
  in the clip cache under a key derived from the source clip's key and the factor.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from importlib import metadata
from typing import TYPE_CHECKING

import numpy as np

from audio_guide.errors import EngineError
from audio_guide.sound.synth import ClipCache, trim

if TYPE_CHECKING:
    from audio_guide.sound.engines import Samples

MAX_SPEEDUP = 1.4
"""The most a clip is sped up. Chosen by measurement (``benchmarks/count_intelligibility.py``;
docs/benchmarks.md): pocketsphinx, told the counts 1..59 as a grammar, recognised Piper Joe's
counts time-compressed by up to 1.4 within two of 59 of the unstretched clips at 80..220 wpm,
and fewer beyond (1.6 at 220 wpm: 48 of 59 against 59; 2.0: 19); espeak-ng's at 1.4 within
three of unstretched at every rate. The same limit holds for ``atempo``: on Piper it scores
like Rubber Band at every factor; on espeak-ng worse from 1.2x on, which a lower limit would
not mend."""
STEP = 0.01
"""Factors are rounded up to this step, so a fitted clip is reused from the cache."""
RULE = "rubberband;crisp;hq;trim"
"""Part of the cache key of fitted clips: change it when the stretching changes."""
FALLBACK_RULE = "ffmpeg-atempo;trim"
"""The same, for ffmpeg's ``atempo`` (used when ``pedalboard`` is not installed)."""
SHORTENERS = ("rubberband", "atempo")
"""The ways ``stretch`` can time-compress: Rubber Band (extra ``fit``) and ffmpeg's ``atempo``."""


def rubber_band() -> bool:
    """Whether Rubber Band (the optional ``fit`` extra) is there to stretch with."""
    try:
        import pedalboard  # noqa: F401
    except ImportError:
        return False
    return True


@dataclass(frozen=True, slots=True)
class Fitted:
    """A clip that fits its slot, and the time-compression factor used (1.0: untouched)."""

    samples: Samples
    speedup: float


def needed(length: int, slot: int) -> float:
    """The speed-up that brings ``length`` samples within ``slot`` samples (1.0 when it fits)."""
    return 1.0 if length <= slot else length / max(slot, 1)


def shortener() -> str:
    """The time-compression a build uses: ``"rubberband"`` when the ``fit`` extra is installed,
    else ``"atempo"`` (ffmpeg's filter, in the default install)."""
    return "rubberband" if rubber_band() else "atempo"


def stretch(clip: Samples, sample_rate: int, speedup: float, method: str | None = None) -> Samples:
    """``clip`` played ``speedup`` times faster at the same pitch, trimmed: by ``method``
    (one of ``SHORTENERS``; default ``shortener()``, what a build uses)."""
    method = method or shortener()
    if method not in SHORTENERS:
        raise ValueError(f"unknown shortener {method!r}: one of {', '.join(SHORTENERS)}")
    if method == "atempo":
        return trim(atempo(clip, sample_rate, speedup))
    import pedalboard

    x = clip.astype(np.float32)[None, :] / 32768.0
    y = pedalboard.time_stretch(x, float(sample_rate), float(speedup))[0]
    out = np.round(np.clip(y, -1.0, 32767 / 32768) * 32768.0).astype(np.int16)
    return trim(out)


def atempo(clip: Samples, sample_rate: int, speedup: float) -> Samples:
    """``clip`` played ``speedup`` times faster at the same pitch by ffmpeg's ``atempo``."""
    import subprocess

    from audio_guide.runtime import FFMPEG_TIMEOUT, ffmpeg_exe, run_ffmpeg

    fmt = ["-f", "s16le", "-ac", "1", "-ar", str(sample_rate)]
    cmd = [ffmpeg_exe(), "-nostdin", "-v", "error", *fmt, "-i", "pipe:0"]
    cmd += ["-af", f"atempo={speedup:.6f}", *fmt, "pipe:1"]
    try:
        done = run_ffmpeg(cmd, clip.astype("<i2").tobytes())
    except subprocess.TimeoutExpired:
        raise EngineError(
            f"ffmpeg took over {FFMPEG_TIMEOUT:g} s to shorten a spoken cue; check ffmpeg"
        ) from None
    if done.returncode != 0:
        reason = done.stderr.decode("utf-8", errors="replace").strip()
        raise EngineError(f"ffmpeg could not shorten a spoken cue ({reason[-200:]}); check ffmpeg")
    return np.frombuffer(done.stdout, dtype="<i2").astype(np.int16)


def fit(clip: Samples, slot: int, sample_rate: int, limit: float = MAX_SPEEDUP) -> Fitted | None:
    """``clip`` within ``slot`` samples, sped up by at most ``limit``; None beyond it."""
    if len(clip) <= slot:
        return Fitted(clip, 1.0)
    factor = _rounded(needed(len(clip), slot))
    while factor <= limit + 1e-9:
        out = stretch(clip, sample_rate, factor)
        if 0 < len(out) <= slot:
            return Fitted(out, factor)
        factor = max(_rounded(factor * needed(len(out), slot)), _rounded(factor + STEP))
    return None


def fit_cached(
    clip: Samples,
    slot: int,
    sample_rate: int,
    cache: ClipCache,
    source_key: str,
    limit: float = MAX_SPEEDUP,
) -> Fitted | None:
    """``fit``, with a stretched clip kept in ``cache`` under a key derived from ``source_key``
    (the cache key of ``clip``), the factor and ``RULE``."""
    if len(clip) <= slot:
        return Fitted(clip, 1.0)
    factor = _rounded(needed(len(clip), slot))
    while factor <= limit + 1e-9:
        kept = cache.load(_key(source_key, factor), sample_rate)
        if kept is not None and len(kept) <= slot:
            return Fitted(kept, factor)
        if kept is None and cache.folder is None:
            break
        factor = _rounded(factor + STEP) if kept is None else factor + limit
    fitted = fit(clip, slot, sample_rate, limit)
    if fitted is not None and fitted.speedup != 1.0:
        cache.store(_key(source_key, fitted.speedup), fitted.samples, sample_rate)
    return fitted


def _rounded(factor: float) -> float:
    return round(math.ceil(factor / STEP - 1e-9) * STEP, 6)


def _key(source_key: str, factor: float) -> str:
    try:
        version = metadata.version("pedalboard")
    except metadata.PackageNotFoundError:
        version = "none"
    rule = RULE if rubber_band() else FALLBACK_RULE
    blob = f"fit|{source_key}|{factor:.6f}|{rule}|pedalboard-{version}"
    return hashlib.sha256(blob.encode()).hexdigest()
