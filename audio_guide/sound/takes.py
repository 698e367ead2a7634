"""A recorded take made fit for a voice pack: decoded, mono, trimmed, levelled, or refused.

One place for the studio's "Record your voice" panel and ``audio-guide pack import``: whatever a
browser or an editor wrote (WebM/Opus, WAV, FLAC, MP3, M4A, Ogg) is decoded by ffmpeg to mono at
the pack's sample rate; silence at both ends is cut, leaving ``PAD`` seconds faded in and out;
the speech is brought to ``TARGET_LEVEL`` (a BS.1770 K-weighted level over the voiced part, so
a short "1" and a long sentence sound equally loud), never past ``PEAK_CEILING``. A take that is
empty, too quiet, clipped or too long is refused with a ``TakeRefused`` saying what to do.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from audio_guide.errors import UsageError
from audio_guide.sound.dsp import k_filter

MAX_SECONDS = 60.0
"""Longest take accepted (one take is one sentence or one count)."""
MAX_BYTES = 16 << 20
"""Largest take file accepted (16 MB; a minute of WAV at 48 kHz stereo is ~11 MB)."""
PAD = 0.05
"""Seconds of (faded) quiet kept before and after the speech."""
TARGET_LEVEL = -20.0
"""Level of the voiced part, in LUFS-like K-weighted dB."""
PEAK_CEILING = -1.0
"""Highest sample peak a levelled take may reach (dBFS)."""
EMPTY_PEAK = 10 ** (-80 / 20)
"""A take whose peak stays under -80 dBFS holds no sound at all."""
QUIET_PEAK = 10 ** (-40 / 20)
"""A take whose peak stays under -40 dBFS is too quiet to level without raising the noise."""
CLIP_LEVEL = 0.98
"""Samples at or above this (of full scale) are at the converter's ceiling."""
CLIP_RUN = 3
"""Consecutive samples at the ceiling that make a flat top (a clip), not a lone crest."""
CLIP_SHARE = 0.015
"""A take with more than this share of its samples in runs at the ceiling was clipped.

Clipping holds runs of samples at full scale, over much of the loud part (a voice clipped
through ffmpeg's Opus: 2.6 % of the take). A lossy recording also decodes to float peaks
above 1 where nothing clipped (a few crests; a level change removes them): a 150 Hz buzz
peaking at 1.23 has 1.0 % of its samples in such runs, and is kept."""
VOICED_BELOW_PEAK = 30.0
"""Frames within this many dB of the loudest frame count as speech (for trimming and level)."""
FRAME = 0.02
MIN_SPEECH = 0.08
"""Seconds of sound a take needs to be more than a click."""
CLICK_GAP = 0.15
"""A sound shorter than ``MIN_SPEECH`` at either end of a take, this far from the speech, is a
click (a key, the microphone) and is trimmed off with the silence."""

Floats = npt.NDArray[np.float32]


class TakeRefused(UsageError):
    """A take that cannot go into a pack, with the reason and what to do (HTTP 422)."""


