"""Place a script on the sample clock, from the clips' measured lengths (pure).

Rules:
- flowing speech starts where the previous sound ended plus its ``after`` quiet; a ``Silence``
  (a ``pause:`` step) makes that quiet exactly its seconds instead;
- a clock block starts there too; its cues sit at ``start + offset`` exactly, whatever their
  lengths, so a hold's release begins exactly its seconds after the press cue begins;
- chimes (bells, ticks) are laid over the speech at their offsets and take no part in the
  spacing; the next flowing speech waits until the last bell has rung out;
- every spoken sound keeps ``MIN_GAP`` seconds of quiet before the next one. A press or release cue
  that cannot is an error (the hold is too short for its cue at this voice and rate). Counts
  are made to fit before this step (``fitting.py``: a count rate, time-compression, or every 2nd
  second, decided and reported there); a count that still cannot is left out and counted in
  ``skipped_counts`` (reported by ``plan`` and ``build``), and the rest stay on their ticks.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from audio_guide.authoring.items import ChapterMark, Clock, Pause, Say, Script, Silence
from audio_guide.errors import AudioGuideError
from audio_guide.timeline import Chapter, Event, EventKind, HoldSpan, Role, Side, Timeline

MIN_GAP = 0.08
LEAD_IN = 0.5
TAIL = 1.5

ClipKey = tuple[EventKind, str]


class TimingError(AudioGuideError):
    """A cue cannot fit on its clock at the chosen voice and rate."""

    exit_code = 2


@dataclass
class _State:
    sr: int
    cursor: int
    last_end: int
    """Where the last sound (speech or a bell ringing out) ended."""
    events: list[Event] = field(default_factory=list)
    holds: list[HoldSpan] = field(default_factory=list)
    chapters: list[tuple[str, str | None, int]] = field(default_factory=list)
    skipped: int = 0

    def secs(self, samples: int) -> float:
        return samples / self.sr

    def samples(self, seconds: float) -> int:
        return round(seconds * self.sr)

    def add(
        self,
        start: int,
        n: int,
        kind: EventKind,
        text: str,
        role: Role,
        point: str | None,
        side: Side | None,
        spoken: str | None = None,
    ) -> None:
        """Record a sound of ``n`` samples starting at sample ``start``."""
        self.events.append(
            Event(self.secs(start), self.secs(start + n), kind, text, role, point, side, spoken)
        )


def schedule(script: Script, lengths: Mapping[ClipKey, int], sample_rate: int) -> Timeline:
    """Absolute times for every sound of ``script``; ``lengths`` are trimmed clip lengths."""
    st = _State(sample_rate, round(LEAD_IN * sample_rate), round(LEAD_IN * sample_rate))
    pending: tuple[str, str | None] | None = None
    for item in script.items:
        if isinstance(item, ChapterMark):
            pending = (item.title, item.point)
            continue
        if pending is not None and not isinstance(item, (Pause, Silence)):
            st.chapters.append((pending[0], pending[1], st.cursor if st.chapters else 0))
            pending = None
        if isinstance(item, Say):
            n = lengths[(EventKind.SPEECH, item.spoken or item.text)]
            st.add(
                st.cursor,
                n,
                EventKind.SPEECH,
                item.text,
                item.role,
                item.point,
                item.side,
                item.spoken,
            )
            st.last_end = st.cursor + n
            st.cursor = st.last_end + st.samples(item.after)
        elif isinstance(item, Pause):
            st.cursor += st.samples(item.seconds)
        elif isinstance(item, Silence):
            st.cursor = st.last_end + st.samples(item.seconds)
        elif isinstance(item, Clock):
            _place_clock(st, item, lengths)
    last_end = max((round(e.end * sample_rate) for e in st.events), default=st.cursor)
    total = last_end + st.samples(TAIL)
    chapters = []
    for i, (title, point, start) in enumerate(st.chapters):
        end = st.chapters[i + 1][2] if i + 1 < len(st.chapters) else total
        chapters.append(Chapter(title, st.secs(start), st.secs(end), point))
    s = script.settings
    return Timeline(
        title=script.title,
        duration=st.secs(total),
        sample_rate=sample_rate,
        events=tuple(st.events),
        holds=tuple(st.holds),
        chapters=tuple(chapters),
        artist=script.artist,
        album=script.album,
        description=script.description,
        settings=s.as_dict(),
        skipped_counts=st.skipped,
    )


def _place_clock(st: _State, clock: Clock, lengths: Mapping[ClipKey, int]) -> None:
    t0 = st.cursor
    gap = st.samples(MIN_GAP)
    prev_end = t0 - gap
    ring_end = t0
    required = [
        t0 + st.samples(c.at) for c in clock.cues if c.required and c.kind is EventKind.SPEECH
    ]
    for cue in clock.cues:
        start = t0 + st.samples(cue.at)
        n = lengths[(cue.kind, cue.spoken or cue.text)]
        if cue.kind is EventKind.CHIME:
            st.add(start, n, cue.kind, cue.text, cue.role, clock.point, clock.side)
            ring_end = max(ring_end, start + n)
            continue
        next_required = min((r for r in required if r > start), default=None)
        fits_before = start >= prev_end + gap
        fits_after = next_required is None or start + n + gap <= next_required
        if not (fits_before and fits_after):
            if not cue.required:
                st.skipped += 1
                continue
            free = (next_required - start) / st.sr if next_required is not None else 0.0
            fix = "lengthen the hold or raise the speaking rate"
            if cue.announces:
                fix = "turn repetitions off for this step (repetitions: off), " + fix
            raise TimingError(
                f"{clock.origin}: the cue '{cue.text}' lasts {n / st.sr:.2f} s but only "
                f"{free - MIN_GAP:.2f} s is free before the next cue at this voice and rate; {fix}"
            )
        st.add(start, n, cue.kind, cue.text, cue.role, clock.point, clock.side, cue.spoken)
        prev_end = start + n
    for mark in clock.holds:
        start, end = t0 + st.samples(mark.start), t0 + st.samples(mark.end)
        seconds = round(mark.end - mark.start, 6)
        st.holds.append(
            HoldSpan(clock.point, clock.side, st.secs(start), st.secs(end), seconds, mark.phase)
        )
    st.last_end = max(prev_end, ring_end)
    st.cursor = st.last_end + st.samples(clock.after)
