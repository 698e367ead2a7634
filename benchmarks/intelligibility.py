"""How many spoken counts a speech recogniser catches, at several loudness targets.

Usage: .venv/bin/python benchmarks/intelligibility.py [ROUTINE] [--engine E ...] [--loudness L ...]
       (defaults: back_pain, pyttsx3 and piper, -16 and -19; needs ``pip install pocketsphinx``,
       the ``bench`` extra)

Each build is the installed ``audio-guide build`` to an MP3, decoded back with ffmpeg. Every
event with the role ``count`` is cut from its onset to one second later (its own second, never
past the next event) and given to PocketSphinx (its bundled US English acoustic model, at 16 kHz)
with a grammar of the numbers 0 to 99 spelled as words: a count is caught when it hears exactly
its own number ("twenty one" for 21). The grammar keeps it fast (~0.05 s a count; its open
language model took ~1 s) and measures what a listener needs: telling the numbers apart. Also
prints ffmpeg's ebur128 reading of each MP3.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
from recognise import hypothesis, number_decoder, spelled

BIN = Path(sys.executable).parent


def ffmpeg() -> str:
    from audio_guide.runtime import ffmpeg_exe

    return ffmpeg_exe()


def decode16k(mp3: Path) -> np.ndarray:
    raw = subprocess.run(
        [ffmpeg(), "-nostdin", "-v", "error", "-i", str(mp3), "-f", "s16le", "-ac", "1",
         "-ar", "16000", "-"],
        check=True, capture_output=True,
    ).stdout  # fmt: skip
    return np.frombuffer(raw, dtype="<i2")


def ebur128(mp3: Path) -> tuple[float, float]:
    """(integrated LUFS, true peak dBTP) as ffmpeg's ebur128 filter reads the file."""
    out = subprocess.run(
        [ffmpeg(), "-nostdin", "-hide_banner", "-nostats", "-i", str(mp3), "-map", "0:a",
         "-af", "ebur128=peak=true", "-f", "null", "-"],
        capture_output=True, text=True, errors="replace", check=True,
    ).stderr  # fmt: skip
    summary = out[out.rindex("Summary:") :]
    return (
        float(summary.split("I:")[1].split("LUFS")[0]),
        float(summary.split("Peak:")[1].split("dBFS")[0]),
    )


def caught(audio: np.ndarray, timeline: dict[str, object]) -> tuple[int, int]:
    """(counts heard, counts asked) in a decoded build."""
    decoder = number_decoder(range(100))
    events = sorted(timeline["events"], key=lambda e: e["start"])  # type: ignore[index]
    hits = total = 0
    for i, event in enumerate(events):
        if event["role"] != "count":
            continue
        total += 1
        end = event["start"] + 1.0
        if i + 1 < len(events):
            end = min(end, events[i + 1]["start"])
        piece = audio[round(event["start"] * 16000) : round(end * 16000)]
        heard = hypothesis(decoder, piece.tobytes()).split()
        hits += heard == spelled(int(event["text"].strip(".")))
    return hits, total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("routine", nargs="?", default="back_pain")
    parser.add_argument("--engine", action="append", dest="engines")
    parser.add_argument("--loudness", action="append", dest="targets")
    parser.add_argument("--cache-dir", help="clip cache to use (default: a scratch folder)")
    args = parser.parse_args()
    engines = args.engines or ["pyttsx3", "piper"]
    targets = args.targets or ["-16", "-19"]
    print("| engine | loudness | counts caught | rate | ebur128 I | true peak |")
    print("|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory(prefix="audio-guide-intel-") as tmp_name:
        tmp = Path(tmp_name)
        cache = args.cache_dir or str(tmp / "cache")
        env = {**os.environ, "AUDIO_GUIDE_CONFIG_DIR": str(tmp / "no-config")}
        for engine in engines:
            for target in targets:
                mp3 = tmp / f"{engine}{target}.mp3"
                proc = subprocess.run(
                    [str(BIN / "audio-guide"), "build", args.routine, "--engine", engine,
                     "--loudness", target, "--cache-dir", cache, "-o", str(mp3)],
                    env=env, capture_output=True, text=True,
                )  # fmt: skip
                if proc.returncode:
                    print(f"| {engine} | {target} | build failed: {proc.stderr.strip()} |")
                    continue
                timeline = json.loads(mp3.with_name(mp3.stem + ".timeline.json").read_text())
                hits, total = caught(decode16k(mp3), timeline)
                lufs, peak = ebur128(mp3)
                print(
                    f"| {engine} | {target} | {hits}/{total} | {hits / max(total, 1):.3f} "
                    f"| {lufs:.1f} LUFS | {peak:.1f} dBTP |",
                    flush=True,
                )


if __name__ == "__main__":
    main()
