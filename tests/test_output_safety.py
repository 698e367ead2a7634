"""Disk space, a disk that fills, chapter order, the clip cache and concurrent builds (issue 11)."""

from __future__ import annotations

import contextlib
import io
import json
import os
import resource
import signal
import subprocess
import sys
import time
import wave
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from audio_checks import chapters, decode
from mutagen.id3 import ID3

from audio_guide.cli import main

AUDIO_GUIDE = [sys.executable, "-m", "audio_guide"]
QUICK = ["--engine", "fake", "--loudness", "off"]
"""Loudness mastering is not what these tests are about, and it is most of a build's time."""
PREVIOUS = b"previous output, left alone\n"


SMALL = """title: Small
intro: [Sit comfortably.]
steps:
  - {point: LI4, hold: 20, sides: together}
  - {point: TE3, hold: 12, sides: together}
  - {point: B54, hold: 8}
outro: [Done.]
"""


@pytest.fixture
def small(tmp_path: Path) -> Path:
    """A routine of about two minutes with five chapters: builds stay quick on a busy machine."""
    path = tmp_path / "small.yaml"
    path.write_text(SMALL, encoding="utf-8")
    return path


def build(routine: Path, out: Path, *flags: str) -> tuple[int, str]:
    err = io.StringIO()
    argv = ["build", str(routine), "--engine", "fake", "--loudness", "off", "-o", str(out), *flags]
    code = main(argv, io.StringIO(), err)
    return code, err.getvalue()


def _stray(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.name.endswith((".part", ".tmp"))]


def _previous(folder: Path) -> Path:
    out = folder / "routine.mp3"
    out.write_bytes(PREVIOUS)
    (folder / "routine.timeline.json").write_bytes(PREVIOUS)
    return out