def decode(source: bytes | Path, sample_rate: int) -> Floats:
    """Mono float samples at ``sample_rate`` from any file ffmpeg reads; refuse what it cannot.

    At most ``MAX_SECONDS`` (plus a little) is decoded, so a ten-minute file is refused quickly.
    """
    from audio_guide.runtime import FFMPEG_TIMEOUT, ffmpeg_exe, run_ffmpeg

    tmp: Path | None = None
    if isinstance(source, bytes):
        if not source:
            raise TakeRefused("the take is empty (0 bytes): nothing was recorded")
        if len(source) > MAX_BYTES:
            raise TakeRefused(f"the take is larger than {MAX_BYTES >> 20} MB; record one sentence")
        fd, name = tempfile.mkstemp(suffix=".take")
        tmp = Path(name)
        with os.fdopen(fd, "wb") as fh:
            fh.write(source)
        path = tmp
    else:
        path = source
        size = path.stat().st_size
        if size == 0:
            raise TakeRefused(f"{path.name} is empty (0 bytes)")
        if size > MAX_BYTES:
            raise TakeRefused(f"{path.name} is larger than {MAX_BYTES >> 20} MB")
    try:
        check_header(path, "the take")
        cmd = [ffmpeg_exe(), "-nostdin", "-v", "error", "-i", str(path), "-vn"]
        cmd += ["-t", f"{MAX_SECONDS + 1:g}", "-ac", "1", "-ar", str(sample_rate)]
        cmd += ["-f", "f32le", "-"]
        done = run_ffmpeg(cmd)
    except subprocess.TimeoutExpired:
        raise TakeRefused(
            f"ffmpeg took over {FFMPEG_TIMEOUT:g} s to read the take; record it again, or "
            "check ffmpeg"
        ) from None
    finally:
        if tmp is not None:
            tmp.unlink(missing_ok=True)
    if done.returncode != 0:
        reason = done.stderr.decode("utf-8", errors="replace").strip().splitlines()
        detail = f" ({reason[-1][:120]})" if reason else ""
        raise TakeRefused(f"the take is not audio ffmpeg can read{detail}")
    samples = np.frombuffer(done.stdout, dtype="<f4").astype(np.float32)
    if samples.size > MAX_SECONDS * sample_rate:
        raise TakeRefused(
            f"the take is longer than {MAX_SECONDS:g} s; record one sentence or count per take"
        )
    return samples


MIN_RATE, MAX_RATE = 8000, 192000
"""Sample rates a take may declare: a header claiming 1 Hz would make the resampler build
hours of audio from a few kilobytes."""


def check_header(path: Path, name: str, max_seconds: float = MAX_SECONDS + 1) -> None:
    """Refuse, from its header alone, a file whose sample rate is out of range or whose length
    is over ``max_seconds``, before anything is decoded (formats libsndfile reads: WAV, FLAC,
    Ogg, AIFF ...; others, such as WebM or MP3, have codec-fixed rates and are bounded by
    ffmpeg's ``-t``)."""
    import soundfile

    try:
        info = soundfile.info(str(path))
    except (RuntimeError, OSError, ValueError):  # not a libsndfile format: ffmpeg decides
        return
    if not MIN_RATE <= info.samplerate <= MAX_RATE:
        raise TakeRefused(
            f"{name} says it was recorded at {info.samplerate} Hz; record again at "
            f"{MIN_RATE}-{MAX_RATE} Hz"
        )
    if info.frames > max_seconds * info.samplerate:
        raise TakeRefused(
            f"{name} is longer than {MAX_SECONDS:g} s ({info.frames / info.samplerate:.0f} s); "
            "record one sentence or count per take"
        )


def clipped_share(samples: Floats, peak: float) -> float:
    """The share of ``samples`` in runs of at least ``CLIP_RUN`` at ``CLIP_LEVEL`` or above
    (``peak``, the take's, under ``CLIP_LEVEL``: 0.0, nothing clipped)."""
    if peak < CLIP_LEVEL or samples.size < CLIP_RUN:
        return 0.0
    top = np.abs(samples) >= CLIP_LEVEL
    # runs: count samples whose window of CLIP_RUN consecutive samples is all at the top
    window = np.convolve(top.astype(np.int32), np.ones(CLIP_RUN, dtype=np.int32), "valid")
    starts = window == CLIP_RUN
    held = np.zeros(samples.size, dtype=bool)
    for k in range(CLIP_RUN):
        held[k : k + starts.size] |= starts
    return float(np.mean(held))


def _frame_levels(x: Floats, sample_rate: int) -> tuple[npt.NDArray[np.float64], int]:
    hop = max(1, round(FRAME * sample_rate))
    n = x.size // hop
    frames = x[: n * hop].astype(np.float64).reshape(n, hop) if n else np.zeros((0, hop))
    power = np.mean(frames**2, axis=1) if n else np.zeros(0)
    return 10 * np.log10(power + 1e-20), hop


