"""Master a timeline into 16-bit blocks: each sound lands at its exact sample, nothing accumulates.

Memory is one block plus the distinct clips; time grows linearly with the routine's length.
The gain that lands on the loudness target is found from the clips alone (``sound/predict.py``),
before the first block is mixed; only a bed, a continuous sound under everything, is measured
in one extra pass. Every distinct sound is limited once, so the programme is a copy into
silence; with a bed, the true-peak limiter also runs on the stream.
"""

from __future__ import annotations

import dataclasses
import hashlib
import itertools
import json
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from audio_guide.sound.analysis import AnalysisStore
from audio_guide.sound.layout import ClipSource, Pcm, to_int16
from audio_guide.sound.loudness import Limiter
from audio_guide.sound.predict import Programme
from audio_guide.timeline import Timeline

Block = npt.NDArray[np.float32]
BLOCK = 1 << 16
REFINE = 6
"""Most gains tried (each a prediction from the clips, not a pass over the programme)."""
TOLERANCE = 0.1
"""LU from the target at which the gain search stops."""
LEVELS_VERSION = "levels-2"
"""Changes whenever the prediction or search would choose a different gain."""
SQUEEZE = 12.0
"""The most gain (dB) tried beyond what the unlimited speech needs: past it the limiter would
flatten the speech, and a target out of reach gets the closest loudness within it."""

__all__ = ["BLOCK", "Block", "ClipSource", "Mastering", "MixOptions", "master", "measure"]


@dataclass(frozen=True, slots=True)
class MixOptions:
    """How the spoken timeline is mastered."""

    loudness: float | None = -16.0
    """Integrated loudness target (LUFS); None leaves levels as spoken, only the true-peak
    limiter trimming what would pass the ceiling (espeak-ng's loudest clips reached +0.1 dBTP
    in the MP3 without it)."""
    true_peak: float = -1.0
    """The highest true peak allowed in the file, dBTP."""
    codec_margin: float = 1.0
    """Headroom kept below ``true_peak`` for the MP3 encoder's own overshoot, dB. LAME at
    ``-q:a 2`` and 22.05 kHz put speech limited over 20 ms 0.5-1.4 dB over the limiter's
    ceiling as ffmpeg's ebur128 reads the MP3; the 5 ms limiter leaves fewer samples at the
    ceiling, and back_pain's MP3 reads -1.7 dBTP with espeak-ng and with Piper at -16 LUFS,
    -1.9 with ``--loudness off`` (``tests/test_e2e.py``, ``tests/test_mastering_real.py``).
    Not a bound: LAME's overshoot is chaotic with gain and frame alignment, and no libmp3lame
    setting bounds it with the wheel's ffmpeg 9 (``benchmarks/codec_overshoot.py``: a Piper
    plosive, "Press steadily...", came out 1.6 dB over its limited input at ``-q:a 2``, 1.2 at
    ``-q:a 0``, 2.4 at 96 kbit/s CBR, 1.0 at 160 kbit/s; with Debian's ffmpeg 5.1 CBR stayed
    under its input). So the MP3 is checked after encoding and, over ``true_peak``, mastered
    again with 0.5 dB more margin (``outputs/peakcheck.py``, ``build._write_audio``)."""
    bed: str | None = None
    """``noise``, an audio file, or None."""
    bed_level: float = -20.0
    """Bed loudness in the gaps, dB relative to the speech's loudness."""


@dataclass(frozen=True, slots=True)
class Mastering:
    """What ``measure`` found, for ``master`` to apply."""

    speech_lufs: float
    """Loudness of the spoken track as synthesized."""
    gain_db: float
    """Gain applied to every clip before limiting."""
    bed_gain_db: float | None
    """Gain that puts the bed at its level, or None without a bed."""
    predicted_lufs: float
    """Integrated loudness of the finished programme, as predicted before mixing."""
    passes: int
    """Passes over the programme's length spent measuring (0, or 1 with a bed)."""


def measure(
    timeline: Timeline, clips: ClipSource, options: MixOptions, programme: Programme | None = None
) -> Mastering:
    """The speech's loudness, the gain that lands on the target once the clips are limited
    (secant method on predictions), and the bed's gain and contribution (one measuring pass).

    Without a bed the result is kept in the analysis store, keyed by everything it depends
    on, so rebuilding an unchanged routine skips the search."""
    programme = programme or Programme(timeline, clips, _limiter(timeline, options))
    name = None if options.bed is not None else _levels_name(timeline, programme, options)
    kept = programme.store.recall(name) if name else None
    if kept is not None:
        try:
            return Mastering(**kept)  # type: ignore[arg-type]
        except TypeError:
            pass
    levels = _measure(timeline, programme, options)
    if name:
        programme.store.keep(name, dataclasses.asdict(levels))
    return levels


