"""Render long routines and report wall time, realtime factor and peak memory.

Usage: .venv/bin/python benchmarks/bench_render.py [ROUNDS ...]   (default: 1 3 5)

Each size is the shipped back_pain routine repeated ROUNDS times (about 12.5 minutes a round),
built to MP3 with the default mastering (-16 LUFS, bells) in its own process, so peak RSS is that
build's alone. Clips come from the cache after a warm-up build, as they would on a rebuild;
the figures are for mixing, measuring loudness, limiting and encoding.

Then ``cold_engines``: one cold build of back_pain (no clip cache) with each speech engine,
espeak-ng (``pyttsx3``) and, when installed, Piper.
"""

from __future__ import annotations

import io
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def one(rounds: int, out: Path) -> dict[str, float]:
    """Build once in this process and measure it."""
    from audio_guide.cli import main

    started = time.perf_counter()
    err = io.StringIO()
    argv = ["build", "back_pain", "--repeat", str(rounds), "-o", str(out)]
    code = main(argv, out=io.StringIO(), err=err)
    if code:
        raise SystemExit(err.getvalue())
    wall = time.perf_counter() - started
    audio = json.loads(out.with_name(out.stem + ".timeline.json").read_text())["duration"]
    return {
        "rounds": rounds,
        "audio_min": audio / 60,
        "wall_s": wall,
        "realtime_x": audio / wall,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "mp3_mb": out.stat().st_size / 1e6,
    }


def main() -> None:
    if sys.argv[1:2] == ["--one"]:
        print(json.dumps(one(int(sys.argv[2]), Path(sys.argv[3]))))
        return
    sizes = [int(a) for a in sys.argv[1:]] or [1, 3, 5]
    with tempfile.TemporaryDirectory() as tmp:
        rows = []
        for rounds in [1, *sizes]:
            cmd = [sys.executable, __file__, "--one", str(rounds), str(Path(tmp) / "b.mp3")]
            done = subprocess.run(cmd, capture_output=True, text=True, check=True)
            rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
    head = ("rounds", "audio min", "wall s", "x realtime", "peak RSS MB", "MP3 MB")
    print(" ".join(f"{h:>{w}}" for h, w in zip(head, (6, 9, 7, 10, 11, 7), strict=True)))
    for r in rows[1:]:
        print(
            f"{r['rounds']:>6} {r['audio_min']:>9.1f} {r['wall_s']:>7.1f} {r['realtime_x']:>10.0f}"
            f" {r['peak_rss_mb']:>11.0f} {r['mp3_mb']:>7.1f}"
        )



def cold_engines() -> None:
    """Cold builds of back_pain (``--no-cache``: every clip synthesized) with espeak and Piper.

    Each build runs the CLI in its own process; Piper is skipped when piper-tts is not installed.
    """
    import importlib.util

    engines = ["pyttsx3"] + (["piper"] if importlib.util.find_spec("piper") else [])
    print(f"{'cold build of back_pain':<28} {'wall s':>7} {'audio min':>9} {'x realtime':>10}")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "cold.mp3"
        for engine in engines:
            argv = ["-m", "audio_guide", "build", "back_pain", "--no-cache", "--engine", engine]
            started = time.perf_counter()
            subprocess.run([sys.executable, *argv, "-o", str(out)], check=True,
                           capture_output=True)  # fmt: skip
            wall = time.perf_counter() - started
            audio = json.loads(out.with_name("cold.timeline.json").read_text())["duration"]
            label = f"--engine {engine}"
            print(f"{label:<28} {wall:>7.1f} {audio / 60:>9.1f} {audio / wall:>10.0f}")


if __name__ == "__main__":
    main()
    cold_engines()
