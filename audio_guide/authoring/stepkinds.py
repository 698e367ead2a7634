"""Read the parts of a routine step: how it is worked, and the steps that are not library points.

A step is one of:
- ``point: ID`` with ``hold:`` or ``cycles:`` (the library point's own texts);
- ``name: TEXT`` (+ optional ``location:``/``method:``) with ``hold:`` or ``cycles:``: a one-off
  point or a stretch written in the routine itself;
- ``say: [TEXT, ...]`` alone: speech only;
- ``pause: SECONDS`` alone: that much quiet.

``cycles:`` is either ``{press, release, times}`` or ``{phases: [{say, seconds}, ...], times}``.
"""

from __future__ import annotations

import yaml

from audio_guide.authoring.config import read_cycles, read_value
from audio_guide.authoring.figureread import read_figure
from audio_guide.authoring.phrases import read_phrases
from audio_guide.authoring.yamlread import Reader
from audio_guide.model import (
    AnyStep,
    Hold,
    PauseStep,
    Phase,
    Phased,
    Point,
    SayStep,
    Sides,
    Step,
    Work,
)
from audio_guide.settings import MAX_HOLD_S, RANGES

WORK_KEYS = ("hold", "cycles", "sides", "find", "say", "repetitions", "phrases")
INLINE_KEYS = ("name", "location", "method")
MAX_PHASES = 12


def read_work(
    reader: Reader, node: yaml.Node, fields: dict[str, yaml.Node], where: str
) -> Work | None:
    """Read ``hold:`` or ``cycles:`` (press/release or phases) of a step."""
    if "hold" in fields and "cycles" in fields:
        reader.error(fields["cycles"], f"{where}: give either 'hold' or 'cycles', not both")
    elif "hold" in fields:
        seconds = read_value(reader, fields["hold"], f"{where}.hold", "hold")
        return Hold(float(seconds)) if seconds is not None else None  # type: ignore[arg-type]
    elif "cycles" in fields:
        cycles = fields["cycles"]
        keys = [k.value for k, _ in cycles.value] if isinstance(cycles, yaml.MappingNode) else []
        if "phases" in keys:
            return read_phased(reader, cycles, f"{where}.cycles")
        return read_cycles(reader, cycles, f"{where}.cycles")
    else:
        reader.error(
            node,
            f"{where}: say how to work it: 'hold: SECONDS', "
            "'cycles: {press: S, release: S, times: N}' or 'cycles: {phases: [...], times: N}'",
        )
    return None


def read_phased(reader: Reader, node: yaml.Node, where: str) -> Phased | None:
    """Read ``{phases: [{say: TEXT, seconds: S}, ...], times: N}``."""
    fields = reader.mapping(node, where, ("phases", "times"), ("phases", "times"))
    if fields is None or "phases" not in fields or "times" not in fields:
        return None
    times = read_value(reader, fields["times"], f"{where}.times", "times")
    phases: list[Phase] = []
    items = reader.sequence(fields["phases"], f"{where}.phases")
    if isinstance(fields["phases"], yaml.SequenceNode) and not 1 <= len(items) <= MAX_PHASES:
        reader.error(fields["phases"], f"{where}.phases: give 1 to {MAX_PHASES} phases")
    ok = True
    for i, item in enumerate(items, 1):
        what = f"{where}.phases {i}"
        phase = reader.mapping(item, what, ("say", "seconds"), ("say", "seconds"))
        if not phase or "say" not in phase or "seconds" not in phase:
            ok = False
            continue
        say = reader.text(phase["say"], f"{what}.say")
        seconds = reader.number(phase["seconds"], f"{what}.seconds", 0, MAX_HOLD_S)
        if say is None or seconds is None:
            ok = False
            continue
        phases.append(Phase(say, seconds))
    if times is None or not ok or not phases:
        return None
    return Phased(tuple(phases), int(times))  # type: ignore[call-overload]