def test_no_room_is_refused_before_mixing(
    tmp_path: Path, small: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from audio_guide import build as pipeline
    from audio_guide.outputs import export

    real = os.statvfs

    def almost_full(path: Any) -> Any:
        st = real(path)
        return os.statvfs_result((*st[:4], 100, *st[5:]))  # f_bavail: 100 blocks

    def no_mixing(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("mixed although the disk has no room")

    monkeypatch.setattr(export.os, "statvfs", almost_full)
    monkeypatch.setattr(pipeline, "master", no_mixing)
    out = _previous(tmp_path)
    code, err = build(small, out)
    assert code == 1, err
    assert err.startswith(f"audio-guide: not enough free disk space for {out}: it needs about ")
    assert len(err.strip().splitlines()) == 1
    assert out.read_bytes() == PREVIOUS and not _stray(tmp_path)


def _limited_build(
    tmp_path: Path, routine: Path, out: Path, limit: int
) -> subprocess.CompletedProcess[str]:
    """A build whose files may not grow past ``limit`` bytes: writes fail as on a full disk."""

    def limit_files() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # EFBIG instead of being killed
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return subprocess.run(
        [*AUDIO_GUIDE, "build", str(routine), *QUICK, "-o", str(out), "--captions", "vtt"],
        capture_output=True,
        text=True,
        preexec_fn=limit_files,
        env={**os.environ, "AUDIO_GUIDE_CACHE": str(tmp_path / "cache")},
        timeout=300,
    )


@pytest.mark.parametrize("suffix", [".mp3", ".wav"])
def test_disk_filling_mid_write(tmp_path: Path, small: Path, suffix: str) -> None:
    out = _previous(tmp_path).with_suffix(suffix)
    out.write_bytes(PREVIOUS)
    proc = _limited_build(tmp_path, small, out, 100_000)
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr and "internal error" not in proc.stderr
    assert proc.stderr.startswith("audio-guide: ")
    assert "disk space" in proc.stderr
    assert out.read_bytes() == PREVIOUS
    assert (tmp_path / "routine.timeline.json").read_bytes() == PREVIOUS
    assert not (tmp_path / "routine.vtt").exists()
    assert not _stray(tmp_path), _stray(tmp_path)


def test_tag_write_failing(tmp_path: Path, small: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from mutagen import MutagenError

    def full(self: ID3, *args: Any, **kwargs: Any) -> None:
        try:
            raise OSError(28, "No space left on device")
        except OSError as exc:
            raise MutagenError(exc) from exc

    monkeypatch.setattr(ID3, "save", full)
    out = _previous(tmp_path)
    code, err = build(small, out)
    assert code == 1, err
    assert "No space left on device" in err and "previous file there was left" in err
    assert out.read_bytes() == PREVIOUS and not _stray(tmp_path)


def test_chapters_in_time_order_in_the_file(tmp_path: Path, small: Path) -> None:
    out = tmp_path / "small.mp3"
    cover = tmp_path / "cover.png"
    cover.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 5000)
    code, err = build(small, out, "--cover", str(cover))
    assert code == 0, err
    found = chapters(out)  # ffmpeg lists them in file order
    starts = [int(c["START"]) for c in found]
    assert len(found) == 5 and starts == sorted(starts)
    assert found[0]["title"] == "Introduction" and found[-1]["title"] == "Closing"
    tags = ID3(str(out))
    chaps = tags.getall("CHAP")  # mutagen: file order
    assert [c.start_time for c in chaps] == sorted(c.start_time for c in chaps)
    (toc,) = tags.getall("CTOC")
    assert list(toc.child_element_ids) == [c.element_id for c in chaps]
    assert tags.getall("APIC")[0].data == cover.read_bytes()
    assert decode(out, 22050).size > 22050 * 60  # the audio after the tag is intact


def test_corrupt_cache_entries_are_made_again(tmp_path: Path) -> None:
    from audio_guide.sound.engines import VoiceParams, get_engine
    from audio_guide.sound.synth import ClipCache, synthesize_all

    engine = get_engine("fake")
    params = VoiceParams("fake/en-us", 160, 1.0, 50)
    texts = [f"Sentence number {i}." for i in range(6)]
    cache = ClipCache(tmp_path / "cache")
    fresh = synthesize_all(texts, engine, params, cache)
    assert fresh.synthesized == 6
    files = {
        t: next((tmp_path / "cache").rglob(f"{cache.key(engine, params, t)}.wav")) for t in texts
    }
    damage = {
        texts[0]: lambda b: b[: len(b) // 2],  # truncated
        texts[1]: lambda b: b[:-2000] + b"\0" * 2000,  # zero-filled tail
        texts[2]: lambda b: b"\0" * len(b),  # zero-filled
        texts[3]: lambda b: b + b"junk",  # longer than its header says
        texts[4]: lambda b: b[:24] + (8000).to_bytes(4, "little") + b[28:],  # wrong rate
    }
    for text, harm in damage.items():
        files[text].write_bytes(harm(files[text].read_bytes()))
    again = synthesize_all(texts, engine, params, cache)
    assert again.synthesized == 5
    for key, clip in fresh.clips.items():
        assert np.array_equal(again.clips[key], clip)
    assert synthesize_all(texts, engine, params, cache).synthesized == 0


@pytest.mark.parametrize("failure", [OSError(28, "No space left on device"), KeyboardInterrupt()])
def test_failed_cache_write_leaves_no_tmp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failure: BaseException
) -> None:
    from audio_guide.sound.synth import ClipCache

    def fail(self: wave.Wave_write, data: bytes) -> None:
        raise failure

    monkeypatch.setattr(wave.Wave_write, "writeframes", fail)
    cache = ClipCache(tmp_path)
    samples = np.full(1000, 5000, dtype=np.int16)
    if isinstance(failure, OSError):
        cache.store("ab" * 32, samples, 22050)  # skipped, not fatal
    else:
        with pytest.raises(KeyboardInterrupt):
            cache.store("ab" * 32, samples, 22050)
    assert list(tmp_path.rglob("*.*")) == []


def test_concurrent_builds_share_cache_and_output(tmp_path: Path, small: Path) -> None:
    out = _previous(tmp_path)
    env = {**os.environ, "AUDIO_GUIDE_CACHE": str(tmp_path / "cache")}
    argv = [*AUDIO_GUIDE, "build", str(small), *QUICK]
    procs = [
        subprocess.Popen(
            [*argv, "-o", str(out)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        for _ in range(3)
    ]
    for proc in procs:
        _, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
    assert not _stray(tmp_path), _stray(tmp_path)
    audio = decode(out, 22050)
    timeline = json.loads((tmp_path / "routine.timeline.json").read_text())
    assert abs(audio.size / 22050 - timeline["duration"]) < 0.05
    assert len(chapters(out)) == 5


def _stat(path: Path) -> list[str] | None:
    """The fields of a ``/proc/PID/stat`` after the command (state first, group third); None
    for a process that is gone or has exited (a zombie)."""
    try:
        fields = path.read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return None if fields[0] in "ZX" else fields


def _alive_in_group(pgid: int) -> list[str]:
    """The processes of group ``pgid`` that have not exited (zombies count as gone)."""
    return [
        stat.parent.name
        for stat in Path("/proc").glob("[0-9]*/stat")
        if (fields := _stat(stat)) is not None and int(fields[2]) == pgid
    ]


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_an_interrupt_stops_ffmpeg_behind_a_wrapper_script(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``$AUDIO_GUIDE_FFMPEG`` may be a script that runs ffmpeg as its child: an interrupt
    mid-encode stops the script's whole session, not only the script (whose ffmpeg would read on
    and write its file after the build had removed it)."""
    from audio_guide.outputs import encoder

    monkeypatch.setattr(encoder, "ffmpeg_exe", lambda: wrapper_script(tmp_path))

    def blocks() -> Any:
        yield np.zeros(44100, dtype=np.int16)
        for _ in range(100):  # the wrapper has started its ffmpeg
            if (tmp_path / "ffpid").exists():
                break
            time.sleep(0.05)
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        encoder.encode(blocks(), 44100, tmp_path / "x.mp3", ["-f", "mp3"], "the MP3")
    assert_ended(tmp_path)


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_a_bed_file_stops_ffmpeg_behind_a_wrapper_script(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bed file is read by an ffmpeg that loops it forever: when the mix is done with it (or
    stopped), the wrapper's own ffmpeg stops too (it did before only because the dropped
    generator's pipe was closed, and ffmpeg then failed to write)."""
    from audio_guide.sound import bed

    sound = tmp_path / "rain.wav"
    with wave.open(str(sound), "wb") as w:
        w.setnchannels(1), w.setsampwidth(2), w.setframerate(22050)
        w.writeframes(np.zeros(22050, dtype="<i2").tobytes())
    monkeypatch.setattr(bed, "ffmpeg_exe", lambda: wrapper_script(tmp_path))
    blocks = bed.audio_file(sound, 22050, 4410)
    assert [len(next(blocks)) for _ in range(3)] == [4410] * 3
    blocks.close()
    assert_ended(tmp_path)


def wrapper_script(folder: Path) -> str:
    """A script for ``$AUDIO_GUIDE_FFMPEG`` that runs the real ffmpeg as a grandchild (then
    lingers a minute), writing its own pid to ``folder/pid`` and ffmpeg's to ``folder/ffpid``."""
    from audio_guide.runtime import ffmpeg_exe

    wrapper = folder / "ffmpeg-wrapper"
    wrapper.write_text(
        f'#!/bin/sh\necho $$ > "{folder}/pid"\nexec 3<&0\n'  # a background job's stdin is null
        f'("{ffmpeg_exe()}" "$@" <&3 3<&- & echo $! > "{folder}/ffpid"; wait; sleep 60)\n'
    )
    wrapper.chmod(0o755)
    return str(wrapper)


def _running(pid: int) -> bool:
    return _stat(Path(f"/proc/{pid}/stat")) is not None


def assert_ended(folder: Path) -> None:
    """The wrapper's ffmpeg and every process of the wrapper's group end within 5 s (those
    left are killed after)."""
    pgid, ffmpeg = (int((folder / name).read_text()) for name in ("pid", "ffpid"))
    try:
        deadline = time.monotonic() + 5
        while (_running(ffmpeg) or _alive_in_group(pgid)) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not _running(ffmpeg) and _alive_in_group(pgid) == []
    finally:
        with contextlib.suppress(OSError):
            os.killpg(pgid, signal.SIGKILL)
        with contextlib.suppress(OSError):
            os.kill(ffmpeg, signal.SIGKILL)