def process(samples: Floats, sample_rate: int) -> npt.NDArray[np.int16]:
    """Trim, pad and level decoded ``samples``; raise ``TakeRefused`` for a bad take."""
    peak = float(np.max(np.abs(samples))) if samples.size else 0.0
    if peak < EMPTY_PEAK:
        raise TakeRefused(
            "the take is empty: no sound reached the recorder; check that the microphone is "
            "the right one and not muted"
        )
    if peak < QUIET_PEAK:
        raise TakeRefused(
            f"the take is too quiet (its loudest moment is {20 * np.log10(peak):.0f} dBFS); "
            "speak closer to the microphone or raise its input level, and record again"
        )
    clipped = clipped_share(samples, peak)
    if clipped > CLIP_SHARE:
        raise TakeRefused(
            f"the take is clipped ({100 * clipped:.1f}% of it at full scale): it was too loud "
            "for the microphone; move back a little or lower its input level, and record again"
        )
    levels, hop = _frame_levels(samples, sample_rate)
    span = _speech(levels)
    if span is None:
        raise TakeRefused("the take holds only a click or a breath; say the words and record again")
    pad = round(PAD * sample_rate)
    start = max(0, span[0] * hop - pad)
    end = min(samples.size, (span[1] + 1) * hop + pad)
    clip = samples[start:end].astype(np.float64)
    fade = min(pad, clip.size // 4)
    if fade:
        ramp = 0.5 - 0.5 * np.cos(np.linspace(0.0, np.pi, fade))
        clip[:fade] *= ramp
        clip[-fade:] *= ramp[::-1]
    gain = level_gain(clip, sample_rate)
    return np.round(np.clip(clip * gain, -1.0, 1.0) * 32767).astype(np.int16)


def _speech(levels: npt.NDArray[np.float64]) -> tuple[int, int] | None:
    """First and last frame of the speech: frames within ``VOICED_BELOW_PEAK`` dB of the loudest,
    without a short sound (under ``MIN_SPEECH``, such as the click of the key that started or
    stopped the recording) set apart from the rest by at least ``CLICK_GAP`` of quiet at
    either end; None when nothing longer than a click is left."""
    frames = int(np.ceil(MIN_SPEECH / FRAME - 1e-9))
    gap = int(np.ceil(CLICK_GAP / FRAME - 1e-9))
    considered = levels.copy()
    while np.isfinite(considered.max()):
        voiced = np.flatnonzero(considered >= considered.max() - VOICED_BELOW_PEAK)
        runs = np.split(voiced, np.flatnonzero(np.diff(voiced) > gap) + 1)
        short = [r for r in (runs[0], runs[-1]) if len(r) < frames] if len(runs) > 1 else []
        if not short:
            return (int(voiced[0]), int(voiced[-1])) if len(voiced) >= frames else None
        for run in short:
            considered[run[0] : run[-1] + 1] = -np.inf
    return None


def level_gain(clip: npt.NDArray[np.floating[Any]], sample_rate: int) -> float:
    """The gain that brings the voiced part of ``clip`` (floats, full scale 1) to
    ``TARGET_LEVEL``, lowered if its peak would pass ``PEAK_CEILING``."""
    weighted = np.asarray(k_filter(clip, sample_rate), dtype=np.float32)[: clip.size]
    wl, _ = _frame_levels(weighted, sample_rate)
    loud = wl[wl >= wl.max() - VOICED_BELOW_PEAK] if wl.size else np.array([-0.691])
    level = -0.691 + 10 * np.log10(np.mean(10 ** (loud / 10)) + 1e-20)
    gain = float(10 ** ((TARGET_LEVEL - level) / 20))
    ceiling = 10 ** (PEAK_CEILING / 20)
    return min(gain, ceiling / max(float(np.max(np.abs(clip))), 1e-9))


def prepare(source: bytes | Path, sample_rate: int) -> npt.NDArray[np.int16]:
    """``decode`` then ``process``: a take ready to store in a pack."""
    return process(decode(source, sample_rate), sample_rate)
