"""Short ffmpeg jobs (a take decoded, a spoken cue shortened) stop whole when they must.

``$AUDIO_GUIDE_FFMPEG`` may be a wrapper script that runs ffmpeg as its child. These jobs ran
through ``subprocess.run(timeout=60)``, which on a timeout or an interrupt kills only the
script: its hung ffmpeg ran on, and the timeout escaped as ``subprocess.TimeoutExpired``, not a
message. ``runtime.run_ffmpeg`` stops the job's whole session, and the callers say what failed.
"""

from __future__ import annotations

import signal
import time
import wave
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from test_output_safety import assert_ended

from audio_guide import runtime
from audio_guide.errors import EngineError
from audio_guide.sound import fit, takes

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")


@pytest.fixture
def hung_ffmpeg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """``ffmpeg`` is a script whose child never answers (it writes its pid to ``pid`` and the
    child's to ``ffpid``); jobs time out after 1 s."""
    script = tmp_path / "ffmpeg-wrapper"
    script.write_text(
        f'#!/bin/sh\necho $$ > "{tmp_path}/pid"\n'
        f'(sleep 60 & echo $! > "{tmp_path}/ffpid"; wait; sleep 60)\n'
    )
    script.chmod(0o755)
    monkeypatch.setattr(runtime, "ffmpeg_exe", lambda: str(script))
    monkeypatch.setattr(runtime, "FFMPEG_TIMEOUT", 1.0)
    yield tmp_path


def take(folder: Path) -> Path:
    path = folder / "take.wav"
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1), w.setsampwidth(2), w.setframerate(22050)
        w.writeframes(np.zeros(22050, dtype="<i2").tobytes())
    return path


def test_a_hung_take_decode_is_refused_and_stopped_whole(hung_ffmpeg: Path) -> None:
    started = time.monotonic()
    with pytest.raises(takes.TakeRefused, match=r"ffmpeg took over 1 s to read the take"):
        takes.decode(take(hung_ffmpeg), 22050)
    assert time.monotonic() - started < 5
    assert_ended(hung_ffmpeg)


def test_a_hung_cue_shortening_is_an_engine_error_and_stopped_whole(hung_ffmpeg: Path) -> None:
    started = time.monotonic()
    with pytest.raises(EngineError, match=r"ffmpeg took over 1 s to shorten a spoken cue"):
        fit.atempo(np.zeros(22050, dtype=np.int16), 22050, 1.25)
    assert time.monotonic() - started < 5
    assert_ended(hung_ffmpeg)


def test_an_interrupt_during_a_job_stops_it_whole(
    hung_ffmpeg: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(runtime, "FFMPEG_TIMEOUT", 30.0)

    def interrupt(*_: Any) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGALRM, interrupt)
    try:
        signal.setitimer(signal.ITIMER_REAL, 0.5)
        with pytest.raises(KeyboardInterrupt):
            takes.decode(take(hung_ffmpeg), 22050)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert_ended(hung_ffmpeg)


def test_a_job_that_ends_gives_its_output_and_exit_code() -> None:
    ffmpeg = runtime.ffmpeg_exe()
    pcm = np.arange(-100, 100, dtype="<i2").tobytes()
    fmt = ["-f", "s16le", "-ac", "1", "-ar", "8000"]
    done = runtime.run_ffmpeg([ffmpeg, "-v", "error", *fmt, "-i", "pipe:0", *fmt, "pipe:1"], pcm)
    assert done.returncode == 0 and done.stdout == pcm
    missing = [ffmpeg, "-v", "error", "-i", "/no/such/file.wav", "-f", "null", "-"]
    failed = runtime.run_ffmpeg(missing)
    assert failed.returncode != 0 and b"No such file" in failed.stderr
