"""Audio bombs (issue 25, group 8): a few hundred kilobytes that claim hours, or a sample rate of
1 Hz, are refused from their headers; peak memory of the whole run (the CLI and every child,
ffmpeg included) stays under 300 MB."""

from __future__ import annotations

import struct
import subprocess
import sys
from pathlib import Path

import numpy as np
import soundfile
from conftest import users_environment
from pack_helpers import TINY, fake_pack, needs

LIMIT_MB = 300
PROBE = """
import resource, sys
from audio_guide.cli import main
code = main(sys.argv[1:])
# this process's own high-water mark (VmHWM: ru_maxrss would carry the forking parent's, which
# Linux keeps across exec), and the largest child's (ffmpeg)
own = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM:"))
peak = max(own, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
print(f"PEAK {peak // 1024} {code}", file=sys.stderr)
"""


def run_measured(config: Path, *argv: str) -> tuple[int, int, str]:
    """The CLI in a fresh process: (exit code, peak MB of it and its children, stderr)."""
    env = {**users_environment(), "AUDIO_GUIDE_CONFIG_DIR": str(config)}  # a user's heap
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *argv], capture_output=True, text=True, env=env, timeout=120
    )
    line = [x for x in done.stderr.splitlines() if x.startswith("PEAK ")][-1]
    _, peak, code = line.split()
    return int(code), int(peak), done.stderr


def silence_flac(path: Path, hours: float, rate: int = 22050) -> None:
    block = np.zeros(rate * 600, dtype="int16")
    with soundfile.SoundFile(str(path), "w", rate, 1, format="FLAC", subtype="PCM_16") as f:
        for _ in range(int(hours * 6)):
            f.write(block)


def test_a_pack_clip_of_hours_of_silence_is_refused_before_it_is_decoded(
    config: Path, tmp_path: Path
) -> None:
    routine = tmp_path / "tiny.yaml"
    routine.write_text(TINY)
    language, texts = needs(str(routine))
    pack = fake_pack("me", texts, language)
    victim = pack.clip_path(texts[0], language)
    silence_flac(victim, hours=3)  # 0.75 MB on disk, 476 MB as samples
    assert victim.stat().st_size < 2 << 20
    out = tmp_path / "out.mp3"
    code, peak, err = run_measured(
        config, "build", str(routine), "--engine", "recorded", "--voice", "me", "-o", str(out)
    )
    assert code == 2, err
    assert "more than a take may be" in err and "internal error" not in err
    assert peak < LIMIT_MB, f"peak {peak} MB"
    assert not out.exists()


def wav_claiming(path: Path, rate: int, data_bytes: int = 20_000) -> None:
    """A mono 16-bit WAV whose header says ``rate`` Hz (a few KB of samples)."""
    header = b"RIFF" + struct.pack("<I", 36 + data_bytes) + b"WAVEfmt "
    header += struct.pack("<IHHIIHH", 16, 1, 1, rate, rate * 2, 2, 16)
    header += b"data" + struct.pack("<I", data_bytes)
    noise = (np.random.default_rng(1).standard_normal(data_bytes // 2) * 3000).astype("<i2")
    path.write_bytes(header + noise.tobytes())


def test_a_take_whose_header_claims_one_hertz_is_refused_from_its_header(
    config: Path, tmp_path: Path
) -> None:
    routine = tmp_path / "tiny.yaml"
    routine.write_text(TINY)
    code, _, err = run_measured(
        config, "pack", "status", str(routine), "--voice", "me", "--numbered"
    )
    assert code == 0, err
    takes = tmp_path / "takes"
    takes.mkdir()
    wav_claiming(takes / "1.wav", rate=1)
    wav_claiming(takes / "2.wav", rate=22050, data_bytes=22050 * 2 * 90)  # 90 s: too long
    code, peak, err = run_measured(config, "pack", "import", "me", str(takes))
    assert code == 2, err
    assert "1 Hz" in err and "longer than 60 s (90 s)" in err and "internal error" not in err
    assert peak < LIMIT_MB, f"peak {peak} MB"
