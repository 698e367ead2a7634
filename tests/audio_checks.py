"""Independent measurements on rendered audio: decode, find onsets, match them.

MP3s at the asked rate are decoded by libsndfile (mpg123, gapless: the encoder delay and padding
in the LAME header are dropped, as ffmpeg drops them), everything else by ffmpeg. The wheel's
ffmpeg hands every frame from thread to thread: a 12-minute MP3 took 1.35 s of CPU to decode
with it (half of it in the kernel) and 0.37 s with libsndfile; ``test_e2e`` checks that both
decoders give the same samples.

Nothing here reads the compiler's numbers except to say which onset is expected where.
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from audio_guide.runtime import ffmpeg_exe

Audio = npt.NDArray[np.float32]


PCM = ["-f", "s16le", "-ac", "1"]
"""ffmpeg output options: raw mono 16-bit samples (``-ar`` and the target follow)."""


def decode(path: Path, sample_rate: int) -> Audio:
    """Decode any file ffmpeg reads to mono float32 at ``sample_rate``."""
    if path.suffix.lower() == ".mp3":
        import soundfile

        if soundfile.info(str(path)).samplerate == sample_rate:
            samples, _ = soundfile.read(str(path), dtype="int16", always_2d=True)
            mono = samples.mean(axis=1) if samples.shape[1] > 1 else samples[:, 0]
            return np.asarray(mono, dtype=np.float32) / 32768.0
    return decode_with_ffmpeg(path, sample_rate)


def decode_with_ffmpeg(path: Path, sample_rate: int) -> Audio:
    """``decode`` by ffmpeg, whatever the file."""
    cmd = [ffmpeg_exe(), "-nostdin", "-hide_banner", "-loglevel", "error", "-i", str(path),
           "-map", "0:a", *PCM, "-ar", str(sample_rate), "pipe:1"]  # fmt: skip
    raw = subprocess.run(cmd, check=True, capture_output=True).stdout
    return _samples(raw)


def decode_and_meter(path: Path, sample_rate: int) -> tuple[Audio, tuple[float, float]]:
    """``decode`` and ``ebur128`` of one file in one ffmpeg run: the file is decoded once and
    the decoded stream split between the meter and the samples (a 15-minute MP3 costs ~1 s of
    CPU per decode)."""
    graph = "[0:a]asplit=2[pcm][meter];[meter]ebur128=peak=true,anullsink"
    cmd = [ffmpeg_exe(), "-nostdin", "-hide_banner", "-nostats", "-i", str(path),
           "-filter_complex", graph, "-map", "[pcm]", *PCM, "-ar", str(sample_rate),
           "pipe:1"]  # fmt: skip
    proc = subprocess.run(cmd, check=True, capture_output=True)
    return _samples(proc.stdout), _loudness(proc.stderr.decode("utf-8", errors="replace"))


def _samples(raw: bytes) -> Audio:
    return np.frombuffer(raw, dtype="<i2").astype(np.float32) / 32768.0


def onsets(
    audio: Audio, sr: int, threshold_db: float = -36.0, min_silence: float = 0.06
) -> npt.NDArray[np.int64]:
    """Sample indexes where sound starts after at least ``min_silence`` seconds of quiet.

    Sound is any sample whose magnitude exceeds ``threshold_db`` dBFS.
    """
    thr = 10 ** (threshold_db / 20)
    loud = np.flatnonzero(np.abs(audio) > thr)
    if loud.size == 0:
        return np.zeros(0, dtype=np.int64)
    gaps = np.diff(loud)
    starts = [loud[0]] + [loud[i + 1] for i in np.flatnonzero(gaps > min_silence * sr)]
    return np.asarray(starts, dtype=np.int64)


def nearest_errors(planned: list[float], found: npt.NDArray[np.int64], sr: int) -> list[float]:
    """For each planned time (s), the signed distance (s) to the nearest detected onset."""
    times = found / sr
    out = []
    for t in planned:
        i = int(np.searchsorted(times, t))
        cands = [times[j] for j in (i - 1, i) if 0 <= j < len(times)]
        out.append(min((c - t for c in cands), key=abs) if cands else float("inf"))
    return out


def ffmpeg_text(*args: str) -> str:
    """Run ffmpeg and return what it printed (stdout and stderr).

    ffmpeg cuts long tag values (the ID3 comment) in its log at a byte count, possibly inside a
    multi-byte character, so undecodable bytes are replaced rather than raised on.
    """
    proc = subprocess.run(
        [ffmpeg_exe(), "-nostdin", "-hide_banner", "-nostats", *args],
        capture_output=True,
        text=True,
        errors="replace",
        check=True,
    )
    return proc.stdout + proc.stderr


def ebur128(path: Path) -> tuple[float, float]:
    """(integrated LUFS, true peak dBTP) as ffmpeg's ebur128 filter reports them."""
    out = ffmpeg_text("-i", str(path), "-map", "0:a", "-af", "ebur128=peak=true", "-f", "null", "-")
    return _loudness(out)


