"""Time builds against the floor: a bare MP3 encode of the very audio each build produced.

Usage: .venv/bin/python benchmarks/bench_render.py [--runs N]     (``make bench``; N = 3)

Every row runs the installed ``audio-guide`` command in its own process, in turn with its floor
(``ffmpeg -f s16le ... -c:a libmp3lame -q:a 2`` on the build's MP3 decoded back to PCM), and
reports medians of N: the build, the floor, their ratio and the target. Clips come from a
scratch cache filled by an untimed warm-up build of each row (``--no-cache`` rows synthesize
everything).
Peak RSS (``wait4``) is the largest the build's process or any process it waited for (speech
workers, ffmpeg) reached, by row; every row is held to ``RSS_TARGET_MB``. To add a row, e.g. for
another engine, add one ``Row`` to ``ROWS``.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

BIN = Path(sys.executable).parent
CLI = str(BIN / "audio-guide")


@dataclass(frozen=True)
class Row:
    """One timed build: its label, its arguments after ``build``, and the ratio it must meet."""

    label: str
    args: tuple[str, ...]
    target: float | None
    """The ratio to the floor to stay under; None only reports it."""
    cold: bool = False
    """Each timed run starts from an empty clip cache (every clip synthesized and stored)."""


ROWS = (
    Row("`build back_pain` (12.4 min, clips cached)", ("back_pain",), 1.3),
    Row("`build back_pain` (cold: empty clip cache)", ("back_pain",), 2.0, cold=True),
    Row("`build back_pain --no-cache`", ("back_pain", "--no-cache"), 2.0),
    Row("`build back_pain --repeat 5` (62 min, cached)", ("back_pain", "--repeat", "5"), 1.3),
)
if importlib.util.find_spec("piper"):  # the optional 'natural' extra
    ROWS += (
        Row(
            "`build back_pain --engine piper --no-cache`",
            ("back_pain", "--engine", "piper", "--no-cache"),
            None,
        ),
    )
RSS_TARGET_MB = 120.0
HELP_TARGET_S = 0.3


def ffmpeg() -> str:
    """The ffmpeg the builds use."""
    from audio_guide.runtime import ffmpeg_exe

    return ffmpeg_exe()


def timed(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Run ``cmd``; return (wall seconds, peak RSS in MB of that process itself)."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode() if proc.stderr else ""
    if proc.returncode:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}): {err}")
    return wall, usage.ru_maxrss / 1024


def floor_input(mp3: Path, pcm: Path) -> int:
    """Decode ``mp3`` to mono s16le at its own rate; return the rate."""
    import json

    rate = json.loads(mp3.with_name(mp3.stem + ".timeline.json").read_text())["sample_rate"]
    subprocess.run(
        [ffmpeg(), "-nostdin", "-v", "error", "-y", "-i", str(mp3), "-f", "s16le", "-ac", "1",
         "-ar", str(rate), str(pcm)],
        check=True,
    )  # fmt: skip
    return int(rate)


def floor_cmd(pcm: Path, rate: int, out: Path) -> list[str]:
    """The bare encode the build is measured against."""
    return [
        ffmpeg(), "-nostdin", "-v", "error", "-y", "-f", "s16le", "-ar", str(rate), "-ac", "1",
        "-i", str(pcm), "-c:a", "libmp3lame", "-q:a", "2", "-f", "mp3", str(out),
    ]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    runs = parser.parse_args().runs
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="audio-guide-bench-") as tmp_name:
        tmp = Path(tmp_name)
        env = {**os.environ, "AUDIO_GUIDE_CACHE": str(tmp / "cache")}
        env["AUDIO_GUIDE_CONFIG_DIR"] = str(tmp / "no-config")
        for row in ROWS:  # fill the cache for every row (untimed)
            if "--no-cache" not in row.args and not row.cold:
                timed([CLI, "build", *row.args, "-o", str(tmp / "warm.mp3")], env)
        lines = [
            "| | build | the floor | ratio | target | peak RSS | target |",
            "|---|---|---|---|---|---|---|",
        ]
        mb = f"≤ {RSS_TARGET_MB:.0f} MB"
        for n, row in enumerate(ROWS):
            out = tmp / "b.mp3"
            builds, floors, peak = [], [], 0.0
            for run in range(runs):
                if row.cold:
                    env = {**env, "AUDIO_GUIDE_CACHE": str(tmp / f"cold-{n}-{run}")}
                wall, rss = timed([CLI, "build", *row.args, "-o", str(out)], env)
                builds.append(wall)
                peak = max(peak, rss)
                rate = floor_input(out, tmp / "b.pcm")
                floors.append(timed(floor_cmd(tmp / "b.pcm", rate, tmp / "f.mp3"), env)[0])
            env["AUDIO_GUIDE_CACHE"] = str(tmp / "cache")
            b, f = statistics.median(builds), statistics.median(floors)
            goal = "" if row.target is None else f"≤ {row.target}x"
            ok = "" if row.target is None else " ok" if b / f <= row.target else " MISSED"
            held = "" if row.target is None else "ok" if peak <= RSS_TARGET_MB else "MISSED"
            lines.append(
                f"| {row.label} | {b:.2f} s | {f:.2f} s | {b / f:.2f}x | {goal}{ok} "
                f"| {peak:.0f} MB | {mb if held else ''} {held} |"
            )
        helps = [timed([CLI, "--help"], env)[0] for _ in range(runs)]
        h = statistics.median(helps)
        ok = "ok" if h <= HELP_TARGET_S else "MISSED"
        lines.append(f"| `audio-guide --help` | {h:.2f} s | | | ≤ {HELP_TARGET_S} s {ok} | | |")
    print("\n".join(lines))
    print(
        f"\nmedians of {runs}; {os.cpu_count()} CPUs; load average {load_before:.1f} before, "
        f"{os.getloadavg()[0]:.1f} after (figures from a busy machine are not comparable)"
    )


if __name__ == "__main__":
    main()
