"""A deterministic stand-in engine for tests: tones whose length follows the text and rate."""

from __future__ import annotations

import hashlib
from typing import ClassVar

import numpy as np

from audio_guide.errors import UsageError
from audio_guide.sound.engines import Samples, VoiceInfo, VoiceParams
from audio_guide.sound.engines.voices import resolve

_VOICES = [
    VoiceInfo("fake/en-us", "Fake (America)", ("en-us", "en"), "Male"),
    VoiceInfo("fake/en-gb", "Fake (Britain)", ("en-gb",), "Female"),
    VoiceInfo("fake/es", "Fake (Spain)", ("es",), "Male"),
    VoiceInfo("fake/de", "Fake (Germany)", ("de",), "Female"),
]


class FakeEngine:
    """Every character lasts 60 ms at 175 wpm; 40 ms of leading and 200 ms of trailing silence."""

    name = "fake"
    sample_rate = 22050
    supports_pitch = True
    variants: ClassVar[list[str]] = ["f1", "m1"]
    count_rates: ClassVar[dict[str, int]] = {"*": 150}
    """Counts fit at any rate here ("59" lasts 0.26 s at 80 wpm); the table makes tests take the
    count-rate path (``fitting.py``) below 150 wpm, where "Press again." would not fit."""

    def version(self) -> str:
        """Fixed: the fake output never changes."""
        return "fake-1"

    def voices(self) -> list[VoiceInfo]:
        """Two fake voices."""
        return list(_VOICES)

    def cache_identity(self, params: VoiceParams) -> str:
        """Nothing beyond engine, version and settings shapes the sound."""
        return ""

    def resolve_voice(self, spec: str) -> str:
        """See ``SpeechEngine.resolve_voice``."""
        return resolve(spec, _VOICES, self.variants)

    def synthesize(self, text: str, params: VoiceParams) -> Samples:
        """A tone burst; frequency from voice and pitch, amplitude from volume."""
        if not text.strip():
            raise UsageError("nothing to say")
        sr = self.sample_rate
        seconds = 0.06 * len(text.strip()) * 175.0 / params.rate
        n = max(int(seconds * sr), int(0.05 * sr))
        digest = hashlib.sha256(params.voice.encode()).digest()
        freq = 180.0 + digest[0] + 2.0 * params.pitch
        t = np.arange(n) / sr
        envelope = np.minimum(1.0, np.minimum(t / 0.005, (n - np.arange(n)) / (0.01 * sr)))
        tone = 0.5 * params.volume * envelope * np.sin(2 * np.pi * freq * t)
        body = np.round(tone * 32767).astype(np.int16)
        lead = np.zeros(int(0.04 * sr), dtype=np.int16)
        tail = np.zeros(int(0.2 * sr), dtype=np.int16)
        return np.concatenate([lead, body, tail])
