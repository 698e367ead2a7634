"""Count coverage: every count the count style asks for, spoken on its second, at any rate.

Usage: .venv/bin/python benchmarks/count_coverage.py [--rates 80,120,...] [--no-piper]
(part of ``make bench``)

For each engine, language and rate, plans back_pain (the Spanish one for es; for de and fr,
back_pain with ``language: de``/``fr``, whose counts and cues are German/French) and prints:
counts asked (by the count style), spoken, spoken at a count rate, time-compressed (and the
largest speed-up), left out by counting every 2nd second, and the count rate.

Engines: ``pyttsx3`` (espeak-ng); ``piper`` (Joe, English: the only Piper voice installed; it
speaks every clock cue for real and flowing speech is the fake engine's tone, which only moves
where each clock starts); ``given``: espeak-ng's clips at the sentence rate with no count rate,
as a voice whose clips are given (recorded) is fitted: time-compression, then sparser counts.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from audio_guide.authoring.effective import effective_settings
from audio_guide.authoring.phrases import phrases_dir
from audio_guide.authoring.script import Clock, compile_script
from audio_guide.build import load, make_plan
from audio_guide.layers import Layer
from audio_guide.model import Routine
from audio_guide.settings import DEFAULTS
from audio_guide.sound.engines import Samples, SpeechEngine, VoiceInfo, VoiceParams, get_engine
from audio_guide.sound.engines.fake import FakeEngine
from audio_guide.sound.synth import ClipCache
from audio_guide.timeline import EventKind, Role

RATES = [80, 120, 150, DEFAULTS.rate, 220, 300, 400]
LANGUAGES = ["en", "es", "de", "fr"]


class Wrapped:
    """Another engine's voice, seen through a narrower window (see the module's docstring)."""

    supports_pitch = False

    def __init__(self, inner: SpeechEngine, name: str, cues: set[str] | None, rates: bool):
        self.inner, self.name, self.cues = inner, name, cues
        self.fake = FakeEngine()
        self.sample_rate = inner.sample_rate
        if rates:
            self.count_rates = getattr(inner, "count_rates", {})

    def version(self) -> str:
        return f"{self.inner.version()}+{self.name}"

    def voices(self) -> list[VoiceInfo]:
        return self.inner.voices()

    def resolve_voice(self, spec: str) -> str:
        found = self.inner.resolve_voice(spec)
        self.sample_rate = self.inner.sample_rate
        return found

    def cache_identity(self, params: VoiceParams) -> str:
        return self.inner.cache_identity(params)

    def synthesize(self, text: str, params: VoiceParams) -> Samples:
        if self.cues is not None and text not in self.cues:
            return self.fake.synthesize(text, params)
        return self.inner.synthesize(text, params)


def routine_for(language: str, folder: Path) -> Routine:
    shipped = phrases_dir().parent
    if language == "es":
        return load(str(shipped / "back_pain_es.yaml"))
    text = (shipped / "back_pain.yaml").read_text(encoding="utf-8")
    if language != "en":
        text = f"language: {language}\n{text}"
    path = folder / f"back_pain_{language}.yaml"
    path.write_text(text, encoding="utf-8")
    return load(str(path))


def clock_cues(routine: Routine, rate: int) -> set[str]:
    settings, _ = effective_settings(routine, [Layer("bench", {"rate": rate})])
    return {
        c.spoken or c.text
        for item in compile_script(routine, settings).items
        if isinstance(item, Clock)
        for c in item.cues
        if c.kind is EventKind.SPEECH
    }


def row(engine: SpeechEngine, label: str, language: str, routine: Routine, rate: int,
        cache: ClipCache) -> str:  # fmt: skip
    layer = Layer("bench", {"rate": rate, "engine": "pyttsx3"})
    settings, origins = effective_settings(routine, [layer])
    t0 = time.perf_counter()
    tl = make_plan(routine, settings, origins, cache, engine=engine).timeline
    took = time.perf_counter() - t0
    counts = [e for e in tl.events if e.role is Role.COUNT]
    asked = len(counts) + tl.skipped_counts
    at_rate = [e.rate for e in counts if e.rate]
    ups = [e.speedup for e in counts if e.speedup]
    rate_txt = f"{max(at_rate)}" if at_rate else "-"
    largest = f"{max(ups):.2f}x" if ups else "-"
    return (
        f"| {rate} | {label} | {language} | {asked} | {len(counts)} | {len(at_rate)} | "
        f"{len(ups)} | {largest} | {tl.skipped_counts} | {rate_txt} | {took:.1f} s |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rates", default=",".join(map(str, RATES)))
    parser.add_argument("--no-piper", action="store_true")
    args = parser.parse_args()
    rates = [int(r) for r in args.rates.split(",")]
    with tempfile.TemporaryDirectory(prefix="count-coverage-") as tmp:
        folder, cache = Path(tmp), ClipCache(Path(tmp) / "clips")
        espeak = get_engine("pyttsx3")
        print("\ncount coverage (back_pain; es: back_pain_es; de/fr: back_pain in that language)")
        print("\n| rate | engine | language | asked | spoken | at a count rate | time-compressed "
              "| largest speed-up | left out | count rate | plan |")  # fmt: skip
        print("|---|---|---|---|---|---|---|---|---|---|---|")
        for language in LANGUAGES:
            routine = routine_for(language, folder)
            for rate in rates:
                print(row(espeak, "pyttsx3", language, routine, rate, cache), flush=True)
        piper = None if args.no_piper else _piper()
        if piper is not None:
            routine = routine_for("en", folder)
            for rate in rates:
                engine = Wrapped(piper, "piper", clock_cues(routine, rate), True)
                print(row(engine, "piper", "en", routine, rate, cache), flush=True)
        given = Wrapped(espeak, "given", None, False)
        for language in LANGUAGES:
            routine = routine_for(language, folder)
            for rate in rates:
                print(row(given, "given", language, routine, rate, cache), flush=True)


def _piper() -> SpeechEngine | None:
    try:
        engine = get_engine("piper")
        engine.resolve_voice("en")
    except Exception as exc:
        print(f"(piper skipped: {exc})")
        return None
    return engine


if __name__ == "__main__":
    main()
