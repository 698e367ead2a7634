"""Speech engine names: the registry the engines fill, at the floor that validation reads.

Routines and settings name an engine (``engine:``, ``fill:``); checking that name needs only the
names, not the engines, so the registry lives below both ``authoring`` (which validates) and
``sound`` (which creates engines from it: ``sound.engines.get_engine``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

BUILTIN = {
    "pyttsx3": "audio_guide.sound.engines.pyttsx3_engine:Pyttsx3Engine",
    "piper": "audio_guide.sound.engines.piper_engine:PiperEngine",
    "fake": "audio_guide.sound.engines.fake:FakeEngine",
    "recorded": "audio_guide.sound.engines.recorded:RecordedEngine",
}
"""Built-in engines by name: ``module:class``, imported when first created."""

ENGINES: dict[str, Callable[[], Any] | str] = dict(BUILTIN)
"""Engine name -> factory, or ``"module:Class"`` until first created."""


def register(name: str, factory: Callable[[], Any] | str) -> None:
    """Make an engine available under ``name`` (a factory, or ``"module:Class"``)."""
    ENGINES[name] = factory


def engine_names() -> list[str]:
    """Registered engine names."""
    return sorted(ENGINES)
