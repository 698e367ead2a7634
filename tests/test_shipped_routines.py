"""The shipped routines build from the shipped library alone, with the fake engine."""

from __future__ import annotations

import yaml
from conftest import ROOT

from audio_guide.build import effective_settings, load, make_plan
from audio_guide.model import Phased, Step
from audio_guide.settings import Layer
from audio_guide.sound.engines.fake import FakeEngine
from audio_guide.sound.synth import ClipCache
from audio_guide.timeline import Role


def test_neck_shoulders_uses_only_library_points_and_opens_with_breathing() -> None:
    raw = yaml.safe_load((ROOT / "scripts_data" / "neck_shoulders.yaml").read_text("utf-8"))
    assert "points" not in raw, "the shipped routine must need no point file"
    routine = load("neck_shoulders")
    first = routine.steps[0]
    assert isinstance(first, Step) and isinstance(first.work, Phased)
    assert [p.seconds for p in first.work.phases] == [4, 4, 6]
    point_ids = [s.point.id for s in routine.steps if isinstance(s, Step) and not s.inline]
    assert {"GB20", "GB21", "LI4"} <= set(point_ids)
    settings, origins = effective_settings(routine, [Layer("test", {"engine": "fake"})])
    plan = make_plan(routine, settings, origins, ClipCache(None), engine=FakeEngine())
    sides = {(h.point, h.side.value) for h in plan.timeline.holds}
    assert {("GB21", "left"), ("GB21", "right"), ("LI4", "left"), ("LI4", "right")} <= sides
    chapters = [c.title for c in plan.timeline.chapters]
    assert any(t.startswith("GB 20") for t in chapters)
    assert any(e.role is Role.CAUTION for e in plan.timeline.events)
