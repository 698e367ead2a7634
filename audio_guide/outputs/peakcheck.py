"""The MP3's true peak, checked after encoding, and the masters re-encoded until it passes.

LAME lifts some limited peaks over the limiter's ceiling by an amount no encoder setting bounds
with the imageio-ffmpeg wheel's ffmpeg (``benchmarks/codec_overshoot.py``; docs/benchmarks.md,
"The encoder's overshoot"): a Piper plosive came out up to 2.7 dB over its limited input. So
the finished MP3 is decoded (libsndfile, gapless) and measured as the limiter measures (4x true
peaks); over ``MixOptions.true_peak`` the track is mastered again with ``RETRY_MARGIN`` more
headroom and encoded again. Each verdict is kept in the analysis store under a hash of the
PCM that went to the encoder and the encoder's command, so an unchanged rebuild is not decoded.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from audio_guide.sound.dsp import true_peaks

if TYPE_CHECKING:
    from audio_guide.sound.layout import Pcm

BLOCK = 1 << 12
"""Samples measured at a time (0.19 s at 22.05 kHz): a block whose sample peak is more than
``SCREEN`` dB under the bar is skipped, so mostly the loud parts of speech are oversampled."""
EDGE = 64
"""Samples of context on each side of a block: the interpolation filter's reach (10 samples)
and more, so the block's cut edges do not ring into its true peaks."""
SCREEN = 3.0
"""dB under the bar at which a block's samples can be trusted to hold no true peak over it."""
RETRY_MARGIN = 0.5
"""dB of extra headroom for each new attempt."""
ATTEMPTS = 3
"""Encodes at most; the last one is kept whatever it reads."""


def decoded_peak(path: Path, bar_db: float) -> float:
    """The highest 4x true peak (dBTP) of the audio in ``path`` as libsndfile decodes it, where it
    can reach ``bar_db``; blocks too quiet to reach it count as their sample peak."""
    import soundfile

    screen = 10 ** ((bar_db - SCREEN) / 20)
    best = 0.0
    for block in soundfile.blocks(
        str(path), blocksize=BLOCK + 2 * EDGE, overlap=2 * EDGE, dtype="float32", always_2d=True
    ):
        x = block.mean(axis=1) if block.shape[1] > 1 else block[:, 0]
        inner = x[EDGE:-EDGE] if len(x) > 2 * EDGE else x
        peak = float(np.abs(inner).max(initial=0.0))
        if peak >= screen:
            peak = float(true_peaks(x)[EDGE : len(x) - EDGE].max(initial=peak))
        best = max(best, peak)
    return 20 * float(np.log10(max(best, 1e-10)))


class Fingerprint:
    """A hash of the blocks streamed through ``watch`` and of what encodes them."""

    def __init__(self, encoder: object) -> None:
        self.hash = hashlib.blake2b(json.dumps(encoder).encode(), digest_size=20)

    def watch(self, blocks: Iterable[Pcm]) -> Iterator[Pcm]:
        """The blocks, unchanged, each added to the hash as it passes."""
        for block in blocks:
            self.hash.update(np.ascontiguousarray(block).tobytes())
            yield block

    def name(self) -> str:
        """The store name of this stream's check."""
        return "mp3peak-" + self.hash.hexdigest()
