"""Load and validate the point library and a routine file into ``model`` objects."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import yaml

from audio_guide.authoring.config import read_cycles, read_settings, read_value
from audio_guide.authoring.yamlread import Reader, compose_file, suggest
from audio_guide.errors import UsageError
from audio_guide.model import Cycles, Hold, Point, Routine, Sides, Step, Work
from audio_guide.settings import Settings

POINT_KEYS = (
    "name",
    "who",
    "title",
    "region",
    "location",
    "method",
    "alternative",
    "purpose",
    "cautions",
    "bilateral",
    "sides",
)
POINT_REQUIRED = ("name", "who", "title", "region", "location", "method", "purpose")
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
)
STEP_KEYS = ("point", "hold", "cycles", "sides", "find", "say")


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


def load_points(path: Path | None = None) -> dict[str, Point]:
    """Read the point library (the shipped ``points.yaml`` by default)."""
    path = path or data_dir() / "points.yaml"
    reader = Reader(str(path))
    root = compose_file(path)
    top = reader.mapping(root, "point library", ("points",), ("points",))
    points: dict[str, Point] = {}
    table = reader.mapping(
        top.get("points") if top else None, "points", _any_keys(top.get("points") if top else None)
    )
    for pid, node in (table or {}).items():
        fields = reader.mapping(node, f"point {pid}", POINT_KEYS, POINT_REQUIRED)
        if fields is None:
            continue
        text = {k: reader.text(fields[k], f"{pid}.{k}") for k in POINT_REQUIRED if k in fields}
        alternative = (
            reader.text(fields["alternative"], f"{pid}.alternative")
            if ("alternative" in fields)
            else None
        )
        cautions = (
            tuple(reader.texts(fields["cautions"], f"{pid}.cautions"))
            if ("cautions" in fields and _non_empty(fields["cautions"]))
            else ()
        )
        sides = Sides.TOGETHER
        if "sides" in fields:
            sides = Sides(
                reader.choice(fields["sides"], f"{pid}.sides", ("together", "each")) or "together"
            )
        bilateral = True
        if "bilateral" in fields:
            node_b = fields["bilateral"]
            bilateral = getattr(node_b, "value", "") in ("true", "True", "yes")
        if any(v is None for v in text.values()) or len(text) < len(POINT_REQUIRED):
            continue
        points[pid] = Point(
            id=pid,
            alternative=alternative,
            cautions=cautions,
            bilateral=bilateral,
            sides=sides,
            **text,  # type: ignore[arg-type]
        )
    reader.raise_if_any()
    return points


def _any_keys(node: yaml.Node | None) -> list[str]:
    if isinstance(node, yaml.MappingNode):
        return [k.value for k, _ in node.value if isinstance(k, yaml.ScalarNode)]
    return []


def _non_empty(node: yaml.Node) -> bool:
    return not (isinstance(node, yaml.SequenceNode) and not node.value)


def load_routine(path: Path, points: dict[str, Point] | None = None) -> Routine:
    """Validate a routine file; every problem in it is reported at once."""
    points = points if points is not None else load_points()
    reader = Reader(str(path))
    root = compose_file(path)
    top = reader.mapping(root, "routine", ROUTINE_KEYS, ("title", "steps")) or {}
    text = {
        k: reader.text(top[k], k) for k in ("title", "artist", "album", "description") if k in top
    }
    lists = {k: tuple(reader.texts(top[k], k)) for k in ("intro", "safety", "outro") if k in top}
    steps: list[Step] = []
    if "steps" in top:
        items = reader.sequence(top["steps"], "steps")
        if isinstance(top["steps"], yaml.SequenceNode) and not items:
            reader.error(top["steps"], "steps: the routine has no steps")
        for index, node in enumerate(items, 1):
            step = _step(reader, node, index, points)
            if step is not None:
                steps.append(step)
    settings, origins = read_settings(reader, top)
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
    )


def _step(reader: Reader, node: yaml.Node, index: int, points: dict[str, Point]) -> Step | None:
    where = f"step {index}"
    fields = reader.mapping(node, where, STEP_KEYS, ("point",))
    if fields is None:
        return None
    point = None
    if "point" in fields:
        pid = reader.text(fields["point"], f"{where}.point")
        if pid is not None:
            point = points.get(pid) or points.get(pid.replace(" ", "").upper())
            if point is None:
                reader.error(
                    fields["point"],
                    f"{where}: unknown point '{pid}'"
                    f"{suggest(pid, points)}; known points: {', '.join(points)}",
                )
    work: Work | None = None
    if "hold" in fields and "cycles" in fields:
        reader.error(fields["cycles"], f"{where}: give either 'hold' or 'cycles', not both")
    elif "hold" in fields:
        seconds = read_value(reader, fields["hold"], f"{where}.hold", "hold")
        work = Hold(float(seconds)) if seconds is not None else None  # type: ignore[arg-type]
    elif "cycles" in fields:
        work = read_cycles(reader, fields["cycles"], f"{where}.cycles")
    else:
        reader.error(
            node,
            f"{where}: say how to work the point: 'hold: SECONDS' or "
            "'cycles: {press: S, release: S, times: N}'",
        )
    sides = point.sides if point else Sides.TOGETHER
    if "sides" in fields:
        chosen = reader.choice(fields["sides"], f"{where}.sides", [s.value for s in Sides])
        sides = Sides(chosen) if chosen else sides
    find = None
    if "find" in fields:
        find = reader.number(fields["find"], f"{where}.find", 0, 120, low_inclusive=True)
    say = tuple(reader.texts(fields["say"], f"{where}.say")) if "say" in fields else ()
    if point is None or work is None:
        return None
    return Step(point=point, work=work, sides=sides, find=find, say=say, origin=reader.origin(node))


def check_overrides(routine: Routine, settings: Settings, origins: dict[str, str]) -> None:
    """Refuse hold/cycles overrides naming no step of ``routine`` or the other kind of work."""
    steps = {s.point.id: s for s in routine.steps}
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


def check(path: Path) -> Routine:
    """Load the shipped point library, then validate the routine at ``path`` against it."""
    return load_routine(path, load_points())
