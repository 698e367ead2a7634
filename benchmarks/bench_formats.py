"""Each audio format measured on its decoded file: onsets, chapters, loudness, size, time, memory.

Usage: .venv/bin/python benchmarks/bench_formats.py [--repeat N]     (part of ``make bench``)

For mp3, m4b and opus: ``build back_pain --tick 5 --bed noise`` (14 min, every listening
feature on), timed in its own process with its peak RSS (``wait4``), then decoded with ffmpeg
and measured as tests/test_e2e.py measures the MP3 (tests/audio_checks.py): the worst distance
from any spoken line or bell to the onset found in the decoded audio, the worst chapter start as
ffmpeg's demuxer reads it (what ``ffprobe -show_chapters`` prints), integrated loudness and true
peak (``ebur128``). Then the same build ``--repeat N`` (default 5: 70 min) shows that memory
stays flat with length.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from audio_checks import chapters, decode, ebur128, nearest_errors, onsets

CLI = str(Path(sys.executable).parent / "audio-guide")
FORMATS = ("mp3", "m4b", "opus")
EXTRA = ("--tick", "5", "--bed", "noise")


def timed(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Run ``cmd``; (wall seconds, peak RSS in MB of that process itself)."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status):
        err = proc.stderr.read().decode() if proc.stderr else ""
        raise SystemExit(f"{' '.join(cmd)} failed: {err}")
    return wall, usage.ru_maxrss / 1024


def measure(path: Path) -> dict[str, float]:
    """Onset and chapter errors (ms), loudness and true peak of the decoded ``path``."""
    timeline = json.loads(path.with_name(path.stem + ".timeline.json").read_text())
    sr = timeline["sample_rate"]
    audio = decode(path, sr)
    starts = [e["start"] for e in timeline["events"] if e["kind"] in ("speech", "chime")]
    errors = nearest_errors(starts, onsets(audio, sr, threshold_db=-40.0), sr)
    found = sorted(chapters(path), key=lambda c: int(c["START"]))
    if len(found) != len(timeline["chapters"]):
        raise SystemExit(f"{path}: {len(found)} chapters, expected {len(timeline['chapters'])}")
    chapter_errors = []
    for got, want in zip(found, timeline["chapters"], strict=True):
        num, den = (int(x) for x in got["TIMEBASE"].split("/"))
        chapter_errors.append(int(got["START"]) * num / den - want["start"])
    integrated, peak = ebur128(path)
    return {
        "onset_ms": 1000 * max(abs(x) for x in errors),
        "chapter_ms": 1000 * max(abs(x) for x in chapter_errors),
        "lufs": integrated,
        "dbtp": peak,
        "length_ms": 1000 * (len(audio) / sr - timeline["duration"]),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    repeat = parser.parse_args().repeat
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="audio-guide-formats-") as tmp_name:
        tmp = Path(tmp_name)
        env = {**os.environ, "AUDIO_GUIDE_CACHE": str(tmp / "cache")}
        env["AUDIO_GUIDE_CONFIG_DIR"] = str(tmp / "no-config")
        timed([CLI, "build", "back_pain", *EXTRA, "-o", str(tmp / "warm.wav")], env)
        lines = [
            "| format | size | build | peak RSS | worst onset | worst chapter | loudness "
            f"| true peak | `--repeat {repeat}`: build, peak RSS |",
            "|---|---|---|---|---|---|---|---|---|",
        ]
        runs = {}  # every build before any decoding: a child's peak RSS counts this process's
        for fmt in FORMATS:  # at the fork, and decoding grows it
            out = tmp / f"bp.{fmt}"
            long_out = str(tmp / f"long.{fmt}")
            long_args = ["back_pain", *EXTRA, "--repeat", str(repeat), "-o", long_out]
            runs[fmt] = (
                out,
                timed([CLI, "build", "back_pain", *EXTRA, "-o", str(out)], env),
                timed([CLI, "build", *long_args], env),
            )
        timeline = json.loads((tmp / "bp.timeline.json").read_text())
        minutes = timeline["duration"] / 60
        for fmt, (out, (wall, rss), (long_wall, long_rss)) in runs.items():
            m = measure(out)
            lines.append(
                f"| {fmt} | {out.stat().st_size / 1e6:.2f} MB | {wall:.1f} s | {rss:.0f} MB "
                f"| {m['onset_ms']:.2f} ms | {m['chapter_ms']:.2f} ms | {m['lufs']:.1f} LUFS "
                f"| {m['dbtp']:.1f} dBTP | {long_wall:.1f} s, {long_rss:.0f} MB |"
            )
    print("\n".join(lines))
    print(
        f"\n`build back_pain --tick 5 --bed noise` ({minutes:.1f} min), clips cached; "
        f"{os.cpu_count()} "
        f"CPUs; load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after"
    )


if __name__ == "__main__":
    main()
