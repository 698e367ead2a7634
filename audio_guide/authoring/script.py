"""Compile a validated routine into a script: what is said, and the clock each part sits on.

Flowing speech (``Say``) follows the previous sound; a ``Clock`` block pins its cues to offsets
from its own start, so a hold's release is exactly its seconds after the press cue's onset and
each count sits on its own tick. The schedule step turns this into absolute times.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from audio_guide.authoring.lexicon import Lexicon
from audio_guide.authoring.yamlread import fmt
from audio_guide.model import Cycles, Hold, Origin, Routine, Sides, Step
from audio_guide.settings import CountKind, CountStyle, Settings
from audio_guide.sound import chime
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
    """Quiet seconds."""

    seconds: float


@dataclass(frozen=True, slots=True)
class Cue:
    """A sound pinned ``at`` seconds after its clock's start."""

    at: float
    text: str
    role: Role
    required: bool
    """Press and release cues must fit; counts are dropped when they would not."""
    kind: EventKind = EventKind.SPEECH
    spoken: str | None = None
    """What the voice says, when the lexicon changes ``text`` (the written form)."""


@dataclass(frozen=True, slots=True)
class HoldMark:
    """A hold inside a clock, from one cue's offset to another's."""

    start: float
    end: float


@dataclass(frozen=True, slots=True)
class Clock:
    """Cues on a shared clock (a hold or a run of press/release cycles)."""

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


Item = Say | Pause | Clock | ChapterMark


@dataclass(frozen=True, slots=True)
class Script:
    """A routine compiled for one set of settings."""

    title: str
    artist: str
    album: str
    description: str
    items: tuple[Item, ...]
    settings: Settings


def count_cues(seconds: float, style: CountStyle) -> list[Cue]:
    """Spoken counts for a press of ``seconds``; see ``CountStyle`` for the rules."""
    last_tick = int(seconds - 1e-9)
    if style.kind is CountKind.NONE or last_tick < 1:
        return []
    if style.kind is CountKind.EVERY:
        ticks = range(style.n, last_tick + 1, style.n)
        return [Cue(float(t), str(t), Role.COUNT, False) for t in ticks]
    first = max(1, round(seconds) - style.n)
    return [
        Cue(float(t), str(round(seconds) - t), Role.COUNT, False)
        for t in range(first, last_tick + 1)
    ]


def _press_cues(at: float, seconds: float, press: str, release: str, s: Settings) -> list[Cue]:
    """One press: its cue, counts and ticks on their seconds, and its release cue.

    With chimes on, a bell sounds together with each press and release cue: the two share
    one onset, so the hold's start and end stay exactly where the cues are.
    """
    bells = (
        (Cue(at, chime.BELL_START, Role.PRESS, True, EventKind.CHIME),) if s.chime else (),
        (Cue(at + seconds, chime.BELL_END, Role.RELEASE, True, EventKind.CHIME),)
        if s.chime
        else (),
    )
    last_tick = int(seconds - 1e-9)
    ticks = (
        [
            Cue(at + t, chime.TICK, Role.TICK, False, EventKind.CHIME)
            for t in range(s.tick, last_tick + 1, s.tick)
        ]
        if s.tick
        else []
    )
    return [
        *bells[0],
        Cue(at, press, Role.PRESS, True),
        *ticks,
        *(Cue(at + c.at, c.text, c.role, False) for c in count_cues(seconds, s.count)),
        *bells[1],
        Cue(at + seconds, release, Role.RELEASE, True),
    ]


def _clock_cues(work: Hold | Cycles, s: Settings) -> tuple[list[Cue], list[HoldMark]]:
    if isinstance(work, Hold):
        cues = _press_cues(0.0, work.seconds, "Press.", "Release.", s)
        return cues, [HoldMark(0.0, work.seconds)]
    cues, holds = [], []
    period = work.press + work.release
    for i in range(work.times):
        base = i * period
        press = "Press." if i == 0 else "Press again."
        release = "Release." if i < work.times - 1 else "Release. That was the last one."
        cues += _press_cues(base, work.press, press, release, s)
        holds.append(HoldMark(base, base + work.press))
    return cues, holds


def _work(step: Step, s: Settings) -> Hold | Cycles:
    if isinstance(step.work, Hold):
        seconds = s.hold_for(step.point.id)
        return step.work if seconds is None else Hold(seconds)
    return s.cycles_for(step.point.id) or step.work


def _sides(step: Step, only: str) -> list[Side]:
    wanted = {
        Sides.TOGETHER: [Side.BOTH],
        Sides.EACH: [Side.LEFT, Side.RIGHT],
        Sides.LEFT: [Side.LEFT],
        Sides.RIGHT: [Side.RIGHT],
    }[step.sides]
    if only == "both":
        return wanted
    return [s for s in wanted if s is Side.BOTH or s.value == only]