def _loudness(log: str) -> tuple[float, float]:
    """(integrated LUFS, true peak dBTP) from the summary ffmpeg's ebur128 filter logs."""
    summary = log[log.rindex("Summary:") :]
    integrated = float(summary.split("I:")[1].split("LUFS")[0])
    peak = float(summary.split("Peak:")[1].split("dBFS")[0])
    return integrated, peak


def chapters(path: Path) -> list[dict[str, str]]:
    """Chapters as ffmpeg's demuxer reads them (ffmetadata: START/END in TIMEBASE units).

    No ffprobe here (the imageio-ffmpeg wheel lacks it). ``-copyts`` keeps the chapter times as
    the demuxer read them, which is what ``ffprobe -show_chapters`` prints; without it the
    ffmpeg CLI shifts chapters by the stream's start time (the encoder delay).
    """
    text = ffmpeg_text("-loglevel", "error", "-copyts", "-i", str(path), "-f", "ffmetadata", "-")
    found: list[dict[str, str]] = []
    current: dict[str, str] | None = None
    for line in text.splitlines():
        if line.strip() == "[CHAPTER]":
            current = {}
            found.append(current)
        elif current is not None and "=" in line:
            key, _, value = line.partition("=")
            current[key] = value.replace("\\", "")
        elif line.startswith("["):
            current = None
    return found


def tone_ratio(audio: Audio, sr: int, start: float, freq: float, seconds: float = 0.25) -> float:
    """Power at ``freq`` over the mean power 60 Hz either side, just after ``start``."""
    i = round(start * sr)
    x = audio[i : i + round(seconds * sr)].astype(np.float64) * np.hanning(round(seconds * sr))
    t = np.arange(len(x)) / sr

    def power(f: float) -> float:
        return float(abs(np.sum(x * np.exp(-2j * np.pi * f * t))) ** 2)

    return power(freq) / ((power(freq - 60) + power(freq + 60)) / 2 + 1e-20)


def count_timing(
    timeline: dict[str, Any], audio: Audio, sr: int, found: npt.NDArray[np.int64]
) -> tuple[float, float]:
    """(worst distance of a count's detected onset from its whole second, shortest quiet
    between a count's sound and the next onset), in seconds, measured on decoded ``audio``.

    A count's second is its hold's start plus a whole number of seconds; the quiet after it is
    the longest run of samples under -40 dBFS between its onset and the next planned onset.
    """
    thr = 10 ** (-40 / 20)
    starts = sorted(e["start"] for e in timeline["events"])
    worst, quiet = 0.0, float("inf")
    for e in timeline["events"]:
        if e["role"] != "count":
            continue
        hold = next(
            h for h in timeline["holds"] if h["start"] < e["start"] < h["end"]
            and h["side"] == e.get("side")
        )  # fmt: skip
        second = hold["start"] + round(e["start"] - hold["start"])
        worst = max(worst, abs(nearest_errors([second], found, sr)[0]))
        nxt = next(t for t in starts if t > e["start"] + 1e-6)
        a, b = round(e["start"] * sr), round(nxt * sr)
        loud = np.flatnonzero(np.abs(audio[a:b]) > thr)
        edges = np.concatenate([loud, [b - a]])
        quiet = min(quiet, float(np.max(np.diff(edges))) / sr if loud.size else (b - a) / sr)
    return worst, quiet
