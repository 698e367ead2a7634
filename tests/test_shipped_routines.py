"""The shipped routines build from the shipped library alone, with the fake engine."""

from __future__ import annotations

import io
from pathlib import Path

import yaml
from conftest import ROOT

from audio_guide.authoring.effective import effective_settings
from audio_guide.build import load, make_plan
from audio_guide.cli import main
from audio_guide.layers import Layer
from audio_guide.model import Phased, Step
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


def test_a_midline_point_is_found_as_one_point_and_has_no_sides(tmp_path: Path) -> None:
    ok = tmp_path / "crown.yaml"
    ok.write_text("title: Crown\nsteps:\n  - point: GV20\n    hold: 10\n", encoding="utf-8")
    routine = load(str(ok))
    settings, origins = effective_settings(routine, [Layer("test", {"engine": "fake"})])
    plan = make_plan(routine, settings, origins, ClipCache(None), engine=FakeEngine())
    finds = [e.text for e in plan.timeline.events if e.role is Role.FIND]
    assert finds and all("both sides" not in t for t in finds), finds
    assert all("Find the point now." in t for t in finds)

    bad = tmp_path / "crown_each.yaml"
    bad.write_text(
        "title: Crown\nsteps:\n  - point: GV20\n    hold: 10\n    sides: each\n", encoding="utf-8"
    )
    err = io.StringIO()
    assert main(["plan", str(bad), "--engine", "fake"], io.StringIO(), err) == 2
    assert f"{bad}:5:12: step 1: GV 20 is a single point on the midline" in err.getvalue()