def read_tail(
    reader: Reader, fields: dict[str, yaml.Node], where: str, default: Sides
) -> tuple[Sides, float | None, tuple[str, ...]]:
    """Read a working step's ``sides:``, ``find:`` and extra ``say:`` lines."""
    sides = default
    if "sides" in fields:
        chosen = reader.choice(fields["sides"], f"{where}.sides", [s.value for s in Sides])
        sides = Sides(chosen) if chosen else sides
    find = None
    if "find" in fields:
        low, high = RANGES["find"][:2]
        find = reader.number(fields["find"], f"{where}.find", low, high, low_inclusive=True)
    say = tuple(reader.texts(fields["say"], f"{where}.say")) if "say" in fields else ()
    return sides, find, say


def read_words(
    reader: Reader, fields: dict[str, yaml.Node], where: str, work: Work | None, language: str
) -> tuple[tuple[tuple[str, str], ...], bool | None]:
    """Read a working step's own ``phrases:`` (checked like a routine's, in its language) and
    its ``repetitions:`` switch (cycles only)."""
    phrases: tuple[tuple[str, str], ...] = ()
    if "phrases" in fields:
        found = read_phrases(reader, fields["phrases"], f"{where}.phrases", language)
        phrases = tuple((key, text) for key, (text, _) in found.items())
    repetitions = None
    if "repetitions" in fields:
        repetitions = reader.flag(fields["repetitions"], f"{where}.repetitions")
        if isinstance(work, Hold):
            reader.error(
                fields["repetitions"],
                f"{where}.repetitions: a steady hold has no repetitions; "
                "it applies to cycles (press/release or phases)",
            )
    return phrases, repetitions


def _only(reader: Reader, fields: dict[str, yaml.Node], key: str, where: str, why: str) -> bool:
    extra = [k for k in fields if k != key]
    for k in extra:
        reader.error(fields[k], f"{where}: a '{key}' step takes nothing else ({why}); found '{k}'")
    return not extra


def other_step(
    reader: Reader, node: yaml.Node, fields: dict[str, yaml.Node], where: str, language: str
) -> AnyStep | None:
    """Read a step without ``point:``: a ``name:`` step, a ``say:`` step or a ``pause:`` step."""
    if "pause" in fields:
        alone = _only(reader, fields, "pause", where, "it is quiet")
        seconds = reader.number(fields["pause"], f"{where}.pause", 0, MAX_HOLD_S)
        if seconds is None or not alone:
            return None
        return PauseStep(seconds, reader.origin(node))
    if "name" not in fields:
        if "say" in fields:
            alone = _only(reader, fields, "say", where, "speech only; add 'name:' to work a step")
            texts = tuple(reader.texts(fields["say"], f"{where}.say"))
            return SayStep(texts, reader.origin(node)) if alone and texts else None
        reader.error(
            node,
            f"{where}: give 'point:' (a library point), 'name:' (a step of your own), "
            "'say:' (speech only) or 'pause:' (quiet seconds)",
        )
        return None
    name = reader.text(fields["name"], f"{where}.name")
    own = {k: reader.text(fields[k], f"{where}.{k}") for k in ("location", "method") if k in fields}
    work = read_work(reader, node, fields, where)
    sides, find, say = read_tail(reader, fields, where, Sides.TOGETHER)
    phrases, repetitions = read_words(reader, fields, where, work, language)
    figure = read_figure(reader, fields["figure"], name or where) if "figure" in fields else None
    if name is None or work is None or None in own.values():
        return None
    point = Point(
        id=name,
        name=name,
        location=own.get("location") or "",
        method=own.get("method"),
        origin=reader.origin(fields["name"]),
        figure=figure,
    )
    return Step(
        point,
        work,
        sides,
        find,
        say,
        reader.origin(node),
        inline=True,
        phrases=phrases,
        repetitions=repetitions,
    )


def point_step_extras(reader: Reader, fields: dict[str, yaml.Node], where: str) -> None:
    """Refuse keys that belong to other step kinds on a ``point:`` step."""
    for key in ("name", "location", "method", "figure", "pause"):
        if key in fields:
            reader.error(
                fields[key],
                f"{where}: '{key}' does not go with 'point:' (a library point has its own texts; "
                "use 'name:' for a step of your own)",
            )
