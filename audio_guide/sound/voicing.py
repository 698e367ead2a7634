"""Which speech engine and voice speak a build's settings, and whether the engine honours them."""

from __future__ import annotations

from dataclasses import replace

from audio_guide.errors import UsageError
from audio_guide.layers import LANGUAGE_ORIGIN, located
from audio_guide.settings import DEFAULTS, Settings
from audio_guide.sound.engines import (
    SpeechEngine,
    VoiceParams,
    clips_given,
    get_engine,
    supports_rate,
)
from audio_guide.sound.engines.voices import speaks


def check_engine_settings(
    engine: SpeechEngine, settings: Settings, origins: dict[str, str]
) -> None:
    """Refuse a setting the engine cannot honour (Piper's pitch, a recording's rate) rather
    than ignore it; ``fill`` only with an engine whose clips are given."""
    if not engine.supports_pitch and settings.pitch != DEFAULTS.pitch:
        raise UsageError(
            f"the {engine.name} engine cannot change the pitch, but pitch {settings.pitch} "
            f"is set ({origins.get('pitch', 'settings')}); remove it or use another engine"
        )
    if not supports_rate(engine) and settings.rate != DEFAULTS.rate:
        raise UsageError(
            f"the {engine.name} engine cannot change the speaking rate, but rate {settings.rate} "
            f"is set ({origins.get('rate', 'settings')}); remove it or use another engine"
        )
    if settings.fill is not None and not clips_given(engine):
        raise located(
            UsageError(f"fill {settings.fill!r} works only with --engine recorded"),
            origins.get("fill"),
        )
    if settings.fill is not None and settings.fill == engine.name:
        raise located(
            UsageError("fill names the engine itself; give a speaking engine such as pyttsx3"),
            origins.get("fill"),
        )


def engine_for(settings: Settings, origins: dict[str, str]) -> SpeechEngine:
    """The settings' speech engine; an unknown one set in a file is refused at its position."""
    try:
        return get_engine(settings.engine)
    except UsageError as exc:
        raise located(exc, origins.get("engine")) from None


def resolve_voice(engine: SpeechEngine, settings: Settings, origins: dict[str, str]) -> str:
    """The engine voice id for ``settings.voice``.

    When the voice is the routine's language (no voice given), the engine must have a voice of
    that language; if not, the error names the voices it has and their languages. An unknown
    voice set in a file is refused at its position.
    """
    try:
        return _resolve_voice(engine, settings, origins)
    except UsageError as exc:
        raise located(exc, origins.get("voice")) from None


def _resolve_voice(engine: SpeechEngine, settings: Settings, origins: dict[str, str]) -> str:
    if not origins.get("voice", "").startswith(LANGUAGE_ORIGIN):
        return engine.resolve_voice(settings.voice)
    language = settings.voice
    voices = engine.voices()
    speakers = [v.id for v in voices if speaks(v, language)]
    if not speakers:
        have = ", ".join(f"{v.id} ({'/'.join(v.languages)})" for v in voices) or "none"
        raise UsageError(
            f"the routine's language is '{language}' but no {engine.name} voice speaks it "
            f"(voices: {have}); add one or give a voice with --voice"
        )
    found = engine.resolve_voice(language)
    return found if found.split("+")[0] in speakers else engine.resolve_voice(speakers[0])


def fill_engine(
    settings: Settings, origins: dict[str, str], language: str
) -> tuple[SpeechEngine, VoiceParams] | None:
    """The engine and voice that speak what a pack lacks (the routine language's voice), for
    ``settings.fill``; None without one."""
    if settings.fill is None:
        return None
    engine = engine_for(replace(settings, engine=settings.fill), {"engine": origins["fill"]})
    voice = resolve_voice(
        engine, replace(settings, voice=language), {"voice": f"{LANGUAGE_ORIGIN} {language}"}
    )
    return engine, VoiceParams(voice, settings.rate, settings.volume, settings.pitch)
