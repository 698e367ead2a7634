"""Compile a validated routine into a script: what is said, and the clock each part sits on.

Every sentence the compiler adds comes from the phrase table (``authoring/phrases.py``); the
step parts live in ``steps.py`` (what is said around a step) and ``clock.py`` (its cues).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace

from audio_guide.authoring.clock import count_cues
from audio_guide.authoring.items import (
    ChapterMark,
    Clock,
    Cue,
    HoldMark,
    Item,
    Pause,
    Say,
    Script,
    Silence,
)
from audio_guide.authoring.lexicon import Lexicon
from audio_guide.authoring.phrases import Phrases, effective_phrases
from audio_guide.authoring.steps import other_items, sides_of, step_items
from audio_guide.model import Routine, Step
from audio_guide.settings import Settings
from audio_guide.timeline import EventKind, Role

__all__ = [
    "ChapterMark",
    "Clock",
    "Cue",
    "HoldMark",
    "Item",
    "Pause",
    "Say",
    "Script",
    "Silence",
    "compile_script",
    "count_cues",
    "utterances",
    "voice",
]


def compile_script(
    routine: Routine,
    settings: Settings,
    phrases: Phrases | None = None,
    pinned: Collection[str] = (),
) -> Script:
    """Turn ``routine`` into a ``Script`` for ``settings`` (pure; no audio).

    ``phrases`` defaults to the routine language's table with the settings' phrase overrides.
    A step's own ``phrases:`` win over those, except the keys in ``pinned``: the overrides set
    above the routine file (profiles, flags), which stay global.
    """
    ph = phrases or effective_phrases(settings.phrases, routine.language)
    upper = [(key, text) for key, text in settings.phrases if key in pinned]
    gap = settings.gap * settings.pace
    items: list[Item] = [ChapterMark(ph.text("chapter_intro"))]
    items += [Say(t, Role.INTRO, gap) for t in routine.intro]
    items += [Say(t, Role.SAFETY, gap) for t in routine.safety]
    if routine.intro or routine.safety:
        items.append(Pause(max(0.0, settings.step_pause * settings.pace - gap)))
    steps = [step for step in routine.steps if sides_of(step, settings.sides)]
    total = sum(1 for step in steps if isinstance(step, Step) and not step.inline)
    rounds = settings.repeat
    for round_no in range(1, rounds + 1):
        if rounds > 1:
            items.append(ChapterMark(ph.text("chapter_round", round=round_no, rounds=rounds)))
            items.append(Say(ph.say("round", round=round_no, rounds=rounds), Role.ROUND, gap))
        index = 0
        for step in steps:
            if not isinstance(step, Step):
                items += other_items(step, settings)
                continue
            index += 0 if step.inline else 1
            own = ph.with_overrides(step.phrases).with_overrides(upper) if step.phrases else ph
            items += step_items(step, index, total, settings, own)
    items.append(ChapterMark(ph.text("chapter_closing")))
    items += [Say(t, Role.OUTRO, gap) for t in routine.outro or (ph.say("outro_default"),)]
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
