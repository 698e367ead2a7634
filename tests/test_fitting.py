"""The fitting stage with the fake engine: every count fits its second, by a count rate, by
time-compression (given clips), and only beyond the limit by counting every 2nd second."""

from __future__ import annotations

import io
import itertools
import json
from dataclasses import replace
from pathlib import Path
from typing import ClassVar

import numpy as np
import pytest

from audio_guide import fitting, registry
from audio_guide.authoring.effective import effective_settings
from audio_guide.authoring.script import Script, compile_script
from audio_guide.build import load, make_plan
from audio_guide.cli import main
from audio_guide.layers import Layer
from audio_guide.schedule import MIN_GAP
from audio_guide.settings import CountStyle
from audio_guide.sound import fit as tsm
from audio_guide.sound.engines import Samples, VoiceParams, count_rate_for, register
from audio_guide.sound.engines.fake import FakeEngine
from audio_guide.sound.synth import ClipCache
from audio_guide.timeline import EventKind, Role, Timeline

pytest.importorskip("pedalboard", reason="time-stretching needs the 'fit' extra (pedalboard)")

SHORT = """\
title: Fitting
steps:
  - point: LI4
    cycles: {press: 6, release: 3, times: 2}
  - point: TE3
    hold: 12
"""


GO = 'phrases: {press: "Go.", press_again: "Go.", '
"""Cues short enough to fit before count 1 as given (the counts are what is tested)."""


class GivenClips(FakeEngine):
    """Clips that do not follow the rate (like a recorded voice): 60 wpm whatever is asked."""

    name = "given"
    count_rates: ClassVar[dict[str, int]] = {}

    def synthesize(self, text: str, params: VoiceParams) -> Samples:
        return super().synthesize(text, replace(params, rate=60))


def plan(
    spec: str | Path, engine: FakeEngine, cache: ClipCache | None = None, **values: object
) -> Timeline:
    routine = load(str(spec))
    settings, origins = effective_settings(routine, [Layer("test", {"engine": "fake", **values})])
    return make_plan(routine, settings, origins, cache or ClipCache(None), engine=engine).timeline


def asked(spec: str | Path, **values: object) -> list[str]:
    """The counts the count style asks for, from the fast voice (where every count fits)."""
    tl = plan(spec, FakeEngine(), rate=400, **values)
    return [e.text for e in tl.events if e.role is Role.COUNT]


def check_every_count_fits(tl: Timeline) -> None:
    spoken = sorted((e for e in tl.events if e.kind is EventKind.SPEECH), key=lambda e: e.start)
    for a, b in itertools.pairwise(spoken):
        assert b.start - a.end >= MIN_GAP - 1e-9, (a, b)
    for e in tl.events:
        if e.role is Role.COUNT:
            hold = next(h for h in tl.holds if h.start < e.start < h.end and h.side == e.side)
            assert abs((e.start - hold.start) - round(e.start - hold.start)) < 1e-6, e


def test_engines_declare_a_count_rate_or_none() -> None:
    assert count_rate_for(FakeEngine(), "de") == 150
    assert count_rate_for(GivenClips(), "en") is None


def test_counts_take_the_engines_count_rate_scaled_to_their_slot(tmp_path: Path) -> None:
    tl = plan("back_pain", FakeEngine(), rate=80, count=CountStyle.parse("every:2"))
    counts = [e for e in tl.events if e.role is Role.COUNT]
    assert counts and {e.rate for e in counts} == {None}  # 1.92 s slots: the sentence rate
    tl = plan("back_pain", FakeEngine(), rate=80)
    assert {e.rate for e in tl.events if e.role is Role.COUNT} == {150}
    # "Press again." lasts 1.58 s at 80 wpm: it runs into count 1 unless said faster too
    again = [e for e in tl.events if e.text == "Press again."]
    assert again and {e.rate for e in again} == {150}
    check_every_count_fits(tl)


def test_given_clips_are_time_compressed_within_the_limit(tmp_path: Path) -> None:
    spec = tmp_path / "r.yaml"
    spec.write_text(SHORT + GO + 'count: "{n} sec"}\n', encoding="utf-8")
    tl = plan(spec, GivenClips())
    counts = [e for e in tl.events if e.role is Role.COUNT]
    assert [e.text for e in counts] == asked(spec)
    assert tl.skipped_counts == 0 and not tl.thinned
    ups = {e.text: e.speedup for e in counts}
    assert ups["1 sec"] is None  # 0.875 s fits 0.92 s as given
    assert ups["10 sec"] is not None and 1.1 < ups["10 sec"] <= tsm.MAX_SPEEDUP
    assert all(e.rate is None for e in tl.events)
    check_every_count_fits(tl)


def test_fitted_clips_are_cached_and_the_plan_repeats(tmp_path: Path) -> None:
    spec = tmp_path / "r.yaml"
    spec.write_text(SHORT + GO + 'count: "{n} sec"}\n', encoding="utf-8")
    cache = ClipCache(tmp_path / "cache")
    first = plan(spec, GivenClips(), cache)
    stored = sorted(p.name for p in (tmp_path / "cache").rglob("*.wav"))
    again = plan(spec, GivenClips(), cache)
    assert sorted(p.name for p in (tmp_path / "cache").rglob("*.wav")) == stored
    assert first.as_dict() == again.as_dict()


