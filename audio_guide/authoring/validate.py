"""Load and validate the point library and a routine file into ``model`` objects."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import yaml

from audio_guide.authoring.config import read_settings
from audio_guide.authoring.phrases import DEFAULT_LANGUAGE
from audio_guide.authoring.pointnames import describe, lookup, spellings
from audio_guide.authoring.points import Library, assemble, read_library_sections
from audio_guide.authoring.pointtexts import read_language
from audio_guide.authoring.stepkinds import (
    INLINE_KEYS,
    WORK_KEYS,
    other_step,
    point_step_extras,
    read_tail,
    read_words,
    read_work,
)
from audio_guide.authoring.yamlread import Reader, compose_file
from audio_guide.errors import UsageError
from audio_guide.layers import Layer
from audio_guide.model import AnyStep, Cycles, Hold, Phased, Point, Routine, Sides, Step
from audio_guide.settings import Settings
from audio_guide.words import suggest

ROUTINE_KEYS = (
    "title",
    "artist",
    "album",
    "description",
    "intro",
    "safety",
    "steps",
    "outro",
    "voice",
    "pacing",
    "sound",
    "points",
    "lexicon",
    "phrases",
    "language",
)
STEP_KEYS = ("point", *INLINE_KEYS, "figure", *WORK_KEYS, "pause")


def data_dir() -> Path:
    """The folder of shipped routines and the point library."""
    return Path(str(resources.files("audio_guide.scripts_data")))


def shipped_routines() -> list[str]:
    """Names of the routines shipped with the package."""
    return sorted(p.stem for p in data_dir().glob("*.yaml") if p.stem != "points")


def find_routine(spec: str) -> Path:
    """A routine path, or the shipped routine called ``spec``."""
    path = Path(spec)
    if path.is_file():
        return path
    if path.suffix == "" and (data_dir() / f"{spec}.yaml").is_file() and spec != "points":
        return data_dir() / f"{spec}.yaml"
    shipped = shipped_routines()
    raise UsageError(
        f"no routine file '{spec}' and no shipped routine of that name"
        f"{suggest(spec, shipped)}; shipped routines: {', '.join(shipped)}"
    )


def load_routine(path: Path, library: Library | None = None, content: str | None = None) -> Routine:
    """Validate a routine file against ``library``; every problem in it is reported at once.

    With ``content``, that text is validated as if it were the file at ``path`` (an editor's copy).
    """
    return load_routine_library(path, library, content)[0]


def load_routine_library(
    path: Path, library: Library | None = None, content: str | None = None
) -> tuple[Routine, Library]:
    """The routine at ``path`` (or ``content`` as that file) and the library its steps were
    checked against (``library``, by default the shipped and user points, with the routine's own
    ``points:``/``lexicon:`` on top)."""
    library = library if library is not None else assemble()
    reader = Reader(str(path))
    root = compose_file(path, content)
    top = reader.mapping(root, "routine", ROUTINE_KEYS, ("title", "steps")) or {}
    language = read_language(reader, top["language"]) if "language" in top else DEFAULT_LANGUAGE
    language = language or DEFAULT_LANGUAGE
    library = library.overlay(read_library_sections(reader, top, "routine", language))
    text = {
        k: reader.text(top[k], k) for k in ("title", "artist", "album", "description") if k in top
    }
    lists = {k: tuple(reader.texts(top[k], k)) for k in ("intro", "safety", "outro") if k in top}
    steps: list[AnyStep] = []
    if "steps" in top:
        items = reader.sequence(top["steps"], "steps")
        if isinstance(top["steps"], yaml.SequenceNode) and not items:
            reader.error(top["steps"], "steps: the routine has no steps")
        for index, node in enumerate(items, 1):
            step = _step(reader, node, index, library, language)
            if step is not None:
                steps.append(step)
    settings, origins = read_settings(reader, top, language)
    reader.raise_if_any()
    return Routine(
        name=path.stem,
        title=text.get("title") or path.stem,
        artist=text.get("artist") or "audio-guide",
        album=text.get("album") or "audio-guide routines",
        description=text.get("description") or "",
        intro=lists.get("intro", ()),
        safety=lists.get("safety", ()),
        steps=tuple(steps),
        outro=lists.get("outro", ()),
        source=str(path),
        settings=settings,
        settings_origins=origins,
        lexicon=tuple(library.lexicon_for(language).items()),
        language=language,
    ), library


def _step(
    reader: Reader, node: yaml.Node, index: int, library: Library, language: str
) -> AnyStep | None:
    points = library.points
    where = f"step {index}"
    fields = reader.mapping(node, where, STEP_KEYS)
    if fields is None:
        return None
    if "point" not in fields:
        return other_step(reader, node, fields, where, language)
    point_step_extras(reader, fields, where)
    point = None
    if "point" in fields:
        name = reader.text(fields["point"], f"{where}.point")
        found = lookup(points, name) if name is not None else []
        if len(found) == 1:
            point = _in_language(reader, fields["point"], where, found[0], library, language)
        elif found:
            reader.error(
                fields["point"],
                f"{where}: '{name}' names {len(found)} points "
                f"({', '.join(p.id for p in found)}); use the id",
            )
        elif name is not None:
            reader.error(
                fields["point"],
                f"{where}: unknown point '{name}'{suggest(name, spellings(points))}; "
                "list the library with 'audio-guide points', or define it in the routine's "
                "'points:' section",
            )
    work = read_work(reader, node, fields, where)
    sides, find, say = read_tail(reader, fields, where, point.sides if point else Sides.TOGETHER)
    phrases, repetitions = read_words(reader, fields, where, work, language)
    if point is not None and not point.bilateral and sides is not Sides.TOGETHER:
        reader.error(
            fields.get("sides", node),
            f"{where}: {point.name} is a single point on the midline (bilateral: false); "
            "it has no left and right, so leave out 'sides'",
        )
    if point is None or work is None:
        return None
    return Step(
        point=point,
        work=work,
        sides=sides,
        find=find,
        say=say,
        origin=reader.origin(node),
        phrases=phrases,
        repetitions=repetitions,
    )


def _in_language(
    reader: Reader, node: yaml.Node, where: str, point: Point, library: Library, language: str
) -> Point | None:
    """``point`` with its texts in the routine's ``language``; else a problem at ``node``."""
    found = point.in_language(language)
    if found is None:
        has = ", ".join(f"'{code}'" for code in point.languages())
        reader.error(
            node,
            f"{where}: {point.name} has no text in the routine's language '{language}' "
            f"(only {has}; {describe(point, library.layer_of[point.id])}); give its texts under "
            f"'translations: {{{language}: {{{point.id}: ...}}}}' in a point file, or define "
            "it in the routine's 'points:'",
        )
    return found


def check_overrides(routine: Routine, settings: Settings, origins: dict[str, str]) -> None:
    """Refuse hold/cycles overrides naming no step of ``routine`` or the other kind of work."""
    steps = {s.point.id: s for s in routine.steps if isinstance(s, Step)}
    problems = []
    for name, kind in (("holds", Hold), ("cycles", Cycles)):
        overrides: tuple[tuple[str, object], ...] = getattr(settings, name)
        for pid, _ in overrides:
            step = steps.get(pid)
            if step is None:
                why = (
                    f"the routine has no point '{pid}'{suggest(pid, steps)}; "
                    f"its points: {', '.join(steps)}"
                )
            elif isinstance(step.work, Phased):
                why = f"{pid} is worked in phases here; change its phases in the routine file"
            elif not isinstance(step.work, kind):
                why = (
                    f"{pid} is worked in press/release cycles here; use --cycles {pid}=P/R/TIMES"
                    if kind is Hold
                    else f"{pid} is a steady hold here; use --hold {pid}=SECONDS"
                )
            else:
                continue
            source = origins.get(f"{name}.{pid}", "?")
            problems.append(f"{name} override for {pid} (from {source}): {why}")
    if problems:
        raise UsageError("\n".join(problems))


def resolve_overrides(routine: Routine, layers: list[Layer]) -> list[Layer]:
    """``layers`` with hold/cycles overrides keyed by the id of the step point they name.

    An override names a point as a step does (id, WHO code or written name, case and spaces
    ignored), so ``--hold BL40=45`` reaches the step on B54. Names matching no step are kept
    for ``check_overrides`` to report.
    """
    points = {s.point.id: s.point for s in routine.steps if isinstance(s, Step)}

    def rekey(pid: str) -> str:
        found = lookup(points, pid)
        return found[0].id if len(found) == 1 else pid

    out = []
    for layer in layers:
        values, where = dict(layer.values), dict(layer.where)
        for name in ("holds", "cycles"):
            given = layer.values.get(name)
            if not isinstance(given, dict):
                continue
            values[name] = {rekey(pid): value for pid, value in given.items()}
            for pid in given:
                if f"{name}.{pid}" in where:
                    where[f"{name}.{rekey(pid)}"] = where.pop(f"{name}.{pid}")
        out.append(Layer(layer.source, values, where))
    return out


def check(path: Path, library: Library | None = None, content: str | None = None) -> Routine:
    """Validate the routine at ``path`` (or ``content`` as that file) against ``library``
    (default: shipped + user points)."""
    return load_routine(path, library, content)
