"""Size limits on input files and on the programme they ask for, checked before any heavy work.

A routine, profile or point file is refused, with a position, when it is too big to be a
hand-written document: more than ``MAX_FILE_BYTES``, nested deeper than ``MAX_DEPTH``, a list
longer than ``MAX_ITEMS``, a mapping with more than ``MAX_KEYS`` keys, or a text longer than
``MAX_TEXT_CHARS``. A programme is refused when a lower bound of its length (holds, presses and
rests, finding time and pauses, times the rounds and sides; speech at a fast reading speed)
exceeds the maximum (``MAX_HOURS`` unless ``--max-hours`` raises it), before it is compiled,
synthesized or mixed.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import yaml

from audio_guide.errors import Problem, RoutineError, UsageError
from audio_guide.model import (
    AnyStep,
    Cycles,
    Hold,
    PauseStep,
    Phased,
    Routine,
    SayStep,
    Sides,
    Work,
)

if TYPE_CHECKING:  # settings imports yamlread, which imports this module
    from audio_guide.settings import Settings

MAX_FILE_BYTES = 256 * 1024
"""Largest input file read (256 KiB: a few hundred points or steps fit in a few dozen KiB)."""
MAX_DEPTH = 32
"""Deepest nesting of lists and mappings (a routine needs about 6 levels)."""
MAX_ITEMS = 500
"""Longest list (steps, lines of speech, phases ...)."""
MAX_KEYS = 2000
"""Most keys in one mapping (points in a library, entries in a lexicon ...)."""
MAX_TEXT_CHARS = 2000
"""Longest single text, about two minutes of speech."""
MAX_HOURS = 6.0
"""Longest programme built unless ``--max-hours`` says otherwise."""
MAX_HOURS_LIMIT = 100.0
"""The most ``--max-hours`` accepts."""
FAST_SPEECH_CHARS_PER_WORD = 10.0
"""Characters per spoken word assumed for the lower bound on speech time (real speech is about
6 at any rate, so speech is never over-estimated)."""


def check_size(file: str, size: int, exact: bool = True) -> None:
    """Refuse a file of ``size`` bytes (or characters) above ``MAX_FILE_BYTES``.

    ``exact=False`` when reading stopped past the limit: the size is then "more than".
    """
    if size > MAX_FILE_BYTES:
        what = f"{size:,} bytes" if exact else f"more than {MAX_FILE_BYTES:,} bytes"
        raise RoutineError(
            [
                Problem(
                    file,
                    1,
                    1,
                    f"the file is {what}; the most read is {MAX_FILE_BYTES:,} bytes "
                    "(split it, or keep long texts short)",
                )
            ]
        )


def check_tree(file: str, root: yaml.Node | None) -> None:
    """Refuse over-long lists, over-full mappings and over-long texts anywhere in ``root``.

    Walks iteratively, visiting each node once (aliases share nodes), so the walk is linear in
    the file whatever its shape. Every problem found is raised at once.
    """
    problems: list[Problem] = []
    seen: set[int] = set()
    stack: list[tuple[yaml.Node, str]] = [(root, "the file")] if root is not None else []
    while stack:
        node, what = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        mark = node.start_mark
        where = (file, mark.line + 1, mark.column + 1)
        if isinstance(node, yaml.ScalarNode):
            length = len(str(node.value))
            if length > MAX_TEXT_CHARS:
                problems.append(
                    Problem(
                        *where,
                        f"{what} is {length:,} characters long; "
                        f"the longest text allowed is {MAX_TEXT_CHARS:,}",
                    )
                )
        elif isinstance(node, yaml.SequenceNode):
            if len(node.value) > MAX_ITEMS:
                problems.append(
                    Problem(
                        *where,
                        f"{what} has {len(node.value):,} items; the most allowed is {MAX_ITEMS}",
                    )
                )
            else:
                stack.extend((item, f"an item of {what}") for item in node.value)
        elif isinstance(node, yaml.MappingNode):
            if len(node.value) > MAX_KEYS:
                problems.append(
                    Problem(
                        *where,
                        f"{what} has {len(node.value):,} keys; the most allowed is {MAX_KEYS}",
                    )
                )
                continue
            for key, value in node.value:
                name = f"'{key.value}'" if isinstance(key, yaml.ScalarNode) else "a key"
                stack.append((key, f"the key {name}"[:80]))
                stack.append((value, name[:80]))
    if problems:
        raise RoutineError(problems)


def work_seconds(work: Work) -> float:
    """Clock seconds of one worked side: a hold, cycles of press and release, or phased cycles."""
    if isinstance(work, Hold):
        return work.seconds
    if isinstance(work, Phased):
        return work.times * work.seconds
    return work.times * work.press + (work.times - 1) * work.release


def _chars(texts: Iterable[str | None]) -> int:
    return sum(len(t) for t in texts if t)


def programme_floor(routine: Routine, settings: Settings) -> tuple[float, AnyStep | None]:
    """A lower bound of the programme's length in seconds, and the step that weighs most.

    Counts what the clock must run whatever the voice: each step's holds or cycles (with the
    settings' overrides), finding time, pauses and quiet steps, for each side worked and each
    round; plus every text at a fast reading speed. Needs no synthesis and no compiled script,
    so it costs microseconds per step whatever the holds and rounds.
    """
    per_char = 60.0 / (settings.rate * FAST_SPEECH_CHARS_PER_WORD)
    once = per_char * _chars([*routine.intro, *routine.safety, *routine.outro])
    round_total, heaviest, heaviest_s = 0.0, None, -1.0
    for step in routine.steps:
        seconds = _step_floor(step, settings, per_char)
        round_total += seconds
        if seconds > heaviest_s:
            heaviest, heaviest_s = step, seconds
    return once + settings.repeat * round_total, heaviest


def _step_floor(step: AnyStep, settings: Settings, per_char: float) -> float:
    if isinstance(step, PauseStep):
        return step.seconds
    if isinstance(step, SayStep):
        return per_char * _chars(step.texts) + settings.step_pause * settings.pace
    work = step.work
    if isinstance(work, Hold):
        held = settings.hold_for(step.point.id)
        work = work if held is None else Hold(held)
    elif isinstance(work, Cycles):
        work = settings.cycles_for(step.point.id) or work
    worked = {Sides.EACH: 2}.get(step.sides, 1)
    if settings.sides != "both":
        if step.sides in (Sides.LEFT, Sides.RIGHT) and step.sides.value != settings.sides:
            return 0.0
        worked = 1
    find = (settings.find if step.find is None else step.find) * settings.pace
    p = step.point
    texts = [*step.say, p.name, p.location, p.method, p.purpose, *p.cautions]
    return (
        worked * (work_seconds(work) + find)
        + settings.step_pause * settings.pace
        + per_char * _chars(texts)
    )


def check_programme(routine: Routine, settings: Settings, max_hours: float = MAX_HOURS) -> None:
    """Refuse, at the heaviest step's position, a programme that would exceed ``max_hours``."""
    floor, heaviest = programme_floor(routine, settings)
    if floor <= max_hours * 3600:
        return
    origin = heaviest.origin if heaviest is not None else None
    file, line, col = (origin.file, origin.line, origin.col) if origin else (routine.source, 1, 1)
    advice = (
        f"shorten it, or pass --max-hours {min(MAX_HOURS_LIMIT, -(-1.25 * floor // 3600)):g} "
        "to allow it"
        if floor < MAX_HOURS_LIMIT * 3600
        else f"shorten it (--max-hours allows at most {MAX_HOURS_LIMIT:g} h)"
    )
    raise RoutineError(
        [
            Problem(
                file,
                line,
                col,
                f"the programme would last at least {_hours(floor)} "
                f"({len(routine.steps)} steps x {settings.repeat} round"
                f"{'s' if settings.repeat > 1 else ''}; this step is the "
                f"longest); the most built is {_hours(max_hours * 3600)}: {advice}",
            )
        ]
    )


def _hours(seconds: float) -> str:
    hours, rest = divmod(int(seconds), 3600)
    return f"{hours} h {rest // 60:02d} min"


def check_duration(routine: Routine, seconds: float, max_hours: float = MAX_HOURS) -> None:
    """Refuse a scheduled programme (speech included) longer than ``max_hours``."""
    if seconds > max_hours * 3600:
        raise RoutineError(
            [
                Problem(
                    routine.source,
                    1,
                    1,
                    f"the programme lasts {_hours(seconds)} at this voice and rate; the most "
                    f"built is {_hours(max_hours * 3600)}: shorten it, or pass --max-hours",
                )
            ]
        )


def parse_max_hours(text: str | None) -> float:
    """The ``--max-hours`` value (``MAX_HOURS`` when not given); raise ``UsageError`` if invalid."""
    if text is None:
        return MAX_HOURS
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not 0 < value <= MAX_HOURS_LIMIT:
        raise UsageError(f"--max-hours: must be > 0 and <= {MAX_HOURS_LIMIT:g} hours, got {text}")
    return value