def _levels_name(timeline: Timeline, programme: Programme, options: MixOptions) -> str | None:
    """What the levels depend on, hashed: every sound's clips (by their samples) and starts,
    the options and this module's search rules; None without a store."""
    if programme.store.folder is None:
        return None
    sr = timeline.sample_rate
    rules = [LEVELS_VERSION, REFINE, TOLERANCE, SQUEEZE, dataclasses.asdict(options)]
    name = hashlib.blake2b(json.dumps([rules, sr, timeline.samples]).encode(), digest_size=20)
    for sound, starts in programme.sounds.items():
        members = [(programme.store.digest(programme.raw[k], sr), off) for k, off in sound.members]
        name.update(json.dumps(members).encode())
        name.update(np.asarray(starts, dtype="<i8").tobytes())
    return name.hexdigest()


def _measure(timeline: Timeline, programme: Programme, options: MixOptions) -> Mastering:
    sr = timeline.sample_rate
    speech = programme.loudness(0.0, limited=False)
    bed_gain = bed_steps = None
    passes = 0
    if options.bed is not None:
        from audio_guide.sound.loudness import LoudnessMeter, loudness_of

        first = itertools.islice(_bed(options.bed, sr), 30 * sr // BLOCK + 1)
        reference = speech if options.loudness is None else options.loudness
        bed_gain = reference + options.bed_level - loudness_of(first, sr)
        meter = LoudnessMeter(sr)
        for block in _bed_blocks(timeline, options.bed, 10 ** (bed_gain / 20)):
            meter.add(block)
        bed_steps = np.asarray(meter.hops)
        passes = 1
    if options.loudness is None:
        return Mastering(speech, 0.0, bed_gain, programme.loudness(0.0, False, bed_steps), passes)
    target = options.loudness
    tried: list[tuple[float, float]] = [(0.0, speech)]
    gain_db = target - speech
    best = (float("inf"), 0.0, speech)
    for _ in range(REFINE):
        got = programme.loudness(gain_db, extra=bed_steps)
        tried.append((gain_db, got))
        best = min(best, (abs(target - got), gain_db, got))
        if abs(target - got) <= TOLERANCE:
            break
        (g0, l0), (g1, l1) = tried[-2:]
        slope = (l1 - l0) / (g1 - g0) if g1 != g0 and l1 != l0 else 1.0
        gain_db = g1 + (target - l1) / min(1.0, max(0.1, slope))
        gain_db = min(gain_db, target - speech + SQUEEZE)
        if gain_db == g1:
            break
    return Mastering(speech, best[1], bed_gain, best[2], passes)


def master(
    timeline: Timeline,
    clips: ClipSource,
    options: MixOptions,
    levels: Mastering | None = None,
    store: AnalysisStore | None = None,
) -> Iterator[Pcm]:
    """The finished track as 16-bit blocks (limited sounds, bed, limiter), ready to encode.

    ``store`` keeps the clips' analysis between builds (see ``sound/analysis.py``)."""
    limiter = _limiter(timeline, options)
    programme = Programme(timeline, clips, limiter, store)
    if options.loudness is None and options.bed is None:
        levels = levels or Mastering(0.0, 0.0, None, 0.0, 0)
    levels = levels or measure(timeline, clips, options, programme)
    blocks = programme.blocks(levels.gain_db, True, BLOCK)
    if options.bed is None or levels.bed_gain_db is None:
        yield from blocks
        return
    bed = _bed_blocks(timeline, options.bed, 10 ** (levels.bed_gain_db / 20))
    mixed = (pcm / np.float32(32768.0) + b for pcm, b in zip(blocks, bed))
    for block in limiter.process(mixed):
        yield to_int16(np.asarray(block, dtype=np.float64))


def _limiter(timeline: Timeline, options: MixOptions) -> Limiter:
    return Limiter(timeline.sample_rate, options.true_peak - options.codec_margin)


def _bed(spec: str, sr: int) -> Iterator[Block]:
    from audio_guide.sound import bed  # scipy.signal, for the noise filters

    return bed.source(spec, sr, BLOCK)


def _bed_blocks(timeline: Timeline, spec: str, gain: float) -> Iterator[Block]:
    """The bed at ``gain``, ducked and faded, in blocks matching the programme's."""
    from audio_guide.sound import bed

    sr = timeline.sample_rate
    intervals = bed.duck_intervals([(e.start, e.end) for e in timeline.events])
    stream = _bed(spec, sr)
    for b0 in range(0, timeline.samples, BLOCK):
        n = min(BLOCK, timeline.samples - b0)
        env = bed.envelope(intervals, b0, n, sr, timeline.samples)
        yield (next(stream)[:n] * (env * gain)).astype(np.float32)
