"""Compile one routine step into script items: what is said around it and its clock block."""

from __future__ import annotations

from audio_guide.authoring.clock import clock_cues, plan_words
from audio_guide.authoring.items import ChapterMark, Clock, Item, Say, Silence
from audio_guide.authoring.phrases import Phrases
from audio_guide.model import AnyStep, Hold, PauseStep, Phased, SayStep, Sides, Step, Work
from audio_guide.settings import Settings
from audio_guide.timeline import Role, Side

SIDE_WORDS = {
    "hand": "hand",
    "wrist": "arm",
    "forearm": "arm",
    "elbow": "arm",
    "arm": "arm",
    "knee": "leg",
    "leg": "leg",
    "ankle": "leg",
    "foot": "leg",
}
"""A point's region -> the word of its side phrases (``left_hand``); anything else: ``side``."""


def sides_of(step: AnyStep, only: str) -> list[Side]:
    """The sides a step is worked on with ``--sides only``; say and pause steps have one."""
    if not isinstance(step, Step):
        return [Side.BOTH]
    wanted = {
        Sides.TOGETHER: [Side.BOTH],
        Sides.EACH: [Side.LEFT, Side.RIGHT],
        Sides.LEFT: [Side.LEFT],
        Sides.RIGHT: [Side.RIGHT],
    }[step.sides]
    if only == "both":
        return wanted
    return [s for s in wanted if s is Side.BOTH or s.value == only]


def work_of(step: Step, s: Settings) -> Work:
    """The step's work with the settings' ``--hold``/``--cycles`` overrides applied."""
    key = step.point.id
    if isinstance(step.work, Hold):
        seconds = s.hold_for(key)
        return step.work if seconds is None else Hold(seconds)
    if isinstance(step.work, Phased):
        return step.work
    return s.cycles_for(key) or step.work


def _lines(step: Step, index: int, total: int, ph: Phrases) -> tuple[str, list[tuple[str, Role]]]:
    """The chapter title and the spoken lines that introduce ``step``."""
    p = step.point
    if step.inline:
        title, head = ph.text("chapter_step", name=p.name), ph.say("step_other", name=p.name)
    else:
        title = (
            ph.text("chapter_point", name=p.name, title=p.title)
            if p.title
            else ph.text("chapter_step", name=p.name)
        )
        head = ph.say("step", n=index, total=total, name=p.name)
    lines = [
        (head, Role.STEP),
        (p.purpose, Role.INSTRUCT),
        *((c, Role.CAUTION) for c in p.cautions),
        (p.location, Role.LOCATE),
        (p.method, Role.INSTRUCT),
        (p.alternative or "", Role.INSTRUCT),
        *((t, Role.INSTRUCT) for t in step.say),
    ]
    return title, [(text, role) for text, role in lines if text]


def step_items(step: Step, index: int, total: int, s: Settings, ph: Phrases) -> list[Item]:
    """A working step: chapter, introduction, then per side a lead, the plan and its clock."""
    p = step.point
    sides = sides_of(step, s.sides)
    if not sides:
        return []
    gap = s.gap * s.pace
    title, lines = _lines(step, index, total, ph)
    items: list[Item] = [ChapterMark(title, p.id)]
    items += [Say(text, role, gap, p.id) for text, role in lines]
    find = (s.find if step.find is None else step.find) * s.pace
    work = work_of(step, s)
    announce = s.repetitions if step.repetitions is None else step.repetitions
    cues, holds = clock_cues(work, s, ph, announce)
    word = "side" if step.inline else SIDE_WORDS.get(p.region or "", "side")
    for n, side in enumerate(sides):
        if side is not Side.BOTH:
            name = ph.text(f"{side.value}_{word}")
            lead = ph.say("side_first" if n == 0 else "side_next", side=name)
            items.append(Say(lead, Role.SWITCH, gap, p.id, side))
        both = side is Side.BOTH and p.bilateral
        ready = "ready" if step.inline else "find_both" if both else "find_one"
        sentence = f"{plan_words(work, ph)} {ph.say(ready)}"
        items.append(Say(sentence, Role.FIND, find, p.id, side))
        after = gap if n < len(sides) - 1 else s.step_pause * s.pace
        items.append(Clock(tuple(cues), tuple(holds), p.id, side, step.origin, after))
    return items


def other_items(step: SayStep | PauseStep, s: Settings) -> list[Item]:
    """A speech-only step (its lines, then the pause between steps) or a quiet step."""
    if isinstance(step, PauseStep):
        return [Silence(step.seconds)]
    gap = s.gap * s.pace
    last = len(step.texts) - 1
    return [
        Say(text, Role.INSTRUCT, gap if i < last else s.step_pause * s.pace)
        for i, text in enumerate(step.texts)
    ]
