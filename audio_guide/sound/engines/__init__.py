"""Speech engines: a small protocol behind a name -> class registry.

Built-in engines are registered by module path and imported only when created, so listing
their names (``--help``) costs nothing.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from audio_guide import registry
from audio_guide.errors import UsageError
from audio_guide.registry import BUILTIN as BUILTIN
from audio_guide.registry import engine_names as engine_names
from audio_guide.registry import register as register

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    Samples = npt.NDArray[np.int16]
else:
    Samples = Any  # int16 arrays; numpy itself is imported by the engines, not for --help


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


def clips_given(engine: SpeechEngine) -> bool:
    """Whether ``engine``'s clips are given (recorded), not synthesized: it cannot speak counts
    at a rate of their own, so a count that does not fit its second must be fitted afterwards.
    Engines say so with a class attribute ``clips_given = True``."""
    return bool(getattr(engine, "clips_given", False))


def supports_rate(engine: SpeechEngine) -> bool:
    """False for engines that cannot change the speaking rate (``supports_rate = False``)."""
    return bool(getattr(engine, "supports_rate", True))


def count_rate_for(engine: SpeechEngine, language: str) -> int | None:
    """The engine's count rate for ``language`` (words per minute), or None when the engine
    cannot change its speaking rate (its clips are given, say).

    An engine that can declares ``count_rates``: language code -> the slowest rate at which its
    longest count up to 59 fills at most 95 % of a 0.92 s slot, measured by
    ``benchmarks/count_rates.py``; the key ``"*"`` covers other languages. See
    ``audio_guide/fitting.py`` for how the build uses it.
    """
    table: dict[str, int] | None = getattr(engine, "count_rates", None)
    if not table or clips_given(engine) or not supports_rate(engine):
        return None
    base = language.lower().replace("_", "-").split("-")[0]
    return table.get(base, table.get("*"))


def get_engine(name: str) -> SpeechEngine:
    """Create the engine registered under ``name`` (``register`` adds one)."""
    try:
        factory = registry.ENGINES[name]
    except KeyError:
        raise UsageError(
            f"unknown speech engine '{name}'; available: {', '.join(engine_names())}"
        ) from None
    if isinstance(factory, str):
        module, _, attr = factory.partition(":")
        factory = getattr(importlib.import_module(module), attr)
        registry.ENGINES[name] = factory
    engine: SpeechEngine = factory()
    return engine
