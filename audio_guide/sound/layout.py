"""The sounds a timeline places and where: each distinct clip, or clips that overlap mixed into one
composite, with the samples it starts at; and the 16-bit sample type the mixer deals in."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import numpy.typing as npt

from audio_guide.sound.dsp import Signal
from audio_guide.timeline import EventKind, Timeline

ClipKey = tuple[EventKind, str]
Pcm = npt.NDArray[np.int16]


class ClipSource(Protocol):
    """Where the mixer finds each event's samples."""

    def get(self, kind: EventKind, text: str) -> Pcm:
        """Samples for an event (int16 at the timeline's rate)."""
        ...


@dataclass(frozen=True, slots=True)
class Sound:
    """One distinct thing placed on the timeline: a clip, or clips that overlap, mixed."""

    members: tuple[tuple[ClipKey, int], ...]
    """Each clip and its offset in samples from the sound's start."""


def layout(timeline: Timeline, clips: ClipSource, gap: int) -> dict[Sound, list[int]]:
    """Every distinct sound and the samples it starts at.

    Events closer than ``gap`` samples (a limiter's reach) join one composite, so composites lie
    in silence at least ``gap`` apart and can be limited and measured on their own.
    """
    sr = timeline.sample_rate
    events = sorted(
        (round(e.start * sr), len(clips.get(e.kind, e.voiced)), (e.kind, e.voiced))
        for e in timeline.events
    )
    out: dict[Sound, list[int]] = defaultdict(list)
    group: list[tuple[int, int, ClipKey]] = []
    end = 0

    def close() -> None:
        if group:
            s0 = group[0][0]
            out[Sound(tuple((key, s - s0) for s, _, key in group))].append(s0)

    for start, length, key in events:
        if group and start >= end + gap:
            close()
            group = []
        if not group:
            end = start
        group.append((start, length, key))
        end = max(end, start + length)
    close()
    return dict(out)


def to_int16(x: Signal) -> Pcm:
    """Float samples in [-1, 1) as 16-bit PCM, rounded and clipped."""
    return np.clip(np.round(x * 32768.0), -32768, 32767).astype(np.int16)
