"""The cues of a clock block: a steady hold, press/release cycles, or phased cycles.

Every cue sits at an offset from the block's start; speech length never moves one. With
repetitions announced, the first cue of each repetition of cycles (times > 1) is said with its
number ("Press again. 3 of 10.", phrases ``repetition``/``repetition_last``) in the same slot:
the clock does not move, and the longer cue must still fit before the next one. Counts and
ticks sit on whole seconds inside each press or phase. Bells (``chime``) share their onset with
a cue: holds and presses get one with each press and release cue; phased cycles (breathing) get
one with their first phase cue and one with their closing cue, none in between.
"""

from __future__ import annotations

from audio_guide.authoring.items import Cue, HoldMark
from audio_guide.authoring.phrases import Phrases
from audio_guide.model import Cycles, Hold, Phased, Work
from audio_guide.settings import CountKind, CountStyle, Settings
from audio_guide.timeline import BELL_END, BELL_START, TICK, EventKind, Role


def count_cues(seconds: float, style: CountStyle, phrases: Phrases) -> list[Cue]:
    """Spoken counts for a press of ``seconds``; see ``CountStyle`` for the rules."""
    last_tick = int(seconds - 1e-9)
    if style.kind is CountKind.NONE or last_tick < 1:
        return []
    if style.kind is CountKind.EVERY:
        ticks = range(style.n, last_tick + 1, style.n)
        return [Cue(float(t), phrases.say("count", n=t), Role.COUNT, False) for t in ticks]
    first = max(1, round(seconds) - style.n)
    return [
        Cue(float(t), phrases.say("count", n=round(seconds) - t), Role.COUNT, False)
        for t in range(first, last_tick + 1)
    ]


def _inside(at: float, seconds: float, s: Settings, phrases: Phrases) -> list[Cue]:
    """Ticks and counts on the whole seconds of a press or phase starting at ``at``."""
    last_tick = int(seconds - 1e-9)
    ticks = (
        [
            Cue(at + t, TICK, Role.TICK, False, EventKind.CHIME)
            for t in range(s.tick, last_tick + 1, s.tick)
        ]
        if s.tick
        else []
    )
    counts = [Cue(at + c.at, c.text, c.role, False) for c in count_cues(seconds, s.count, phrases)]
    return [*ticks, *counts]


def _bell(at: float, name: str, role: Role, s: Settings) -> list[Cue]:
    return [Cue(at, name, role, True, EventKind.CHIME)] if s.chime else []


def _press_cues(
    at: float,
    seconds: float,
    press: str,
    release: str,
    s: Settings,
    phrases: Phrases,
    announces: bool = False,
) -> list[Cue]:
    """One press: its cue, counts and ticks on their seconds, and its release cue."""
    return [
        *_bell(at, BELL_START, Role.PRESS, s),
        Cue(at, press, Role.PRESS, True, announces=announces),
        *_inside(at, seconds, s, phrases),
        *_bell(at + seconds, BELL_END, Role.RELEASE, s),
        Cue(at + seconds, release, Role.RELEASE, True),
    ]


def announced(cue: str, n: int, times: int, announce: bool, phrases: Phrases) -> str:
    """``cue`` as the first cue of repetition ``n`` of ``times``: with its number if announced."""
    if not announce or times < 2:
        return cue
    key = "repetition_last" if n == times else "repetition"
    return phrases.say(key, cue=cue, n=n, times=times)


def _phased_cues(
    work: Phased, s: Settings, phrases: Phrases, announce: bool
) -> tuple[list[Cue], list[HoldMark]]:
    cues: list[Cue] = _bell(0.0, BELL_START, Role.PHASE, s)
    holds: list[HoldMark] = []
    t = 0.0
    for n in range(1, work.times + 1):
        for i, phase in enumerate(work.phases):
            say = announced(phase.say, n, work.times, announce and i == 0, phrases)
            cues.append(Cue(t, say, Role.PHASE, True, announces=say != phase.say))
            cues += _inside(t, phase.seconds, s, phrases)
            holds.append(HoldMark(t, t + phase.seconds, phase.say))
            t += phase.seconds
    cues += _bell(t, BELL_END, Role.RELEASE, s)
    cues.append(Cue(t, phrases.say("phases_end"), Role.RELEASE, True))
    return cues, holds


def clock_cues(
    work: Work, s: Settings, phrases: Phrases, announce: bool = False
) -> tuple[list[Cue], list[HoldMark]]:
    """The cues and holds of one clock block for ``work``; ``announce`` says the repetition."""
    if isinstance(work, Hold):
        cues = _press_cues(
            0.0, work.seconds, phrases.say("press"), phrases.say("release"), s, phrases
        )
        return cues, [HoldMark(0.0, work.seconds)]
    if isinstance(work, Phased):
        return _phased_cues(work, s, phrases, announce)
    cues, holds = [], []
    period = work.press + work.release
    for i in range(work.times):
        base = i * period
        plain = phrases.say("press" if i == 0 else "press_again")
        press = announced(plain, i + 1, work.times, announce, phrases)
        release = phrases.say("release" if i < work.times - 1 else "release_last")
        cues += _press_cues(base, work.press, press, release, s, phrases, press != plain)
        holds.append(HoldMark(base, base + work.press))
    return cues, holds


def plan_words(work: Work, phrases: Phrases) -> str:
    """The sentence announcing how a step is worked."""
    if isinstance(work, Hold):
        return phrases.say("hold_plan", seconds=work.seconds)
    if isinstance(work, Cycles):
        if work.times == 1:
            return phrases.say("cycles_plan_once", press=work.press, release=work.release)
        return phrases.say("cycles_plan", press=work.press, release=work.release, times=work.times)
    n = len(work.phases)
    if work.times == 1:
        return phrases.say("phases_plan_once", seconds=work.seconds, phases=n)
    return phrases.say("phases_plan", times=work.times, seconds=work.seconds, phases=n)
