"""Measure each engine's count rate: the slowest rate at which every count fits its slot.

Usage: .venv/bin/python benchmarks/count_rates.py [ENGINE ...]   (default: pyttsx3 piper)

A count every second leaves it ``fitting.COUNT_SLOT`` seconds (1 s less the scheduler's gap).
For each engine and language (en, es, de, fr; Piper: the languages of the voices it has), the
counts 1..59 (holds up to 60 s) are spoken at a ladder of rates; the count rate is the slowest
rate on a 5-wpm grid at which the longest count is at most ``MARGIN`` of the slot (bisection
between the ladder's rates, on the five longest counts). The figures go into the engines'
``count_rates`` tables (``sound/engines/``). Piper samples its phoneme durations, so its
figures are the longest of ``PIPER_RENDERS`` renders.
"""

from __future__ import annotations

import sys
import time

from audio_guide.fitting import COUNT_SLOT
from audio_guide.sound.engines import SpeechEngine, VoiceParams, get_engine
from audio_guide.sound.engines.voices import speaks
from audio_guide.sound.synth import trim

LANGUAGES = ["en", "es", "de", "fr"]
COUNTS = range(1, 60)
MARGIN = 0.95
"""The longest count may fill this share of its slot at the count rate (the rest is slack for
voices and variants that differ a little; what remains is fitted by time-scale modification)."""
LADDER = [80, 120, 160, 220, 300, 400]
PIPER_RENDERS = 2


def longest(engine: SpeechEngine, voice: str, rate: int, texts: list[str]) -> dict[str, float]:
    """Seconds of each trimmed clip at ``rate`` (Piper: the longest of its renders)."""
    renders = PIPER_RENDERS if engine.name == "piper" else 1
    params = VoiceParams(voice, rate, 1.0, 50)
    return {
        t: max(len(trim(engine.synthesize(t, params))) for _ in range(renders)) / engine.sample_rate
        for t in texts
    }


def count_rate(engine: SpeechEngine, voice: str) -> tuple[int, dict[int, float]]:
    """The slowest rate (5-wpm grid) at which the longest count fits, and the ladder's figures."""
    limit = COUNT_SLOT * MARGIN
    at_ladder: dict[int, float] = {}
    texts = [str(n) for n in COUNTS]
    lengths = longest(engine, voice, LADDER[2], texts)
    worst = sorted(texts, key=lambda t: -lengths[t])[:5]
    for rate in LADDER:
        at_ladder[rate] = max(longest(engine, voice, rate, worst).values())
    fits = [r for r in LADDER if at_ladder[r] <= limit]
    if not fits:
        return LADDER[-1] + 5, at_ladder
    hi = fits[0]
    lo = max([r for r in LADDER if r < hi], default=LADDER[0] - 5)
    while hi - lo > 5:
        mid = (lo + hi) // 10 * 5
        mid = mid if lo < mid < hi else lo + 5
        if max(longest(engine, voice, mid, worst).values()) <= limit:
            hi = mid
        else:
            lo = mid
    return hi, at_ladder


def main(names: list[str]) -> None:
    print(f"count slot {COUNT_SLOT:.2f} s; the longest count may fill {MARGIN:.0%} of it\n")
    head = " | ".join(f"{r} wpm" for r in LADDER)
    print(f"| engine | language | voice | longest count at {head} | count rate | time |")
    print("|---|---|---|" + "---|" * len(LADDER) + "---|---|")
    for name in names:
        engine = get_engine(name)
        for language in LANGUAGES:
            voices = [v.id for v in engine.voices() if speaks(v, language)]
            if not voices:
                print(f"| {name} | {language} | (no voice) |" + " |" * len(LADDER) + " | |")
                continue
            voice = engine.resolve_voice(language)
            t0 = time.perf_counter()
            rate, ladder = count_rate(engine, voice)
            cells = " | ".join(f"{ladder[r]:.2f} s" for r in LADDER)
            took = time.perf_counter() - t0
            row = f"| {name} | {language} | {voice} | {cells} | {rate} | {took:.0f} s |"
            print(row, flush=True)


if __name__ == "__main__":
    main(sys.argv[1:] or ["pyttsx3", "piper"])
