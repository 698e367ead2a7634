"""Shared pieces of the voice-pack tests: WAV files of known content, packs made quickly."""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np
import numpy.typing as npt

from audio_guide import build as pipeline
from audio_guide.authoring.effective import effective_settings
from audio_guide.layers import Layer
from audio_guide.sound.engines import VoiceParams
from audio_guide.sound.engines.fake import FakeEngine
from audio_guide.sound.packs import Pack, create_pack
from audio_guide.sound.recording import recording_list

TINY = """title: Tiny
intro:
  - "Sit comfortably."
steps:
  - name: the hand
    location: The web of the hand.
    hold: 3
outro:
  - "That is all."
"""
"""A routine with few utterances (8 sentences, counts 1 and 2), for recording in a browser."""


def write_wav(path: Path, samples: npt.ArrayLike, sample_rate: int = 22050) -> Path:
    """``samples`` (floats, full scale 1) as a 16-bit mono WAV."""
    x = np.clip(np.asarray(samples, dtype=np.float64), -1, 1)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(sample_rate)
        w.writeframes(np.round(x * 32767).astype("<i2").tobytes())
    return path


def burst(
    seconds: float = 0.8, amplitude: float = 0.3, sr: int = 22050, lead: float = 0.5
) -> npt.NDArray[np.float64]:
    """Speech-like sound: a 150 Hz buzz with harmonics, syllable-modulated, between silences."""
    t = np.arange(round(seconds * sr)) / sr
    buzz = sum(np.sin(2 * np.pi * 150 * k * t) / k for k in range(1, 12))
    syllables = 0.55 + 0.45 * np.sin(2 * np.pi * 4 * t)
    body = amplitude * buzz * syllables / np.max(np.abs(buzz * syllables))
    quiet = np.zeros(round(lead * sr))
    return np.concatenate([quiet, body, quiet])


def needs(routine_spec: str) -> tuple[str, list[str]]:
    """The language and texts a pack needs for ``routine_spec`` at default settings."""
    routine = pipeline.load(routine_spec)
    settings, _ = effective_settings(routine, [Layer("test", {"engine": "recorded"})])
    return routine.language, [t for t, _ in recording_list(routine, settings)]


def fake_pack(
    name: str, texts: list[str], language: str = "en", speaker: str = "Test Speaker"
) -> Pack:
    """A pack in the config folder whose clips are the fake engine's tones."""
    pack = create_pack(name, speaker, language, "I agree to tests.")
    engine = FakeEngine()
    params = VoiceParams("fake/en-us", 175, 1.0, 50)
    for text in texts:
        pack.save(text, engine.synthesize(text, params), language)
    return pack
