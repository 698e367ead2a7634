"""How far can a spoken count be sped up and stay clear? The measurement behind fit.MAX_SPEEDUP.

Usage: .venv/bin/python benchmarks/count_intelligibility.py [--rates 80,160] [--methods atempo]
       [ENGINE ...]   (default: pyttsx3 piper, every rate, every shortener installed; part of
       `make intelligibility`)
Needs the ``bench`` extra (pocketsphinx); Rubber Band is measured when the ``fit`` extra
(pedalboard) is installed, ffmpeg's ``atempo`` (the default install's) always.

The English counts 1..59 are spoken at 80, 120, 160 and 220 wpm, time-compressed by each factor
through ``sound.fit.stretch`` (what a build uses) with each shortener, resampled to 16 kHz with
0.3 s of quiet either side, and given to pocketsphinx with a grammar of the 59 number words (a
forced choice, so what is measured is whether the words stay distinct, not the language model).
Each table (one a shortener) gives how many of the 59 it recognised; ``1.0`` is the clip as
synthesized, the same clips for every shortener.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

import numpy as np
from recognise import hypothesis, number_decoder, spelled
from scipy.signal import resample_poly

from audio_guide.sound.engines import Samples, VoiceParams, get_engine
from audio_guide.sound.fit import SHORTENERS, rubber_band, stretch
from audio_guide.sound.synth import trim

RATES = [80, 120, 160, 220]
FACTORS = [1.0, 1.2, 1.3, 1.4, 1.5, 1.6, 1.8, 2.0]
NAMES = {"rubberband": "Rubber Band (extra `fit`)", "atempo": "ffmpeg atempo (default install)"}


def heard(dec: Any, clip: Samples, sr: int) -> str:
    x = clip.astype(np.float32) / 32768
    pad = np.zeros(int(0.3 * sr), np.float32)
    y = resample_poly(np.concatenate([pad, x, pad]), 16000, sr)
    return hypothesis(dec, (np.clip(y, -1, 1) * 32767).astype(np.int16).tobytes())


def score(dec: Any, clips: dict[int, Samples], sr: int, method: str, factor: float) -> int:
    """How many of ``clips`` (count -> clip) pocketsphinx hears right at ``factor``."""
    return sum(
        heard(dec, c if factor == 1.0 else stretch(c, sr, factor, method), sr)
        == " ".join(spelled(n))
        for n, c in clips.items()
    )


def main(argv: list[str]) -> None:
    ask = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ask.add_argument("engines", nargs="*", default=["pyttsx3", "piper"])
    ask.add_argument("--rates", default=",".join(map(str, RATES)), help="wpm, comma-separated")
    have = [m for m in SHORTENERS if m != "rubberband" or rubber_band()]
    ask.add_argument("--methods", default=",".join(have), help=f"of {', '.join(SHORTENERS)}")
    args = ask.parse_args(argv)
    methods = args.methods.split(",")
    if "rubberband" in methods and not rubber_band():
        ask.error("Rubber Band needs the 'fit' extra (pip install -e '.[fit]')")
    dec = number_decoder(range(1, 60))
    rows: dict[str, list[str]] = {m: [] for m in methods}
    for name in args.engines:
        engine = get_engine(name)
        voice, sr = engine.resolve_voice("en"), engine.sample_rate
        for rate in map(int, args.rates.split(",")):
            params = VoiceParams(voice, rate, 1.0, 50)
            clips = {n: trim(engine.synthesize(str(n), params)) for n in range(1, 60)}
            plain = score(dec, clips, sr, methods[0], 1.0)
            for m in methods:
                cells = [plain] + [score(dec, clips, sr, m, f) for f in FACTORS[1:]]
                rows[m].append(f"| {name} | {rate} | {' | '.join(map(str, cells))} |")
                print(f"{m}: {rows[m][-1]}", file=sys.stderr, flush=True)
    for m in methods:
        print(f"\n{NAMES[m]}, counts recognised of 59:\n")
        print("| engine | rate | " + " | ".join(f"{f:.1f}x" for f in FACTORS) + " |")
        print("|---|---|" + "---|" * len(FACTORS))
        print("\n".join(rows[m]))


if __name__ == "__main__":
    main(sys.argv[1:])
