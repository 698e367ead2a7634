"""Render a timeline block by block: each clip lands at its exact sample, nothing accumulates.

Memory is one block plus the distinct clips; time grows linearly with the routine's length.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol

import numpy as np
import numpy.typing as npt

from .engines import Samples
from .timeline import EventKind, Timeline

Block = npt.NDArray[np.float32]
BLOCK = 1 << 16


class ClipSource(Protocol):
    """Where the mixer finds each event's samples."""

    def get(self, kind: EventKind, text: str) -> Samples:
        """Samples for an event (int16 at the timeline's rate)."""
        ...


def render_blocks(timeline: Timeline, clips: ClipSource, block: int = BLOCK) -> Iterator[Block]:
    """Yield float32 blocks in [-1, 1] covering the whole timeline, in order."""
    sr = timeline.sample_rate
    placed = sorted(
        ((round(e.start * sr), clips.get(e.kind, e.text)) for e in timeline.events),
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
