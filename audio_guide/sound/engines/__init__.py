"""Speech engines: a small protocol behind a name -> class registry."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import numpy.typing as npt

from audio_guide.errors import UsageError

Samples = npt.NDArray[np.int16]


@dataclass(frozen=True, slots=True)
class VoiceInfo:
    """A voice an engine offers."""

    id: str
    """Engine id, e.g. ``gmw/en-us``; variants append ``+NAME``."""
    name: str
    """Display name, e.g. ``English (America)``."""
    languages: tuple[str, ...]
    """Language codes, e.g. ``("en-us",)``."""
    gender: str | None
    """``Male``, ``Female`` or None when the engine does not say."""

    def as_dict(self) -> dict[str, object]:
        """Plain data for JSON."""
        return {
            "id": self.id,
            "name": self.name,
            "languages": list(self.languages),
            "gender": self.gender,
        }


@dataclass(frozen=True, slots=True)
class VoiceParams:
    """Everything that changes how a text sounds, once the voice id is resolved."""

    voice: str
    """Resolved engine voice id (with ``+variant`` if any)."""
    rate: int
    """Words per minute."""
    volume: float
    """0..1 linear."""
    pitch: int
    """0..100, engine scale (espeak's default is 50)."""


class SpeechEngine(Protocol):
    """What the pipeline needs from a text-to-speech back end."""

    name: str
    sample_rate: int
    """Sample rate of the clips; for engines whose voices differ, that of the resolved voice."""
    supports_pitch: bool
    """False when the engine cannot change the pitch (a non-default pitch is then refused)."""

    def version(self) -> str:
        """A string that changes whenever the engine's output may change (cache key part)."""
        ...

    def voices(self) -> list[VoiceInfo]:
        """Voices this engine can speak with."""
        ...

    def resolve_voice(self, spec: str) -> str:
        """Turn an id, variant, display name or language code into an engine voice id.

        Raises ``UsageError`` naming close matches when nothing fits; never falls back.
        """
        ...

    def cache_identity(self, params: VoiceParams) -> str:
        """What else shapes the sound for ``params`` (Piper: the model's content hash), or ''."""
        ...

    def synthesize(self, text: str, params: VoiceParams) -> Samples:
        """Speak ``text`` into mono int16 samples at ``sample_rate`` (untrimmed)."""
        ...


_REGISTRY: dict[str, Callable[[], SpeechEngine]] = {}


def register(name: str, factory: Callable[[], SpeechEngine]) -> None:
    """Make an engine available under ``name``."""
    _REGISTRY[name] = factory


def engine_names() -> list[str]:
    """Registered engine names."""
    _load_builtin()
    return sorted(_REGISTRY)


def get_engine(name: str) -> SpeechEngine:
    """Create the engine registered under ``name``."""
    _load_builtin()
    try:
        factory = _REGISTRY[name]
    except KeyError:
        raise UsageError(
            f"unknown speech engine '{name}'; available: {', '.join(sorted(_REGISTRY))}"
        ) from None
    return factory()


def _load_builtin() -> None:
    if not _REGISTRY:
        from audio_guide.sound.engines import fake, piper_engine, pyttsx3_engine

        register("pyttsx3", pyttsx3_engine.Pyttsx3Engine)
        register("piper", piper_engine.PiperEngine)
        register("fake", fake.FakeEngine)
