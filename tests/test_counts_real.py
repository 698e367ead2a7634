"""Every count the count style asks for is spoken, on its second, before the next sound: every
shipped routine at rates 80, 120, 150, the default and 220 with espeak-ng (Piper:
``test_piper_real.py``), and on the decoded MP3 of back_pain at 80 wpm.
"""

from __future__ import annotations

import io
import itertools
import json
from typing import Any

import pytest
from audio_checks import count_timing, decode, onsets

from audio_guide.authoring.effective import effective_settings
from audio_guide.authoring.phrases import phrases_dir
from audio_guide.authoring.script import Clock, compile_script
from audio_guide.build import load, make_plan
from audio_guide.cli import main
from audio_guide.layers import Layer
from audio_guide.schedule import MIN_GAP
from audio_guide.sound import fit as tsm
from audio_guide.sound.synth import ClipCache, default_cache_dir
from audio_guide.timeline import EventKind, Role, Timeline

pytestmark = pytest.mark.real

ROUTINES = ["back_pain", "back_pain_es", "neck_shoulders"]
RATES = [80, 120, 150, None, 220]


def asked(spec: str, values: dict[str, object]) -> list[str]:
    """The spoken text of every count the count style asks for, in time order."""
    routine = load(spec)
    settings, _ = effective_settings(routine, [Layer("test", values)])
    script = compile_script(routine, settings)
    return [
        c.spoken or c.text
        for item in script.items
        if isinstance(item, Clock)
        for c in sorted(item.cues, key=lambda c: c.at)
        if c.role is Role.COUNT
    ]


def check(tl: Timeline, want: list[str]) -> None:
    """Every asked count spoken, on a whole second of its hold, ended MIN_GAP before the next
    spoken sound; at most MAX_SPEEDUP of time-compression; nothing thinned or skipped."""
    counts = [e for e in tl.events if e.role is Role.COUNT]
    assert [e.voiced for e in counts] == want
    assert tl.skipped_counts == 0 and tl.thinned == ()
    spoken = sorted((e for e in tl.events if e.kind is EventKind.SPEECH), key=lambda e: e.start)
    for a, b in itertools.pairwise(spoken):
        assert b.start - a.end >= MIN_GAP - 1e-6, (a, b)
    sr = tl.sample_rate
    for e in counts:
        hold = next(h for h in tl.holds if h.start < e.start < h.end and h.side == e.side)
        assert round((e.start - hold.start) * sr) % sr == 0, (e, hold)
    assert all((e.speedup or 1.0) <= tsm.MAX_SPEEDUP for e in tl.events)


def rate_values(rate: int | None) -> dict[str, object]:
    return {} if rate is None else {"rate": rate}


@pytest.mark.parametrize("rate", RATES, ids=lambda r: f"rate{r or 'default'}")
@pytest.mark.parametrize("spec", ROUTINES)
def test_espeak_speaks_every_count(spec: str, rate: int | None) -> None:
    """With the test process's clip cache (``$AUDIO_GUIDE_CACHE``), which the CLI builds use
    too: the 80 wpm build below reuses the sweep's clips, and a sweep at the default rate reuses
    the clips of other files' builds in the same process."""
    cache = ClipCache(default_cache_dir())
    values = {"engine": "pyttsx3", **rate_values(rate)}
    routine = load(spec)
    settings, origins = effective_settings(routine, [Layer("test", values)])
    tl = make_plan(routine, settings, origins, cache).timeline
    check(tl, asked(spec, values))
    if rate in (80, 120):
        assert any(e.rate for e in tl.events if e.role is Role.COUNT), "a count rate is used"


@pytest.fixture(scope="module")
def slow(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """back_pain at 80 wpm, built to MP3 and decoded."""
    out_dir = tmp_path_factory.mktemp("slow")
    mp3 = out_dir / "back_pain.mp3"
    err = io.StringIO()
    assert main(["build", "back_pain", "--rate", "80", "-o", str(mp3)], io.StringIO(), err) == 0
    assert "warning" not in err.getvalue()
    timeline = json.loads((out_dir / "back_pain.timeline.json").read_text())
    sr = timeline["sample_rate"]
    audio = decode(mp3, sr)
    return {"timeline": timeline, "audio": audio, "sr": sr,
            "onsets": onsets(audio, sr, threshold_db=-40.0)}  # fmt: skip


def test_decoded_counts_at_80_wpm_are_on_their_seconds_and_apart(slow: dict[str, Any]) -> None:
    tl = slow["timeline"]
    counts = [e for e in tl["events"] if e["role"] == "count"]
    assert len(counts) == 346 and tl["skipped_counts"] == 0
    assert {e.get("rate") for e in counts} == {160}  # espeak-ng's English count rate
    worst, quiet = count_timing(tl, slow["audio"], slow["sr"], slow["onsets"])
    assert worst <= 0.010, f"a count is {worst * 1000:.1f} ms off its second"
    assert quiet >= 0.040, f"only {quiet * 1000:.0f} ms of quiet after a count"


def test_the_shipped_routines_are_the_ones_swept() -> None:
    names = sorted(p.stem for p in phrases_dir().parent.glob("*.yaml") if p.stem != "points")
    assert names == sorted(ROUTINES)
