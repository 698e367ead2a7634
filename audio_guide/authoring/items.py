"""What a compiled script is made of: flowing speech, quiet, clock blocks and chapter marks.

Flowing speech (``Say``) follows the previous sound; a ``Clock`` block pins its cues to offsets
from its own start, so a hold's release is exactly its seconds after the press cue's onset and
each count sits on its own tick. The schedule step turns this into absolute times.
"""

from __future__ import annotations

from dataclasses import dataclass

from audio_guide.model import Origin
from audio_guide.settings import Settings
from audio_guide.timeline import EventKind, Role, Side


@dataclass(frozen=True, slots=True)
class Say:
    """Speech placed right after the previous sound, followed by ``after`` seconds of quiet."""

    text: str
    role: Role
    after: float
    point: str | None = None
    side: Side | None = None
    spoken: str | None = None
    """What the voice says, when the lexicon changes ``text`` (the written form)."""


@dataclass(frozen=True, slots=True)
class Pause:
    """Quiet seconds added to the quiet already due after the previous sound."""

    seconds: float


@dataclass(frozen=True, slots=True)
class Silence:
    """Exactly ``seconds`` of quiet from the end of the previous sound to the next (``pause:``)."""

    seconds: float


@dataclass(frozen=True, slots=True)
class Cue:
    """A sound pinned ``at`` seconds after its clock's start."""

    at: float
    text: str
    role: Role
    required: bool
    """Press, release and phase cues must fit; counts are dropped when they would not."""
    kind: EventKind = EventKind.SPEECH
    spoken: str | None = None
    """What the voice says, when the lexicon changes ``text`` (the written form)."""
    announces: bool = False
    """The cue also says which repetition this is ("Lift. 3 of 10.")."""


@dataclass(frozen=True, slots=True)
class HoldMark:
    """A hold (or a phase) inside a clock, from one cue's offset to another's."""

    start: float
    end: float
    phase: str | None = None
    """The phase's cue, for a phase of phased cycles."""


@dataclass(frozen=True, slots=True)
class Clock:
    """Cues on a shared clock (a hold, a run of press/release cycles, or phased cycles)."""

    cues: tuple[Cue, ...]
    holds: tuple[HoldMark, ...]
    point: str
    side: Side
    origin: Origin
    after: float


@dataclass(frozen=True, slots=True)
class ChapterMark:
    """A new chapter starts with the next sound."""

    title: str
    point: str | None = None


Item = Say | Pause | Silence | Clock | ChapterMark


@dataclass(frozen=True, slots=True)
class Script:
    """A routine compiled for one set of settings."""

    title: str
    artist: str
    album: str
    description: str
    items: tuple[Item, ...]
    settings: Settings
