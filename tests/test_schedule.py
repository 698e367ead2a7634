"""Clock properties of the scheduler, with the deterministic fake engine."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from audio_guide.build import effective_settings, load, make_plan
from audio_guide.engines.fake import FakeEngine
from audio_guide.schedule import MIN_GAP
from audio_guide.settings import Layer
from audio_guide.synth import ClipCache
from audio_guide.timeline import Role, Timeline


def plan_for(spec: str, **values: object) -> Timeline:
    routine = load(spec)
    settings, origins = effective_settings(routine, [Layer("test", {"engine": "fake", **values})])
    return make_plan(routine, settings, origins, ClipCache(None), engine=FakeEngine()).timeline


def samples(t: float, tl: Timeline) -> int:
    return round(t * tl.sample_rate)


@pytest.mark.parametrize("rate", [80, 160, 400])
def test_holds_are_exact_and_counts_sit_on_ticks(rate: int) -> None:
    tl = plan_for("back_pain", rate=rate)
    assert tl.holds
    events = {(samples(e.start, tl), e.role): e for e in tl.events}
    for hold in tl.holds:
        start, end = samples(hold.start, tl), samples(hold.end, tl)
        assert end - start == round(hold.seconds * tl.sample_rate)
        assert (start, Role.PRESS) in events
        assert (end, Role.RELEASE) in events
    for e in tl.events:
        if e.role is Role.COUNT:
            hold = next(h for h in tl.holds if h.start < e.start < h.end and h.side == e.side)
            offset = samples(e.start, tl) - samples(hold.start, tl)
            assert offset % tl.sample_rate == 0, (e, hold)


@pytest.mark.parametrize("rate", [80, 160, 400])
def test_sounds_never_overlap(rate: int) -> None:
    tl = plan_for("back_pain", rate=rate)
    ordered = sorted(tl.events, key=lambda e: e.start)
    for a, b in itertools.pairwise(ordered):
        assert b.start - a.end >= MIN_GAP - 1e-9, (a, b)
    assert tl.duration >= ordered[-1].end


def test_slow_speech_counts_more_sparsely_without_drift() -> None:
    fast = plan_for("back_pain", rate=400)
    slow = plan_for("back_pain", rate=80)
    n_fast = sum(e.role is Role.COUNT for e in fast.events)
    n_slow = sum(e.role is Role.COUNT for e in slow.events)
    assert slow.skipped_counts > 0 and n_slow < n_fast
    assert n_slow + slow.skipped_counts == n_fast + fast.skipped_counts
    assert [h.seconds for h in slow.holds] == [h.seconds for h in fast.holds]


def test_speech_length_never_stretches_a_hold(tmp_path: Path) -> None:
    a = plan_for("back_pain", rate=400)
    b = plan_for("back_pain", rate=80)
    assert [round(h.end - h.start, 6) for h in a.holds] == [
        round(h.end - h.start, 6) for h in b.holds
    ]
    assert b.duration > a.duration
