"""How far can a spoken count be sped up and stay clear? The measurement behind fit.MAX_SPEEDUP.

Usage: .venv/bin/python benchmarks/count_intelligibility.py [ENGINE ...]   (default: pyttsx3 piper;
part of `make intelligibility`)
Needs the ``bench`` extra (pocketsphinx) and the ``fit`` extra (pedalboard).

The English counts 1..59 are spoken at 80, 120, 160 and 220 wpm, time-compressed by
``sound.fit.stretch`` (Rubber Band) by each factor, resampled to 16 kHz with 0.3 s of quiet
either side, and given to pocketsphinx with a grammar of the 59 number words (a forced choice,
so what is measured is whether the words stay distinct, not the language model). The table
gives how many of the 59 it recognised; ``1.0`` is the clip as synthesized.
"""

from __future__ import annotations

import sys
from typing import Any

import numpy as np
from recognise import hypothesis, number_decoder, spelled
from scipy.signal import resample_poly

from audio_guide.sound.engines import Samples, VoiceParams, get_engine
from audio_guide.sound.fit import stretch
from audio_guide.sound.synth import trim

RATES = [80, 120, 160, 220]
FACTORS = [1.0, 1.2, 1.3, 1.4, 1.5, 1.6, 1.8, 2.0]


def heard(dec: Any, clip: Samples, sr: int) -> str:
    x = clip.astype(np.float32) / 32768
    pad = np.zeros(int(0.3 * sr), np.float32)
    y = resample_poly(np.concatenate([pad, x, pad]), 16000, sr)
    return hypothesis(dec, (np.clip(y, -1, 1) * 32767).astype(np.int16).tobytes())


def main(names: list[str]) -> None:
    dec = number_decoder(range(1, 60))
    head = " | ".join(f"{f:.1f}x" for f in FACTORS)
    print(f"| engine | rate | {head} |")
    print("|---|---|" + "---|" * len(FACTORS))
    for name in names:
        engine = get_engine(name)
        voice = engine.resolve_voice("en")
        for rate in RATES:
            params = VoiceParams(voice, rate, 1.0, 50)
            clips = {n: trim(engine.synthesize(str(n), params)) for n in range(1, 60)}
            cells = []
            for f in FACTORS:
                ok = sum(
                    heard(dec, c if f == 1.0 else stretch(c, engine.sample_rate, f),
                          engine.sample_rate) == " ".join(spelled(n))
                    for n, c in clips.items()
                )  # fmt: skip
                cells.append(f"{ok}/59")
            print(f"| {name} | {rate} | {' | '.join(cells)} |", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:] or ["pyttsx3", "piper"])
