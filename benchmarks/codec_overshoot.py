"""How far the MP3 encoder lifts true peaks over the limited master, per encoder setting.

Usage: .venv/bin/python benchmarks/codec_overshoot.py [--piper-renders N] [--offsets K]
       [--gains DB,DB] [--settings NAME ...] [--cache-dir D] [--jobs J] [--sounds M]

The sources are back_pain's distinct sounds with espeak-ng and with Piper rendered
``--piper-renders`` times (default 3; Piper samples its voice afresh on each render, so each
render is its own set of clips, kept in ``--cache-dir``/piper-I when given). Each source is
planned and its gain found as a build finds it; every distinct sound is limited as the build
limits it (``Programme.render``: the same ``Limiter`` at ``true_peak - codec_margin``) at that
gain and at the ``--gains`` offsets from it. The sounds are laid end to end with silence
between them, each starting ``offset`` samples past the encoder's 576-sample frame grid, for
``--offsets`` offsets spread over 0..575; each such stream is encoded with every setting,
decoded by libsndfile (gapless) and compared with its input, both by ``dsp.true_peaks``
(4x oversampled, as the limiter sees them).

A trial is one sound at one gain and one offset under one setting; its *overshoot* is the
decoded sound's highest true peak minus the limited input's. Per setting: trials, largest,
99th percentile and median overshoot, the highest decoded true peak over the limiter's
ceiling, and the worst trial. Then each setting encodes the whole espeak-ng back_pain master
(12.4 min): the encoder's CPU time (ffmpeg's user + system), the file size and the decoded
true peak.
"""

from __future__ import annotations

import argparse
import importlib.util
import resource
import subprocess
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt
import soundfile

from audio_guide import build as pipeline
from audio_guide.authoring.effective import effective_settings
from audio_guide.flags import layer_from_strings
from audio_guide.runtime import ffmpeg_exe
from audio_guide.sound.dsp import true_peaks
from audio_guide.sound.layout import Pcm, to_int16
from audio_guide.sound.mix import _limiter, master, measure
from audio_guide.sound.predict import Programme
from audio_guide.sound.synth import ClipCache

SETTINGS = {
    "-q:a 2": ["-q:a", "2"],
    "-q:a 1": ["-q:a", "1"],
    "-q:a 0": ["-q:a", "0"],
    "-q:a 2 -compression_level 7": ["-q:a", "2", "-compression_level", "7"],
    "-abr 1 -b:a 80k": ["-abr", "1", "-b:a", "80k"],
    "-b:a 64k": ["-b:a", "64k"],
    "-b:a 80k": ["-b:a", "80k"],
    "-b:a 96k": ["-b:a", "96k"],
    "-b:a 96k -compression_level 7": ["-b:a", "96k", "-compression_level", "7"],
    "-b:a 128k": ["-b:a", "128k"],
    "-b:a 160k": ["-b:a", "160k"],
}
"""Candidate libmp3lame settings by name (``-q:a 2`` is the product's before this benchmark)."""
GRID = 576
"""Samples per MP3 frame at 22.05 kHz (MPEG-2 layer III: one granule)."""
GAP = 4 * GRID
"""Silence between sounds in a stream: more than the MDCT's reach on either side."""


@dataclass
class Source:
    """One set of clips at one gain: its limited sounds, their labels and the ceiling."""

    name: str
    gain_db: float
    ceiling_db: float
    sounds: list[Pcm]
    labels: list[str]
    peaks: list[float] = field(default_factory=list)
    """Each limited sound's highest true peak, dBTP."""

    def __post_init__(self) -> None:
        self.peaks = [db(float(true_peaks(s / 32768.0).max())) for s in self.sounds]


@dataclass
class Tally:
    """Overshoots (dB) of one setting's trials, with the worst one's description."""

    overshoots: list[float] = field(default_factory=list)
    over_ceiling: list[float] = field(default_factory=list)
    worst: tuple[float, str] = (-np.inf, "")


