"""How much the true-peak limiter takes off each distinct sound at the loudness target.

Usage: .venv/bin/python benchmarks/gain_reduction.py [ROUTINE] [--loudness L] [--cache-dir D]
       (``make bench`` runs it on back_pain at the default -16 LUFS, espeak and Piper)

For each engine the routine is planned (clips synthesized into a scratch cache unless
``--cache-dir`` is given), the gain is found as a build finds it, and every distinct sound
(a clip, or clips mixed where they overlap) is put through the limiter at that gain
(``Programme.reductions``). Two figures per sound: the most the limiter takes at any instant
(dB at its gain curve's floor: what it does to the loudest peaks) and the loudness it takes
(LU: how much of the sound's K-weighted energy it removes). Medians and largest, over all
sounds and over the counts alone.
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import tempfile
from pathlib import Path

from audio_guide import build as pipeline
from audio_guide.authoring.effective import effective_settings
from audio_guide.flags import layer_from_strings
from audio_guide.sound.mix import _limiter, measure
from audio_guide.sound.predict import Programme
from audio_guide.sound.synth import ClipCache


def table(routine_name: str, loudness: str, engines: list[str], cache: Path) -> list[str]:
    """The report's lines, one per engine."""
    routine = pipeline.load(routine_name)
    lines = [
        "| engine | gain | peak reduction, median / largest | of the counts | loudness taken, "
        "median / largest |",
        "|---|---|---|---|---|",
    ]
    for engine in engines:
        layer = layer_from_strings({"engine": engine, "loudness": loudness})
        settings, origins = effective_settings(routine, [layer])
        plan = pipeline.make_plan(routine, settings, origins, ClipCache(cache))
        options = pipeline.mix_options(settings)
        programme = Programme(plan.timeline, plan.clips, _limiter(plan.timeline, options))
        levels = measure(plan.timeline, plan.clips, options, programme)
        found = programme.reductions(levels.gain_db)
        peak = [d for _, d, _ in found]
        counts = [d for s, d, _ in found if all(k[1].strip().isdigit() for k, _ in s.members)]
        taken = [t for _, _, t in found]
        lines.append(
            f"| {engine} | {levels.gain_db:+.1f} dB | {statistics.median(peak):.1f} / "
            f"{max(peak):.1f} dB | {statistics.median(counts or [0]):.1f} / "
            f"{max(counts or [0]):.1f} dB | {statistics.median(taken):.2f} / {max(taken):.2f} LU |"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("routine", nargs="?", default="back_pain")
    parser.add_argument("--loudness", default="-16")
    parser.add_argument("--cache-dir", type=Path)
    args = parser.parse_args()
    engines = ["pyttsx3"] + (["piper"] if importlib.util.find_spec("piper") else [])
    with tempfile.TemporaryDirectory(prefix="audio-guide-gr-") as tmp:
        lines = table(args.routine, args.loudness, engines, args.cache_dir or Path(tmp))
    print(f"limiter gain reduction per distinct sound, {args.routine} at {args.loudness} LUFS:")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