def _work_words(work: Hold | Cycles) -> str:
    if isinstance(work, Hold):
        return f"We will hold for {fmt(work.seconds)} seconds."
    return (
        f"We will press for {fmt(work.press)} seconds and release for {fmt(work.release)}, "
        f"{work.times} times."
    )


def _side_word(region: str | None) -> str:
    return {"hand": "hand", "knee": "leg", "leg": "leg", "foot": "leg"}.get(region or "", "side")


def _step_items(step: Step, index: int, total: int, s: Settings) -> list[Item]:
    p = step.point
    sides = _sides(step, s.sides)
    if not sides:
        return []
    gap = s.gap * s.pace
    items: list[Item] = [ChapterMark(f"{p.name} — {p.title}" if p.title else p.name, p.id)]
    say = [
        (f"Point {index} of {total}: {p.name}.", Role.STEP),
        (p.purpose, Role.INSTRUCT),
        *((c, Role.CAUTION) for c in p.cautions),
        (p.location, Role.LOCATE),
        (p.method, Role.INSTRUCT),
        (p.alternative, Role.INSTRUCT),
        *((t, Role.INSTRUCT) for t in step.say),
    ]
    items += [Say(text, role, gap, p.id) for text, role in say if text]
    find = (s.find if step.find is None else step.find) * s.pace
    work = _work(step, s)
    cues, holds = _clock_cues(work, s)
    for n, side in enumerate(sides):
        if side is not Side.BOTH:
            word = _side_word(p.region)
            lead = (
                f"{side.value.capitalize()} {word}."
                if n == 0
                else (f"Now the {side.value} {word}.")
            )
            items.append(Say(lead, Role.SWITCH, gap, p.id, side))
        where = "on both sides" if side is Side.BOTH else "now"
        items.append(
            Say(f"{_work_words(work)} Find the point {where}.", Role.FIND, find, p.id, side)
        )
        after = gap if n < len(sides) - 1 else s.step_pause * s.pace
        items.append(Clock(tuple(cues), tuple(holds), p.id, side, step.origin, after))
    return items


def compile_script(routine: Routine, settings: Settings) -> Script:
    """Turn ``routine`` into a ``Script`` for ``settings`` (pure; no audio)."""
    gap = settings.gap * settings.pace
    items: list[Item] = [ChapterMark("Introduction")]
    items += [Say(t, Role.INTRO, gap) for t in routine.intro]
    items += [Say(t, Role.SAFETY, gap) for t in routine.safety]
    if routine.intro or routine.safety:
        items.append(Pause(max(0.0, settings.step_pause * settings.pace - gap)))
    steps = [step for step in routine.steps if _sides(step, settings.sides)]
    for round_no in range(1, settings.repeat + 1):
        if settings.repeat > 1:
            items.append(ChapterMark(f"Round {round_no}"))
            items.append(Say(f"Round {round_no} of {settings.repeat}.", Role.ROUND, gap))
        for i, step in enumerate(steps, 1):
            items += _step_items(step, i, len(steps), settings)
    items.append(ChapterMark("Closing"))
    items += [
        Say(t, Role.OUTRO, gap) for t in routine.outro or ("This is the end of the routine.",)
    ]
    return Script(
        routine.title,
        routine.artist,
        routine.album,
        routine.description,
        tuple(voice(_drop_empty_chapters(items), Lexicon(routine.lexicon))),
        settings,
    )


def voice(items: list[Item], lexicon: Lexicon) -> list[Item]:
    """Give every spoken line whose text the lexicon changes its ``spoken`` form."""

    def said(text: str) -> str | None:
        spoken = lexicon.spoken(text)
        return spoken if spoken != text else None

    out: list[Item] = []
    for item in items:
        if isinstance(item, Say):
            item = replace(item, spoken=said(item.text))
        elif isinstance(item, Clock):
            cues = tuple(
                replace(c, spoken=said(c.text)) if c.kind is EventKind.SPEECH else c
                for c in item.cues
            )
            item = replace(item, cues=cues)
        out.append(item)
    return out


def _drop_empty_chapters(items: list[Item]) -> list[Item]:
    out: list[Item] = []
    for item in items:
        if isinstance(item, ChapterMark) and out and isinstance(out[-1], ChapterMark):
            out[-1] = item
        else:
            out.append(item)
    return out


def utterances(script: Script) -> list[tuple[EventKind, str]]:
    """Every distinct sound the script needs (spoken forms), in first-use order."""
    seen: dict[tuple[EventKind, str], None] = {}
    for item in script.items:
        if isinstance(item, Say):
            seen.setdefault((EventKind.SPEECH, item.spoken or item.text))
        elif isinstance(item, Clock):
            for cue in item.cues:
                seen.setdefault((cue.kind, cue.spoken or cue.text))
    return list(seen)
