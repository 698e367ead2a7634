"""What the endpoints answer, as plain data: validation, the plan, a profile's values, and a
build's progress as server-sent events."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

from audio_guide import build as pipeline
from audio_guide.authoring.phrases import load_phrases
from audio_guide.errors import RoutineError
from audio_guide.model import Cycles, Hold, Routine, Step
from audio_guide.outputs.picture import picture_bytes
from audio_guide.outputs.report import count_warnings, fmt_time
from audio_guide.settings import cycles_text
from audio_guide.sound.synth import ClipCache, default_cache_dir
from audio_guide.studio import controls
from audio_guide.studio.api import STUDIO, Chosen, problems_of, routine_from
from audio_guide.studio.jobs import ENDED, Job
from audio_guide.studio.workspace import Workspace
from audio_guide.words import fmt


def steps(routine: Routine) -> list[dict[str, object]]:
    """The steps whose hold or cycles a ``--hold``/``--cycles`` override can change."""
    rows: list[dict[str, object]] = []
    for s in routine.steps:
        if not isinstance(s, Step) or not isinstance(s.work, (Hold, Cycles)):
            continue
        hold = isinstance(s.work, Hold)
        rows.append(
            {
                "point": s.point.id,
                "title": s.point.title,
                "work": "hold" if hold else "cycles",
                "value": fmt(s.work.seconds) if isinstance(s.work, Hold) else cycles_text(s.work),
            }
        )
    return rows


async def events(job: Job, every: float = 0.1) -> AsyncIterator[str]:
    """The build's progress as server-sent events: a snapshot whenever it changes, until it
    ends (the last event carries the timeline and files)."""
    last = None
    while True:
        snap = job.snapshot()
        shown = json.dumps(snap)
        if shown != last:
            yield f"data: {shown}\n\n"
            last = shown
        if snap["state"] in ENDED:
            return
        await asyncio.sleep(every)


def validation(
    workspace: Workspace, ref: object, text: str, points: object = ()
) -> dict[str, object]:
    try:
        data = {"routine": {"ref": ref, "text": text}, "points": points or []}
        routine = routine_from(data, workspace)
    except RoutineError as exc:
        return {"ok": False, "problems": problems_of(exc)}
    return {"ok": True, "problems": [], "name": routine.name, "steps": steps(routine)}


def make_plan(pick: Chosen) -> pipeline.Plan:
    return pipeline.make_plan(
        pick.routine, pick.settings, pick.origins, ClipCache(default_cache_dir())
    )


def plan(pick: Chosen) -> dict[str, object]:
    made = make_plan(pick)
    timeline = made.timeline
    return {
        "name": pick.routine.name,
        "title": timeline.title,
        "duration": timeline.duration,
        "length": fmt_time(timeline.duration),
        "skipped_counts": timeline.skipped_counts,
        "filled": sum(1 for e in timeline.events if e.filled),
        "count_warnings": count_warnings(timeline),
        "chapters": [c.as_dict() for c in timeline.chapters],
        "holds": len(timeline.holds),
        "settings": controls.settings_texts(pick.settings),
        "origins": pick.origins,
        "steps": steps(pick.routine),
        "language": pick.routine.language,
        "phrase_defaults": dict(load_phrases(pick.routine.language).texts),
        "svg": picture_bytes(timeline, "svg").decode("utf-8"),
    }


def profile_values(pick: Chosen) -> dict[str, object]:
    """Every setting the page or the default profile chose (not the routine's own, not defaults):
    with the routine and the default profile beneath it, ``build --profile`` gives the same."""

    def chosen_here(key: str) -> bool:
        origin = pick.origins.get(key, "")
        return origin == STUDIO or origin.startswith("default profile")

    values: dict[str, object] = {}
    for key in pick.origins:
        name, _, pid = key.partition(".")
        if not chosen_here(key):
            continue
        if pid:
            per_point = dict(getattr(pick.settings, name))
            values.setdefault(name, {})[pid] = per_point[pid]  # type: ignore[index]
        else:
            values[name] = getattr(pick.settings, name)
    return values
