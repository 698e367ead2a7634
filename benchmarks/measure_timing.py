"""Build a routine with the real engine, decode the MP3 and report timing errors.

Usage: .venv/bin/python benchmarks/measure_timing.py [ROUTINE] [extra build flags...]
Prints the decoded-vs-timeline duration error, the worst onset error over all sounds, and the
worst hold-length error, measured with the test suite's own onset detection.
"""

from __future__ import annotations

import io
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from audio_checks import decode, nearest_errors, onsets

from audio_guide.cli import main


def measure(routine: str, flags: list[str]) -> dict[str, float]:
    """Render ``routine`` and measure it."""
    with tempfile.TemporaryDirectory() as tmp:
        mp3 = Path(tmp) / "m.mp3"
        started = time.perf_counter()
        code = main(["build", routine, "-o", str(mp3), *flags], out=io.StringIO())
        build_s = time.perf_counter() - started
        if code:
            raise SystemExit(code)
        tl = json.loads((Path(tmp) / "m.timeline.json").read_text())
        sr = tl["sample_rate"]
        audio = decode(mp3, sr)
        found = onsets(audio, sr, threshold_db=-40.0)
        errs = nearest_errors([e["start"] for e in tl["events"]], found, sr)
        times = found / sr
        hold_errs = []
        for h in tl["holds"]:
            a = times[np.argmin(np.abs(times - h["start"]))]
            b = times[np.argmin(np.abs(times - h["end"]))]
            hold_errs.append((b - a) - h["seconds"])
        return {
            "audio_s": tl["duration"],
            "build_s": build_s,
            "mp3_bytes": mp3.stat().st_size,
            "duration_error_ms": 1000 * (len(audio) / sr - tl["duration"]),
            "events": len(errs),
            "worst_onset_error_ms": 1000 * max(abs(e) for e in errs),
            "mean_onset_error_ms": 1000 * float(np.mean(np.abs(errs))),
            "holds": len(hold_errs),
            "worst_hold_error_ms": 1000 * max(abs(e) for e in hold_errs),
        }


if __name__ == "__main__":
    args = sys.argv[1:] or ["back_pain"]
    for key, value in measure(args[0], args[1:]).items():
        print(f"{key:>22}: {value:.3f}" if isinstance(value, float) else f"{key:>22}: {value}")