def test_beyond_the_limit_a_hold_counts_every_2nd_second_with_a_warning(
    tmp_path: Path,
) -> None:
    spec = tmp_path / "r.yaml"
    spec.write_text(SHORT + GO + 'count: "{n} seconds"}\n', encoding="utf-8")
    tl = plan(spec, GivenClips())
    assert [(t.step, t.point, t.side.value, t.every) for t in tl.thinned] == [
        (f"{spec}:3:5", "LI4", "left", 2),
        (f"{spec}:3:5", "LI4", "right", 2),
        (f"{spec}:5:5", "TE3", "left", 2),
        (f"{spec}:5:5", "TE3", "right", 2),
    ]
    for hold in (h for h in tl.holds if h.point == "TE3"):
        te3 = [
            e
            for e in tl.events
            if e.role is Role.COUNT and e.point == "TE3" and e.side == hold.side
        ]
        assert [round(e.start - hold.start) for e in te3] == [2, 4, 6, 8, 10]
    assert tl.skipped_counts == sum(t.dropped for t in tl.thinned) > 0
    assert len(asked(spec)) == tl.skipped_counts + sum(e.role is Role.COUNT for e in tl.events)
    check_every_count_fits(tl)
    assert tl.as_dict()["thinned_counts"][0]["every"] == 2


def test_plan_prints_the_thinning_warning_at_the_step(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = tmp_path / "r.yaml"
    spec.write_text(SHORT + GO + 'count: "{n} seconds"}\n', encoding="utf-8")
    # registered for this test only: the engine list (and the schema built from it) stays as shipped
    monkeypatch.setattr(registry, "ENGINES", dict(registry.ENGINES))
    register("given", GivenClips)
    out, err = io.StringIO(), io.StringIO()
    assert main(["plan", str(spec), "--engine", "given", "--json"], out, err) == 0
    lines = err.getvalue().splitlines()
    assert len(lines) == 4 and all(line.startswith(f"{spec}:") for line in lines), lines
    assert lines[0].startswith(f"{spec}:3:5: warning: LI4 (left): counting every 2 seconds")
    assert json.loads(out.getvalue())["skipped_counts"] == 24
    # the fake speaks at any rate: a count rate makes every count fit, nothing is thinned
    out, err = io.StringIO(), io.StringIO()
    assert main(["plan", str(spec), "--engine", "fake", "--rate", "80", "--json"], out, err) == 0
    assert err.getvalue() == "" and json.loads(out.getvalue())["skipped_counts"] == 0


def test_fit_shortens_speech_like_sound_and_refuses_beyond_the_limit() -> None:
    sr = 22050
    t = np.arange(int(0.8 * sr)) / sr
    clip = (8000 * np.sin(2 * np.pi * 220 * t) * np.hanning(len(t))).astype(np.int16)
    clip = clip[np.abs(clip) > 200]
    same = tsm.fit(clip, len(clip) + 10, sr)
    assert same is not None and same.speedup == 1.0 and same.samples is clip
    slot = int(len(clip) / 1.25)
    got = tsm.fit(clip, slot, sr)
    assert got is not None and len(got.samples) <= slot and 1.25 <= got.speedup <= 1.3
    assert tsm.fit(clip, int(len(clip) / 1.6), sr) is None


def test_slots_of_a_clock() -> None:
    routine = load("back_pain")
    settings, _ = effective_settings(routine, [Layer("t", {"engine": "fake"})])
    table = fitting.slots(compile_script(routine, settings))
    assert table["1"] == pytest.approx(1 - MIN_GAP)
    assert table["Press."] == pytest.approx(1 - MIN_GAP)
    assert "Release." not in table  # followed by a press cue or nothing: not fitted here


def test_a_cue_before_a_count_is_never_hurried_past_its_limit() -> None:
    """An announced repetition ("Press again. 2 of 3.") is said at most at the count rate or
    1.4x the sentence rate, and stretched at most to 1.4x of that; past it, the hold is
    counted every 2nd second rather than the cue gabbled."""
    for rate in (80, 160):
        tl = plan("back_pain", FakeEngine(), rate=rate, repetitions=True)
        counts_at = fitting.count_rate(FakeEngine(), "en", rate, script_of("back_pain"))
        limit = fitting.cue_rate_limit(rate, counts_at)
        for e in tl.events:
            if e.role is not Role.COUNT and e.rate is not None:
                assert e.rate <= limit, e
                assert e.rate * (e.speedup or 1.0) <= tsm.MAX_SPEEDUP * max(counts_at, rate) + 1e-6
        check_every_count_fits(tl)
        assert tl.skipped_counts == sum(t.dropped for t in tl.thinned)
        assert all(t.cause for t in tl.thinned)


def script_of(spec: str) -> Script:
    routine = load(spec)
    settings, _ = effective_settings(routine, [Layer("t", {"engine": "fake"})])
    return compile_script(routine, settings)
