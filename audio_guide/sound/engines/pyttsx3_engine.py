"""pyttsx3 (espeak-ng on Linux), driven one utterance per ``runAndWait``.

Traps handled here (measured with pyttsx3 2.99): several ``save_to_file`` before one
``runAndWait`` keep only the last; ``runAndWait`` may return before synthesis ends, so we wait for
``finished-utterance``; an empty ``runAndWait`` repeats the last job, so it is never called empty;
properties apply in queue order and a voice change can reset the rate, so the voice is always set
first and rate, volume and pitch after it, on every utterance; unknown voices are accepted
silently, so voices are resolved against the engine's list first; the driver prints
"Audio saved to ..." from espeak's callback thread, at times after ``runAndWait`` has returned,
so the driver module's ``print`` is replaced by one that only logs (nothing the engine does
reaches stdout, and ``sys.stdout`` is never swapped: other threads keep theirs).

A clip depends only on its text and settings, not on what the process spoke before: the wave
generator's running state is written back before every utterance (``espeak_state``), and a
change of settings sets the voice again (a pitch change kept the last voice's pitch state).
"""

from __future__ import annotations

import atexit
import logging
import os
import shutil
import tempfile
import threading
import time
import wave
from functools import cached_property
from importlib import metadata
from pathlib import Path
from typing import Any, ClassVar

from audio_guide.errors import EngineError
from audio_guide.runtime import espeak_data_dir, espeak_library
from audio_guide.sound.engines import Samples, VoiceInfo, VoiceParams
from audio_guide.sound.engines.espeak_state import Pristine
from audio_guide.sound.engines.voices import resolve

_TIMEOUT_S = 60.0
_LOCK = threading.Lock()
_ENGINE: Any = None


class _Held:
    """What the process's one espeak-ng holds, shared by every ``Pyttsx3Engine`` in it (a
    second engine object must neither warm it up again nor trust settings another applied)."""

    warm = False
    """The first ``runAndWait`` returns early: a throwaway utterance goes first, on the
    first synthesis (a cached build or ``voices`` never needs it)."""
    applied: VoiceParams | None = None
    """The settings espeak-ng holds now (None: unknown)."""
    pristine: Pristine | None = None
    """The wave generator's state after that first utterance, restored before each one."""


class _PollFaster:
    """``time`` for pyttsx3's espeak driver, whose ``runAndWait`` loop sleeps 10 ms between
    checks: an utterance that takes 3 ms still waited 10. Sleeps are capped at 1 ms."""

    @staticmethod
    def sleep(seconds: float) -> None:
        time.sleep(min(seconds, 0.001))

    def __getattr__(self, name: str) -> Any:
        return getattr(time, name)


def _driver_print(*args: object, **kwargs: Any) -> None:
    """The espeak driver's ``print`` ("Audio saved to ...", "Playback error: ..."): logged at
    debug level, never written to stdout, from whichever thread the driver calls it."""
    logging.getLogger(__name__).debug(" ".join(str(a) for a in args))


def _driver() -> Any:
    """The process-wide pyttsx3 engine (espeak can be initialised once per process)."""
    global _ENGINE
    if _ENGINE is None:
        espeak_library()
        try:
            import pyttsx3

            _ENGINE = pyttsx3.init("espeak")
            from pyttsx3.drivers import espeak as espeak_driver

            espeak_driver.time = _PollFaster()  # the driver's only use of time: its loop's sleep
            espeak_driver.print = _driver_print  # module globals come before builtins
        except Exception as exc:
            raise EngineError(
                f"the speech engine failed to start ({exc}); "
                "run 'pip install espeakng-loader' or install espeak-ng"
            ) from None
    return _ENGINE


