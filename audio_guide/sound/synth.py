"""Render each distinct utterance once, trim its silence, and cache it on disk.

The cache key covers everything that changes the sound: engine and its version, voice, rate,
volume, pitch, the text, and the trimming rule. An unchanged routine re-renders without synthesis.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import tempfile
import wave
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import platformdirs

from audio_guide.errors import EngineError
from audio_guide.interrupts import deferred
from audio_guide.sound.engines import Samples, SpeechEngine, VoiceParams
from audio_guide.timeline import EventKind

TRIM_THRESHOLD = 0.006
"""Peak level (fraction of full scale, about -44 dBFS) that counts as sound when trimming."""
TRIM_RULE = "peak>0.006;pad=0"

ClipKey = tuple[EventKind, str]


def default_cache_dir() -> Path:
    """``$AUDIO_GUIDE_CACHE`` or the user's cache folder."""
    env = os.environ.get("AUDIO_GUIDE_CACHE")
    return Path(env) if env else Path(platformdirs.user_cache_dir("audio-guide")) / "clips"


def trim(samples: Samples, threshold: float = TRIM_THRESHOLD) -> Samples:
    """Cut leading and trailing silence so a clip starts where its sound begins.

    A sample is loud when its magnitude is over ``threshold`` of full scale: for whole-number
    samples, over that level's whole part, compared without a wider copy of the clip."""
    level = math.floor(threshold * 32767)
    loud = (samples > level) | (samples < -level)
    if not loud.any():
        return samples[:0]
    return samples[int(np.argmax(loud)) : len(loud) - int(np.argmax(loud[::-1]))]


@dataclass
class ClipBank:
    """Trimmed clips by (kind, text), all at one sample rate."""

    sample_rate: int
    clips: dict[ClipKey, Samples] = field(default_factory=dict)
    synthesized: int = 0
    """How many clips needed the engine (the rest came from the cache)."""

    def lengths(self) -> dict[ClipKey, int]:
        """Sample counts, for the scheduler."""
        return {k: len(v) for k, v in self.clips.items()}

    def get(self, kind: EventKind, text: str) -> Samples:
        """The clip for an event."""
        return self.clips[(kind, text)]


class ClipCache:
    """WAV files named by the hash of everything that shapes them."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder

    def key(self, engine: SpeechEngine, params: VoiceParams, text: str) -> str:
        """Hash of engine, engine version, voice settings, text and trim rule.

        An engine's ``cache_identity`` (Piper: the voice model's content hash) joins the key
        when it is not empty, so other engines keep their keys.
        """
        identity = engine.cache_identity(params)
        blob = json.dumps(
            [
                engine.name,
                engine.version(),
                params.voice,
                params.rate,
                params.volume,
                params.pitch,
                text,
                TRIM_RULE,
                *([identity] if identity else []),
            ]
        )
        return hashlib.sha256(blob.encode()).hexdigest()

    def load(self, key: str, sample_rate: int | None = None) -> Samples | None:
        """A cached clip, or None when absent or not a whole, valid entry.

        An entry is valid when it is a 16-bit mono WAV (at ``sample_rate`` if given) whose size
        matches its header exactly and whose first and last samples are sound (clips are stored
        trimmed): a truncated, padded or zero-filled file is treated as missing and re-made.
        """
        if self.folder is None:
            return None
        path = self.folder / key[:2] / f"{key}.wav"
        try:
            with wave.open(str(path), "rb") as wav:
                frames = wav.getnframes()
                shape = (wav.getnchannels(), wav.getsampwidth(), wav.getframerate())
                data = wav.readframes(frames)
            size = path.stat().st_size
        except (OSError, EOFError, wave.Error):
            return None
        if shape[:2] != (1, 2) or (sample_rate is not None and shape[2] != sample_rate):
            return None
        if frames == 0 or len(data) != 2 * frames or size != _WAV_HEADER + 2 * frames:
            return None
        clip = np.frombuffer(data, dtype="<i2").astype(np.int16)
        loud = TRIM_THRESHOLD * 32767
        if abs(int(clip[0])) <= loud or abs(int(clip[-1])) <= loud:
            return None
        return clip

    def store(self, key: str, samples: Samples, sample_rate: int) -> None:
        """Write atomically; a cache that cannot be written is skipped, not fatal.

        Whatever happens (a full disk, an interrupt), no temporary file is left behind.
        """
        if self.folder is None:
            return
        folder = self.folder / key[:2]
        tmp: Path | None = None
        try:
            folder.mkdir(parents=True, exist_ok=True)
            with deferred():
                fd, name = tempfile.mkstemp(dir=folder, suffix=".tmp")
                tmp = Path(name)
            with os.fdopen(fd, "wb") as fh, wave.open(fh, "wb") as wav:
                wav.setnchannels(1)
                wav.setsampwidth(2)
                wav.setframerate(sample_rate)
                wav.writeframes(samples.astype("<i2").tobytes())
            with deferred():
                os.replace(tmp, folder / f"{key}.wav")
                tmp = None
        except OSError:
            return
        finally:
            if tmp is not None:
                tmp.unlink(missing_ok=True)


_WAV_HEADER = 44
"""Bytes before the samples in the WAV files ``wave`` writes."""


def render_clip(engine: SpeechEngine, text: str, params: VoiceParams) -> Samples:
    """One utterance, synthesized and trimmed; silence is an error.

    The trimmed clip is a copy: a view would keep the engine's whole untrimmed buffer (its
    leading and trailing silence) alive for as long as the build holds the clip.
    """
    clip: Samples = trim(engine.synthesize(text, params)).copy()
    if clip.size == 0:
        raise EngineError(
            f"the speech engine produced silence for {text!r}; check the voice and volume settings"
        )
    return clip


def synthesize_all(
    texts: Iterable[str],
    engine: SpeechEngine,
    params: VoiceParams,
    cache: ClipCache,
    progress: Callable[[int, int], None] | None = None,
) -> ClipBank:
    """Trimmed speech clips for ``texts`` (each synthesized at most once)."""
    bank = ClipBank(engine.sample_rate)
    todo = list(dict.fromkeys(texts))
    for i, text in enumerate(todo, 1):
        key = cache.key(engine, params, text)
        clip = cache.load(key, engine.sample_rate)
        if clip is None:
            clip = render_clip(engine, text, params)
            cache.store(key, clip, engine.sample_rate)
            bank.synthesized += 1
        bank.clips[(EventKind.SPEECH, text)] = clip
        if progress:
            progress(i, len(todo))
    return bank
