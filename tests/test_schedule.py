"""Clock properties of the scheduler, with the deterministic fake engine."""

from __future__ import annotations

import functools
import itertools
from pathlib import Path

import pytest

from audio_guide.authoring.effective import effective_settings
from audio_guide.build import load, make_plan
from audio_guide.layers import Layer
from audio_guide.schedule import MIN_GAP
from audio_guide.sound import chime
from audio_guide.sound.engines.fake import FakeEngine
from audio_guide.sound.synth import ClipCache
from audio_guide.timeline import EventKind, Role, Timeline


def plan_for(spec: str, **values: object) -> Timeline:
    """The timeline of ``spec`` with ``values``, planned once per module (a frozen value)."""
    return _plan(spec, tuple(sorted(values.items())))


@functools.cache
def _plan(spec: str, values: tuple[tuple[str, object], ...]) -> Timeline:
    routine = load(spec)
    layer = Layer("test", {"engine": "fake", **dict(values)})
    settings, origins = effective_settings(routine, [layer])
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
def test_spoken_sounds_never_overlap(rate: int) -> None:
    tl = plan_for("back_pain", rate=rate, tick=1)
    spoken = sorted((e for e in tl.events if e.kind is EventKind.SPEECH), key=lambda e: e.start)
    for a, b in itertools.pairwise(spoken):
        assert b.start - a.end >= MIN_GAP - 1e-9, (a, b)
    assert tl.duration >= max(e.end for e in tl.events)


@pytest.mark.parametrize("tick", [0, 1, 5])
def test_bells_share_the_onsets_of_press_and_release_and_ticks_sit_on_seconds(tick: int) -> None:
    tl = plan_for("back_pain", tick=tick)
    at = {(samples(e.start, tl), e.kind, e.role, e.text) for e in tl.events}
    for hold in tl.holds:
        start, end = samples(hold.start, tl), samples(hold.end, tl)
        assert (start, EventKind.CHIME, Role.PRESS, chime.BELL_START) in at
        assert (end, EventKind.CHIME, Role.RELEASE, chime.BELL_END) in at
        ticks = sorted(s for s, k, r, _ in at if r is Role.TICK and start < s < end)
        expected = [start + t * tl.sample_rate for t in range(tick, int(hold.seconds), tick or 1)]
        assert ticks == (expected if tick else [])
    for bell in (e for e in tl.events if e.text == chime.BELL_END):
        rung_over = [
            e for e in tl.events if e.kind is EventKind.SPEECH and bell.start < e.start < bell.end
        ]
        assert rung_over == [], "speech after a release waits for the bell to ring out"


def test_no_chime_leaves_only_speech() -> None:
    tl = plan_for("back_pain", chime=False)
    assert {e.kind for e in tl.events} == {EventKind.SPEECH}
    assert tl.holds


def test_slow_speech_keeps_every_count_without_drift() -> None:
    fast = plan_for("back_pain", rate=400)
    slow = plan_for("back_pain", rate=80)
    n_fast = sum(e.role is Role.COUNT for e in fast.events)
    n_slow = sum(e.role is Role.COUNT for e in slow.events)
    assert slow.skipped_counts == fast.skipped_counts == 0 and n_slow == n_fast == 346
    assert {e.rate for e in slow.events if e.role is Role.COUNT} == {150}
    assert {e.rate for e in fast.events} == {None}
    assert [h.seconds for h in slow.holds] == [h.seconds for h in fast.holds]


def test_speech_length_never_stretches_a_hold(tmp_path: Path) -> None:
    a = plan_for("back_pain", rate=400)
    b = plan_for("back_pain", rate=80)
    assert [round(h.end - h.start, 6) for h in a.holds] == [
        round(h.end - h.start, 6) for h in b.holds
    ]
    assert b.duration > a.duration
