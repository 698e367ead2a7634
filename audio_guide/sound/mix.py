"""Render a timeline block by block: each clip lands at its exact sample, nothing accumulates.

Memory is one block plus the distinct clips; time grows linearly with the routine's length.
Mastering (``master``) renders twice: once to measure loudness, once to write, with one gain,
the optional bed, and the true-peak limiter applied on the way to the encoder.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import numpy.typing as npt

from audio_guide.sound import bed as beds
from audio_guide.sound.engines import Samples
from audio_guide.sound.loudness import Limiter, loudness_of
from audio_guide.timeline import EventKind, Timeline

Block = npt.NDArray[np.float32]
ClipKey = tuple[EventKind, str]
BLOCK = 1 << 16
REFINE = 4
TOLERANCE = 0.15
"""LU from the target at which the gain search stops."""
"""Extra measuring passes that correct the gain for what the limiter takes off."""


class ClipSource(Protocol):
    """Where the mixer finds each event's samples."""

    def get(self, kind: EventKind, text: str) -> Samples:
        """Samples for an event (int16 at the timeline's rate)."""
        ...


def render_blocks(timeline: Timeline, clips: ClipSource, block: int = BLOCK) -> Iterator[Block]:
    """Yield float32 blocks in [-1, 1] covering the whole timeline, in order."""
    sr = timeline.sample_rate
    placed = sorted(
        ((round(e.start * sr), clips.get(e.kind, e.voiced)) for e in timeline.events),
        key=lambda item: item[0],
    )
    total = timeline.samples
    active: list[tuple[int, Samples]] = []
    nxt = 0
    for b0 in range(0, total, block):
        b1 = min(total, b0 + block)
        while nxt < len(placed) and placed[nxt][0] < b1:
            active.append(placed[nxt])
            nxt += 1
        out = np.zeros(b1 - b0, dtype=np.float32)
        keep = []
        for start, clip in active:
            end = start + len(clip)
            lo, hi = max(start, b0), min(end, b1)
            if hi > lo:
                out[lo - b0 : hi - b0] += clip[lo - start : hi - start].astype(np.float32) / 32768.0
            if end > b1:
                keep.append((start, clip))
        active = keep
        yield out


def to_pcm16(block: Block) -> bytes:
    """Little-endian 16-bit PCM, clipped."""
    return np.clip(np.round(block * 32768.0), -32768, 32767).astype("<i2").tobytes()


@dataclass(frozen=True, slots=True)
class MixOptions:
    """How the spoken timeline is mastered."""

    loudness: float | None = -16.0
    """Integrated loudness target (LUFS); None leaves levels as spoken, with no limiter."""
    true_peak: float = -1.0
    """The highest true peak allowed in the file, dBTP."""
    codec_margin: float = 0.7
    """Headroom kept below ``true_peak`` for the MP3 encoder's own overshoot, dB."""
    bed: str | None = None
    """``noise``, an audio file, or None."""
    bed_level: float = -20.0
    """Bed loudness in the gaps, dB relative to the speech's loudness."""


@dataclass(frozen=True, slots=True)
class Mastering:
    """What ``measure`` found, for ``master`` to apply."""

    speech_lufs: float
    """Loudness of the spoken track as synthesized."""
    gain_db: float
    """Gain applied to every clip before limiting."""
    bed_gain_db: float | None
    """Gain that puts the bed at its level, or None without a bed."""
    clips: ClipSource | None = None
    """The clips at ``gain_db``, limited (None when loudness is off)."""


class LimitedClips:
    """Every distinct clip scaled by one gain and true-peak limited on its own.

    Limiting the few distinct clips, not the hour-long stream, makes each loudness pass cheap;
    a safety limiter on the stream then catches only sounds that overlap (a bell under speech).
    """

    def __init__(
        self, clips: ClipSource, keys: Iterable[ClipKey], gain_db: float, ceiling: float, sr: int
    ) -> None:
        limiter = Limiter(sr, ceiling)
        gain = np.float32(10 ** (gain_db / 20))
        self.clips: dict[ClipKey, Samples] = {}
        for kind, text in keys:
            x = clips.get(kind, text).astype(np.float32) / 32768.0 * gain
            (y,) = limiter.process([x])
            self.clips[(kind, text)] = np.round(y * 32767).astype(np.int16)

    def get(self, kind: EventKind, text: str) -> Samples:
        """The limited clip for an event."""
        return self.clips[(kind, text)]


def measure(timeline: Timeline, clips: ClipSource, options: MixOptions) -> Mastering:
    """First passes: the speech's loudness, the gain that lands on the target once the clips
    are limited (found by the secant method in up to ``REFINE`` passes), and the bed's gain."""
    sr = timeline.sample_rate
    speech = loudness_of(render_blocks(timeline, clips), sr)
    gain_db = 0.0
    best: LimitedClips | None = None
    if options.loudness is not None:
        target = options.loudness
        keys = {(e.kind, e.voiced) for e in timeline.events}
        tried: list[tuple[float, float]] = [(0.0, speech)]
        gain_db, best_gain, best_miss = target - speech, 0.0, math.inf
        for _ in range(REFINE):
            limited = LimitedClips(clips, keys, gain_db, _ceiling(options), sr)
            got = loudness_of(render_blocks(timeline, limited), sr)
            tried.append((gain_db, got))
            if abs(target - got) < best_miss:
                best_gain, best_miss, best = gain_db, abs(target - got), limited
            if abs(target - got) <= TOLERANCE:
                break
            (g0, l0), (g1, l1) = tried[-2:]
            slope = (l1 - l0) / (g1 - g0) if g1 != g0 and l1 != l0 else 1.0
            gain_db = g1 + (target - l1) / min(1.0, max(0.1, slope))
        gain_db = best_gain
    bed_gain = None
    if options.bed is not None:
        first = itertools.islice(beds.source(options.bed, sr, BLOCK), 30 * sr // BLOCK + 1)
        reference = speech if options.loudness is None else options.loudness
        bed_gain = reference + options.bed_level - loudness_of(first, sr)
    return Mastering(speech, gain_db, bed_gain, best)


def master(
    timeline: Timeline, clips: ClipSource, options: MixOptions, levels: Mastering | None = None
) -> Iterator[Block]:
    """The finished track as blocks (limited clips, bed, safety limiter), ready to encode."""
    if options.loudness is None and options.bed is None:
        yield from render_blocks(timeline, clips)
        return
    levels = levels or measure(timeline, clips, options)
    blocks = render_blocks(timeline, levels.clips or clips)
    if options.bed is not None and levels.bed_gain_db is not None:
        blocks = _with_bed(blocks, timeline, options.bed, 10 ** (levels.bed_gain_db / 20))
    if options.loudness is not None:
        blocks = Limiter(timeline.sample_rate, _ceiling(options)).process(blocks)
    yield from blocks


def _ceiling(options: MixOptions) -> float:
    return options.true_peak - options.codec_margin


def _with_bed(
    blocks: Iterator[Block], timeline: Timeline, spec: str, gain: float
) -> Iterator[Block]:
    sr = timeline.sample_rate
    spans = [(e.start, e.end) for e in timeline.events]
    intervals = beds.duck_intervals(spans)
    stream = beds.source(spec, sr, BLOCK)
    b0 = 0
    for block in blocks:
        n = len(block)
        env = beds.envelope(intervals, b0, n, sr, timeline.samples)
        yield (block + next(stream)[:n] * (env * gain)).astype(np.float32)
        b0 += n
