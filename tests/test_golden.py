"""Compiler golden files: fixture routine -> expected timeline JSON, with the fake engine.

Regenerate after an intended change with ``UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py``
and review the diff.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from conftest import FIXTURES

from audio_guide.authoring.effective import effective_settings
from audio_guide.build import load, make_plan
from audio_guide.layers import Layer
from audio_guide.sound.engines.fake import FakeEngine
from audio_guide.sound.synth import ClipCache

GOLDEN = FIXTURES / "golden"
ROUTINES = sorted(GOLDEN.glob("*.yaml"))


def compile_fixture(path: Path) -> dict[str, object]:
    routine = load(str(path))
    settings, origins = effective_settings(routine, [Layer("test", {"engine": "fake"})])
    plan = make_plan(routine, settings, origins, ClipCache(None), engine=FakeEngine())
    data = plan.timeline.as_dict()
    return json.loads(json.dumps(data))


@pytest.mark.parametrize("path", ROUTINES, ids=[p.stem for p in ROUTINES])
def test_golden_timeline(path: Path) -> None:
    expected_path = path.with_suffix(".timeline.json")
    actual = compile_fixture(path)
    if os.environ.get("UPDATE_GOLDEN") or not expected_path.exists():
        expected_path.write_text(json.dumps(actual, indent=2, ensure_ascii=False) + "\n")
        if not os.environ.get("UPDATE_GOLDEN"):
            pytest.fail(f"wrote missing golden file {expected_path.name}; review and commit it")
    expected = json.loads(expected_path.read_text())
    assert actual == expected


def test_there_are_golden_fixtures() -> None:
    assert len(ROUTINES) >= 3
