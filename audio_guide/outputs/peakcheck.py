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
    can reach ``bar_db``; blocks too quiet to reach it count as their sample peak.

    The file is decoded in one read, as 16-bit samples (39 MB for 14.6 min): libsndfile 1.2.2
    decodes an MP3 read in pieces wrongly at the pieces' edges (mpg123: "part2_3_length too
    large"; 4096-sample reads put back_pain's true peak at -1.66 dBTP instead of -1.79)."""
    import soundfile

    pcm, _ = soundfile.read(str(path), dtype="int16", always_2d=True)
    mono = pcm[:, 0] if pcm.shape[1] == 1 else pcm.mean(axis=1)
    screen = 10 ** ((bar_db - SCREEN) / 20) * 32768
    best = 0.0
    for b0 in range(0, len(mono), BLOCK):
        inner = np.abs(mono[b0 : b0 + BLOCK].astype(np.float32))
        peak = float(inner.max(initial=0.0))
        if peak >= screen:
            lo = max(0, b0 - EDGE)
            x = mono[lo : b0 + BLOCK + EDGE] / 32768.0
            peak = 32768 * float(true_peaks(x)[b0 - lo : b0 - lo + len(inner)].max())
        best = max(best, peak)
    return 20 * float(np.log10(max(best / 32768, 1e-10)))


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
