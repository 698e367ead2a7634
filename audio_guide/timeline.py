"""The timeline: plain, frozen, typed data that says what sounds where, to the sample.

It can be printed, diffed and golden-tested without any audio; ``as_dict`` gives the
``audio-guide/timeline@1`` contract written beside every MP3.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

FORMAT = "audio-guide/timeline@1"

BELL_START = "bell:start"
"""Chime a cue carries at each hold's start, with the 'Press.' cue (made by ``sound.chime``)."""
BELL_END = "bell:end"
"""Chime at each hold's end, with the 'Release.' cue."""
TICK = "tick"
"""A quiet tick every ``--tick`` seconds inside a hold."""


class EventKind(str, Enum):
    """What makes the sound."""

    SPEECH = "speech"
    """A spoken line or count."""
    CHIME = "chime"
    """A bell (with a press or release cue) or a tick."""


class Role(str, Enum):
    """Why a sound is there."""

    INTRO = "intro"
    """An opening line."""
    SAFETY = "safety"
    """A safety line."""
    ROUND = "round"
    """Announces a round of a repeated routine ("Round 2 of 2.")."""
    STEP = "step"
    """Names the point about to be worked."""
    LOCATE = "locate"
    """Where the point is."""
    INSTRUCT = "instruct"
    """How to press, what it may help with, another way to do it, or a step's own ``say:`` lines."""
    CAUTION = "caution"
    """A caution of the point."""
    SWITCH = "switch"
    """Leads a side of a step worked on each side."""
    FIND = "find"
    """The plan of the hold and the time to find the point."""
    PRESS = "press"
    """The cue that starts a press or hold; its onset starts the clock."""
    COUNT = "count"
    """A spoken count, on its second."""
    RELEASE = "release"
    """The cue that ends a press or hold, on the clock."""
    TICK = "tick"
    """A quiet tick inside a hold (``--tick N``)."""
    PHASE = "phase"
    """The cue that starts a phase of phased cycles ("Breathe in.")."""
    OUTRO = "outro"
    """A closing line."""


class Side(str, Enum):
    """Which side of the body an event or hold is about."""

    LEFT = "left"
    """The left hand, arm, leg or side."""
    RIGHT = "right"
    """The right hand, arm, leg or side."""
    BOTH = "both"
    """Both sides at once (a step worked together)."""


def _t(seconds: float) -> float:
    return round(seconds, 6)


@dataclass(frozen=True, slots=True)
class Event:
    """One sound on the timeline."""

    start: float
    """Seconds from the start of the audio where the sound becomes audible."""
    end: float
    """Seconds where the sound ends."""
    kind: EventKind
    """What makes the sound."""
    text: str
    """What is said (speech) or the sound's name (chime)."""
    role: Role
    """Why the sound is there."""
    point: str | None = None
    """Point id the event belongs to, if any."""
    side: Side | None = None
    """The side of the body the event is about, if any."""
    spoken: str | None = None
    """What the voice says, when the lexicon makes it differ from ``text`` (the written form)."""
    filled: str | None = None
    """The engine that spoke it when the voice pack lacked it (``--fill ENGINE``)."""
    rate: int | None = None
    """The speaking rate of this clip when it is not the sentence rate (a count rate)."""
    speedup: float | None = None
    """The time-compression factor applied to fit the clip into its slot (``sound/fit.py``)."""

    @property
    def voiced(self) -> str:
        """The clip's text: ``spoken`` if set, else ``text``."""
        return self.spoken or self.text

    def as_dict(self) -> dict[str, object]:
        """Contract form (``spoken`` only when it differs from ``text``)."""
        out: dict[str, object] = {
            "start": _t(self.start),
            "end": _t(self.end),
            "kind": self.kind.value,
            "text": self.text,
            "role": self.role.value,
        }
        if self.point is not None:
            out["point"] = self.point
        if self.side is not None:
            out["side"] = self.side.value
        if self.spoken is not None:
            out["spoken"] = self.spoken
        if self.filled is not None:
            out["filled"] = self.filled
        if self.rate is not None:
            out["rate"] = self.rate
        if self.speedup is not None:
            out["speedup"] = self.speedup
        return out