class Pyttsx3Engine:
    """Speech through pyttsx3 and espeak-ng, 22050 Hz mono 16-bit."""

    name = "pyttsx3"
    sample_rate = 22050
    supports_pitch = True
    parallel_from = 400
    """Clips to make from which spawned workers pay off (``sound/parallel.py``): an utterance
    costs ~3 ms here (once pyttsx3's 10 ms poll is cut), a worker ~0.3 s to start; 339 clips
    took 1.77 s serially and 1.69 s with two workers and this process."""

    count_rates: ClassVar[dict[str, int]] = {"en": 160, "es": 240, "de": 250, "fr": 150, "*": 250}
    """Counts are spoken at least this fast (words per minute) by language, so that the longest
    count up to 59 fills at most 95 % of its 0.92 s (``benchmarks/count_rates.py``; espeak-ng
    1.52's default voices; other languages get the slowest of these, German's)."""

    def __init__(self) -> None:
        self._engine = _driver()
        self._finished = 0
        self._engine.connect("finished-utterance", self._on_finished)
        self._tmp = Path(tempfile.mkdtemp(prefix="audio-guide-tts-"))
        atexit.register(shutil.rmtree, self._tmp, True)
        from pyttsx3.drivers import _espeak

        self._espeak = _espeak
        with _LOCK:
            if _Held.pristine is None:
                _Held.pristine = Pristine(espeak_library())
        self._pristine = _Held.pristine

    def _on_finished(self, name: object = None, completed: object = True) -> None:
        self._finished += 1

    def version(self) -> str:
        """pyttsx3 version plus the espeak library in use."""
        return self._version

    @cached_property
    def _version(self) -> str:
        # once per engine: a metadata lookup scans site-packages (~1 ms), and every clip's
        # cache key asks for the version
        try:
            pkg = metadata.version("pyttsx3")
        except metadata.PackageNotFoundError:
            pkg = "unknown"
        # "+reset": clips made with the wave generator reset before each (``espeak_state``);
        # those made before depended on what the process had spoken and are not reused
        reset = "+reset" if self._pristine.available else ""
        return f"pyttsx3-{pkg}/{Path(espeak_library()).name}{reset}"

    def voices(self) -> list[VoiceInfo]:
        """Voices espeak-ng lists (variants are listed by ``variants``)."""
        return self._voices

    @cached_property
    def _voices(self) -> list[VoiceInfo]:
        out = []
        for v in self._engine.getProperty("voices"):
            langs = tuple(str(x) for x in (v.languages or []) if x)
            out.append(
                VoiceInfo(
                    id=str(v.id),
                    name=str(v.name),
                    languages=langs,
                    gender=v.gender if v.gender else None,
                )
            )
        return out

    @cached_property
    def variants(self) -> list[str]:
        """Voice variants (``f3``, ``m2``, ...) usable as ``VOICE+VARIANT``."""
        data = espeak_data_dir()
        folder = Path(data) / "voices" / "!v" if data else None
        if folder is None or not folder.is_dir():
            return []
        return sorted(p.name for p in folder.iterdir() if p.is_file())

    def cache_identity(self, params: VoiceParams) -> str:
        """Nothing beyond engine, version and settings shapes the sound."""
        return ""

    def resolve_voice(self, spec: str) -> str:
        """See ``SpeechEngine.resolve_voice``."""
        return resolve(spec, self._voices, self.variants)

    def synthesize(self, text: str, params: VoiceParams) -> Samples:
        """Apply the voice settings when they differ from the last utterance's, then speak.

        espeak-ng runs its commands on its own thread in this output mode, and a voice change
        resets the rate: each property change is followed by ``espeak_Synchronize`` and the
        rate is read back, so an utterance never picks up a stale setting. Settings that have
        not changed are not sent again (setting and synchronizing cost ~11 ms an utterance).
        """
        with _LOCK:
            if not _Held.warm:
                self._run("Ready.")
                self._pristine.save()
                _Held.warm = True
            if params != _Held.applied:
                self._apply(params)
            self._pristine.restore()
            return self._run(text)

    def _apply(self, params: VoiceParams) -> None:
        """Set the voice, then rate, volume and pitch, and check."""
        engine, espeak = self._engine, self._espeak
        _Held.applied = None
        engine.setProperty("voice", params.voice)  # again even if unchanged: see the module doc
        espeak.Synchronize()
        engine.setProperty("rate", int(params.rate))
        engine.setProperty("volume", float(params.volume))
        engine.setProperty("pitch", int(params.pitch))
        espeak.Synchronize()
        got = espeak.GetParameter(espeak.RATE)
        if got != int(params.rate):
            raise EngineError(
                f"espeak-ng kept rate {got} instead of {params.rate}; "
                "reinstall espeak-ng or espeakng-loader"
            )
        _Held.applied = params

    def _run(self, text: str) -> Samples:
        """One ``save_to_file`` + ``runAndWait``, then wait for ``finished-utterance``."""
        target = self._tmp / "utterance.wav"
        target.unlink(missing_ok=True)
        before = self._finished
        self._engine.save_to_file(text, str(target))
        self._engine.runAndWait()
        deadline = time.monotonic() + _TIMEOUT_S
        while self._finished == before or not target.exists():
            if time.monotonic() > deadline:
                raise EngineError(
                    f"the speech engine gave no audio for {text!r} within {_TIMEOUT_S:.0f} s; "
                    "check the espeak-ng installation"
                )
            time.sleep(0.002)
        self._espeak.Synchronize()
        with wave.open(str(target), "rb") as wav:
            if wav.getframerate() != self.sample_rate or wav.getsampwidth() != 2:
                raise EngineError("the speech engine wrote an unexpected WAV format")
            data = wav.readframes(wav.getnframes())
        os.unlink(target)
        import numpy as np  # here, so ``voices`` does not load it

        return np.frombuffer(data, dtype="<i2").astype(np.int16)
