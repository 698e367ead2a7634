"""Hear one sentence, or one step, without a build: cached clips, mastered like the build, as WAV.

A step is cut from the plan's own timeline (its chapter, events shifted to start at zero), so
it sounds and lasts exactly as in the finished track.
"""

from __future__ import annotations

import io
import wave
from collections.abc import Iterable
from dataclasses import replace

import numpy as np

from audio_guide import build as pipeline
from audio_guide.errors import UsageError
from audio_guide.settings import Settings
from audio_guide.sound.engines import VoiceParams, clips_given, get_engine
from audio_guide.sound.layout import Pcm
from audio_guide.sound.mix import master
from audio_guide.sound.synth import ClipCache, synthesize_all, trim
from audio_guide.timeline import EventKind

MAX_SENTENCE = 400
"""Longest text the sentence preview speaks (characters)."""


def wav_bytes(blocks: Iterable[Pcm], sample_rate: int) -> bytes:
    """Mono 16-bit WAV of ``blocks`` (16-bit PCM, as ``master`` yields them)."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(sample_rate)
        for block in blocks:
            wav.writeframes(np.asarray(block, dtype="<i2").tobytes())
    return buffer.getvalue()


def sentence(settings: Settings, text: str, cache: ClipCache) -> bytes:
    """``text`` in the chosen engine, voice, rate, volume and pitch (trimmed, as scheduled)."""
    text = " ".join(text.split())
    if not text:
        raise UsageError("give a sentence to hear")
    if len(text) > MAX_SENTENCE:
        raise UsageError(f"the sentence is longer than {MAX_SENTENCE} characters")
    engine = get_engine(settings.engine)
    params = VoiceParams(
        engine.resolve_voice(settings.voice), settings.rate, settings.volume, settings.pitch
    )
    if clips_given(engine):  # a voice pack: read afresh, never from the clip cache
        return wav_bytes([trim(engine.synthesize(text, params))], engine.sample_rate)
    bank = synthesize_all([text], engine, params, cache)
    clip = bank.get(EventKind.SPEECH, text)
    return wav_bytes([clip], bank.sample_rate)


def step(plan: pipeline.Plan, chapter: int) -> bytes:
    """Chapter ``chapter`` of ``plan`` (0-based), mastered as the build would."""
    chapters = plan.timeline.chapters
    if not 0 <= chapter < len(chapters):
        raise UsageError(f"'chapter' should be 0..{len(chapters) - 1}, got {chapter}")
    part = chapters[chapter]
    events = tuple(
        replace(e, start=e.start - part.start, end=e.end - part.start)
        for e in plan.timeline.events
        if part.start <= e.start < part.end
    )
    window = replace(
        plan.timeline,
        duration=part.end - part.start,
        events=events,
        holds=(),
        chapters=(replace(part, start=0.0, end=part.end - part.start),),
    )
    blocks = master(window, plan.clips, pipeline.mix_options(plan.settings))
    return wav_bytes(blocks, window.sample_rate)
