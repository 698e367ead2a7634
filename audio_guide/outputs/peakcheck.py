"""The MP3's true peak, checked after encoding, and the masters re-encoded until it passes.

LAME lifts some limited peaks over the limiter's ceiling by an amount no encoder setting bounds
with the imageio-ffmpeg wheel's ffmpeg (``benchmarks/codec_overshoot.py``; docs/benchmarks.md,
"The encoder's overshoot"): a Piper plosive came out up to 2.7 dB over its limited input. So
the finished MP3 is decoded a piece at a time (miniaudio's dr_mp3, gapless) and measured as the
limiter measures (4x true peaks); over ``MixOptions.true_peak`` the track is mastered again
with ``RETRY_MARGIN`` more headroom and encoded again. Each verdict is kept in the analysis
store under a hash of the PCM that went to the encoder and the encoder's command, so an
unchanged rebuild is not decoded.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from audio_guide.sound.dsp import true_peaks

if TYPE_CHECKING:
    from audio_guide.sound.layout import Pcm

READ = 1 << 16
"""Samples decoded at a time (3 s at 22.05 kHz)."""
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
    """The highest 4x true peak (dBTP) of the audio in ``path``, where it can reach ``bar_db``;
    blocks too quiet to reach it count as their sample peak.

    Decoded a piece at a time by miniaudio (dr_mp3, gapless), so memory stays flat with the
    track's length: on back_pain's 14.6-min MP3 the same samples as libsndfile's mpg123 to one
    least significant bit, the same true peak to 1e-5 dB, in 0.34 s of CPU. (libsndfile 1.2.2
    decodes an MP3 read in pieces wrongly at the pieces' edges, "part2_3_length too large",
    and read whole would hold 39 MB for 14.6 min, 165 MB for an hour.)"""
    import miniaudio

    rate = miniaudio.mp3_get_file_info(str(path)).sample_rate
    screen = 10 ** ((bar_db - SCREEN) / 20) * 32768
    stream = miniaudio.stream_file(
        str(path),
        output_format=miniaudio.SampleFormat.SIGNED16,
        nchannels=1,
        sample_rate=rate,
        frames_to_read=READ,
    )
    best = 0.0
    before = np.zeros(0, dtype=np.int16)
    held: npt.NDArray[np.int16] | None = None
    for chunk in itertools.chain(stream, [None]):
        after = None if chunk is None else np.frombuffer(chunk, dtype=np.int16)
        if held is not None:  # measured once the next piece gives its right-hand context
            context = after[:EDGE] if after is not None else before[:0]
            x = np.concatenate([before, held, context])
            best = max(best, _screened(x, len(before), len(held), screen))
            before = held[-EDGE:]
        held = after
    return 20 * float(np.log10(max(best / 32768, 1e-10)))


def _screened(x: npt.NDArray[np.int16], start: int, n: int, screen: float) -> float:
    """The highest peak of ``x[start:start + n]``, oversampled in blocks that reach ``screen``
    (``x`` holds ``EDGE`` samples of context on each side where the track has them)."""
    best = 0.0
    for b0 in range(start, start + n, BLOCK):
        b1 = min(b0 + BLOCK, start + n)
        peak = float(np.abs(x[b0:b1].astype(np.int32)).max(initial=0))
        if peak >= screen:
            lo, hi = max(0, b0 - EDGE), min(len(x), b1 + EDGE)
            peak = 32768 * float(true_peaks(x[lo:hi] / 32768.0)[b0 - lo : b1 - lo].max())
        best = max(best, peak)
    return best


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