def plan_for(engine: str, cache: Path) -> pipeline.Plan:
    """back_pain planned with ``engine`` (``pyttsx3`` is espeak-ng) from clips in ``cache``."""
    routine = pipeline.load("back_pain")
    settings, origins = effective_settings(routine, [layer_from_strings({"engine": engine})])
    return pipeline.make_plan(routine, settings, origins, ClipCache(cache))


def sources(name: str, plan: pipeline.Plan, gains: list[float], most: int) -> Iterator[Source]:
    """The plan's distinct sounds limited as a build limits them, at its gain plus each of
    ``gains`` (dB); the ``most`` longest-limited ones when ``most`` is positive."""
    options = pipeline.mix_options(plan.settings)
    limiter = _limiter(plan.timeline, options)
    programme = Programme(plan.timeline, plan.clips, limiter)
    levels = measure(plan.timeline, plan.clips, options, programme)
    chosen = list(programme.sounds)
    if most > 0:  # the sounds the limiter cuts deepest
        deepest = programme.reductions(levels.gain_db)
        chosen = [s for s, _, _ in sorted(deepest, key=lambda r: -r[1])[:most]]
    labels = [" + ".join(text for (_, text), _ in s.members)[:40] for s in chosen]
    ceiling = 20 * float(np.log10(limiter.ceiling))
    for extra in gains:
        gain = levels.gain_db + extra
        pcm = [to_int16(programme.render(s, 10 ** (gain / 20), True)) for s in chosen]
        yield Source(name, gain, ceiling, pcm, labels)


def db(x: float) -> float:
    return 20 * float(np.log10(max(x, 1e-12)))