@dataclass(frozen=True, slots=True)
class HoldSpan:
    """A timed press or phase: from the onset of its start cue to the onset of the next cue."""

    point: str
    """The point id, or the name of a step written in the routine."""
    side: Side
    """The side pressed."""
    start: float
    """The onset of the cue that starts it (seconds)."""
    end: float
    """The onset of the cue that ends it (seconds)."""
    seconds: float
    """The seconds asked for; ``end - start`` equals it to the sample."""
    phase: str | None = None
    """For a phase of phased cycles, its cue ("Breathe in."); None for a press or hold."""

    def as_dict(self) -> dict[str, object]:
        """Contract form (``phase`` only for phases)."""
        out: dict[str, object] = {
            "point": self.point,
            "side": self.side.value,
            "start": _t(self.start),
            "end": _t(self.end),
            "seconds": self.seconds,
        }
        if self.phase is not None:
            out["phase"] = self.phase
        return out


@dataclass(frozen=True, slots=True)
class Thinned:
    """A clock whose counts were kept on every ``every``-th second only: even sped up as far as
    allowed, a count would not fit its second."""

    step: str
    """``FILE:LINE:COL`` of the step."""
    point: str
    """The point id, or the name of a step written in the routine."""
    side: Side
    """The side of that clock."""
    every: int
    """Counts are spoken every this many seconds."""
    dropped: int
    """Counts the count style asked for and this clock leaves out."""
    cause: str = ""
    """The spoken text that would not fit its slot (a count, or the cue before a count)."""

    def as_dict(self) -> dict[str, object]:
        """Contract form."""
        return {
            "step": self.step,
            "point": self.point,
            "side": self.side.value,
            "every": self.every,
            "dropped": self.dropped,
            "cause": self.cause,
        }


@dataclass(frozen=True, slots=True)
class Chapter:
    """A navigable part of the track: the intro, each step, the closing."""

    title: str
    """As players list it ("LI 4 — web of the hand")."""
    start: float
    """Seconds where the chapter starts."""
    end: float
    """Seconds where it ends (the next chapter's start, or the end of the audio)."""
    point: str | None = None
    """The point id of a step's chapter."""

    def as_dict(self) -> dict[str, object]:
        """Contract form."""
        out: dict[str, object] = {"title": self.title, "start": _t(self.start), "end": _t(self.end)}
        if self.point is not None:
            out["point"] = self.point
        return out


@dataclass(frozen=True, slots=True)
class Timeline:
    """Everything the mixer and the exporters need, and nothing about how it was computed."""

    title: str
    """The routine's title."""
    duration: float
    """Seconds of audio, exactly ``samples / sample_rate``."""
    sample_rate: int
    """Samples per second of the audio."""
    events: tuple[Event, ...]
    """Every sound, in time order."""
    holds: tuple[HoldSpan, ...]
    """Every timed press, hold and phase."""
    chapters: tuple[Chapter, ...]
    """The chapters, in time order."""
    artist: str = ""
    """The routine's ``artist:`` (the audio's artist tag)."""
    album: str = ""
    """The routine's ``album:`` (the audio's album tag)."""
    description: str = ""
    """The routine's ``description:``."""
    settings: dict[str, object] = field(default_factory=dict)
    """The effective settings of the build."""
    skipped_counts: int = 0
    """Counts the count style asked for that are not spoken (those of ``thinned`` clocks)."""
    thinned: tuple[Thinned, ...] = ()
    """Clocks counted more sparsely because a count would not fit even sped up."""

    @property
    def samples(self) -> int:
        """Length in samples."""
        return round(self.duration * self.sample_rate)

    def as_dict(self) -> dict[str, object]:
        """The ``audio-guide/timeline@1`` contract."""
        return {
            "format": FORMAT,
            "title": self.title,
            "artist": self.artist,
            "album": self.album,
            "description": self.description,
            "duration": _t(self.duration),
            "sample_rate": self.sample_rate,
            "settings": self.settings,
            "skipped_counts": self.skipped_counts,
            **({"thinned_counts": [t.as_dict() for t in self.thinned]} if self.thinned else {}),
            "events": [e.as_dict() for e in self.events],
            "holds": [h.as_dict() for h in self.holds],
            "chapters": [c.as_dict() for c in self.chapters],
        }