def stream(sounds: list[Pcm], offset: int) -> tuple[Pcm, list[tuple[int, int, int]]]:
    """The sounds in silence, each starting ``offset`` past a frame boundary; with each sound's
    (start, window start, window end), windows meeting half-way between sounds."""
    parts: list[Pcm] = []
    spans = []
    pos = 0
    for pcm in sounds:
        start = -(-(pos + GAP) // GRID) * GRID + offset
        parts += [np.zeros(start - pos, dtype=np.int16), pcm]
        spans.append((start, start - GAP // 2, start + len(pcm) + GAP // 2))
        pos = start + len(pcm)
    # libsndfile (mpg123) decodes 40-46 samples too many when the LAME header's end padding is
    # that short (a length 1-46 past a multiple of 576 here): end half-way through a frame
    parts.append(np.zeros(GAP + (GRID // 2 - (pos + GAP)) % GRID, dtype=np.int16))
    return np.concatenate(parts), spans


def encode(pcm: Pcm, args: list[str], out: Path) -> npt.NDArray[np.float64]:
    """``pcm`` through ffmpeg/libmp3lame as the product runs it, decoded back (gapless)."""
    cmd = [ffmpeg_exe(), "-nostdin", "-hide_banner", "-loglevel", "error", "-y", "-f", "s16le",
           "-ar", "22050", "-ac", "1", "-i", "pipe:0", "-c:a", "libmp3lame", *args,
           "-write_xing", "1", "-f", "mp3", str(out)]  # fmt: skip
    subprocess.run(cmd, input=pcm.astype("<i2").tobytes(), check=True)
    decoded, _ = soundfile.read(str(out), dtype="float64")
    if len(decoded) != len(pcm):
        raise SystemExit(f"{out}: decoded {len(decoded)} samples of {len(pcm)}")
    return np.asarray(decoded)


def trial(src: Source, setting: str, offset: int, tmp: Path) -> list[tuple[float, float, str]]:
    """(overshoot dB, decoded peak over the ceiling dB, description) per sound."""
    pcm, spans = stream(src.sounds, offset)
    out = tmp / f"{src.name}-{src.gain_db:.1f}-{setting.replace(' ', '_')}-{offset}.mp3"
    decoded = encode(pcm, SETTINGS[setting], out)
    out.unlink()
    found = []
    for before, label, (_, a, b) in zip(src.peaks, src.labels, spans):
        after = db(float(true_peaks(decoded[a:b]).max()))
        what = f"{src.name} {label!r} gain {src.gain_db:+.1f} dB offset {offset}"
        found.append((after - before, after - src.ceiling_db, what))
    return found


def whole_build(plan: pipeline.Plan, settings: list[str], tmp: Path) -> list[str]:
    """Each setting encoding the whole mastered ``plan``: CPU, size, decoded true peak."""
    options = pipeline.mix_options(plan.settings)
    pcm = np.concatenate(list(master(plan.timeline, plan.clips, options)))
    minutes = len(pcm) / plan.timeline.sample_rate / 60
    lines = [
        f"whole back_pain master ({minutes:.1f} min, espeak-ng), one encode each:",
        "| setting | encoder CPU | size | decoded true peak |",
        "|---|---|---|---|",
    ]
    for setting in settings:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        decoded = encode(pcm, SETTINGS[setting], tmp / "whole.mp3")
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
        size = (tmp / "whole.mp3").stat().st_size
        peak = db(float(true_peaks(decoded).max()))
        lines.append(f"| `{setting}` | {cpu:.2f} s | {size / 1e6:.2f} MB | {peak:.2f} dBTP |")
    return lines


def report(tallies: dict[str, Tally]) -> list[str]:
    lines = ["| setting | trials | overshoot max / p99 / median | decoded peak over the ceiling, "
             "max | worst trial |", "|---|---|---|---|---|"]  # fmt: skip
    for setting, t in tallies.items():
        o = np.asarray(t.overshoots)
        lines.append(
            f"| `{setting}` | {len(o)} | {o.max():+.2f} / {np.percentile(o, 99):+.2f} / "
            f"{np.median(o):+.2f} dB | {max(t.over_ceiling):+.2f} dB | {t.worst[1]} |"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--piper-renders", type=int, default=3)
    parser.add_argument("--offsets", type=int, default=4, help="frame offsets over 0..575")
    parser.add_argument("--gains", default="0,2", help="dB added to the build's gain")
    parser.add_argument("--settings", nargs="*", default=list(SETTINGS), choices=list(SETTINGS))
    parser.add_argument("--sounds", type=int, default=0, help="only the M deepest-limited")
    parser.add_argument("--cache-dir", type=Path, help="keep the clips here between runs")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--no-whole", action="store_true", help="skip the whole-build encodes")
    args = parser.parse_args()
    gains = [float(g) for g in args.gains.split(",")]
    offsets = [round(i * GRID / args.offsets) for i in range(args.offsets)]
    started = time.perf_counter()
    version = subprocess.run([ffmpeg_exe(), "-version"], capture_output=True, text=True).stdout
    print(f"ffmpeg: {ffmpeg_exe()} ({' '.join(version.split()[:3])})")
    with tempfile.TemporaryDirectory(prefix="audio-guide-overshoot-") as scratch:
        tmp = Path(scratch)
        cache = args.cache_dir or tmp / "clips"
        names = [("espeak", "pyttsx3")]
        if importlib.util.find_spec("piper"):
            names += [(f"piper-{i}", "piper") for i in range(args.piper_renders)]
        plans = {name: plan_for(engine, cache / name) for name, engine in names}
        srcs = [s for name, plan in plans.items() for s in sources(name, plan, gains, args.sounds)]
        print(f"{len(srcs)} sources planned and limited in {time.perf_counter() - started:.0f} s")
        tallies = {s: Tally() for s in args.settings}
        jobs = [(src, s, o) for src in srcs for s in args.settings for o in offsets]
        with ThreadPoolExecutor(args.jobs) as pool:
            results = pool.map(lambda j: trial(j[0], j[1], j[2], tmp), jobs)
            for (_, setting, _), found in zip(jobs, results):
                t = tallies[setting]
                for over, above, what in found:
                    t.overshoots.append(over)
                    t.over_ceiling.append(above)
                    t.worst = max(t.worst, (over, what))
        took = time.perf_counter() - started
        print(
            f"overshoot of the decoded MP3 over the limited sounds ({len(offsets)} offsets, "
            f"gains {args.gains} dB from the build's; {took:.0f} s):"
        )
        print("\n".join(report(tallies)))
        if not args.no_whole:
            print("\n".join(whole_build(plans["espeak"], args.settings, tmp)))


if __name__ == "__main__":
    main()
