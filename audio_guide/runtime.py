"""Find the native pieces: libespeak-ng for pyttsx3 and an ffmpeg binary for pydub.

System copies are preferred; otherwise the pip wheels ``espeakng-loader`` and ``imageio-ffmpeg``
supply them, so a machine with neither installed works after ``pip install``.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import shutil
import signal
import threading
from collections.abc import Callable
from functools import update_wrapper
from pathlib import Path
from typing import TYPE_CHECKING, Generic, TypeVar

from audio_guide.errors import EngineError, ExportError, UsageError

if TYPE_CHECKING:
    import subprocess

T = TypeVar("T")


class _Once(Generic[T]):
    """A no-argument function computed once, even when two threads ask together (the second
    waits for the first's result); errors are not kept. ``cache_clear`` forgets the result."""

    def __init__(self, fn: Callable[[], T]) -> None:
        self._fn = fn
        self._lock = threading.Lock()
        self._result: list[T] = []
        update_wrapper(self, fn)

    def __call__(self) -> T:
        with self._lock:
            if not self._result:
                self._result.append(self._fn())
            return self._result[0]

    def cache_clear(self) -> None:
        with self._lock:
            self._result.clear()


_ESPEAK_HINT = (
    "no espeak-ng library found: run 'pip install espeakng-loader' "
    "(or install your system's espeak-ng package)"
)
_FFMPEG_HINT = (
    "no ffmpeg found: run 'pip install imageio-ffmpeg' (or install your system's ffmpeg package)"
)


_HEAP = {"set": False}

M_ARENA_MAX, M_MMAP_THRESHOLD = -8, -3
"""glibc's ``mallopt`` parameter numbers (malloc.h)."""
MMAP_THRESHOLD = 128 * 1024
"""Allocations from this size on get their own mapping, returned to the system when freed."""
HEAP_ENV = "AUDIO_GUIDE_HEAP"
"""``lean`` (the default) or ``glibc``: see ``lean_heap``."""


def lean_heap() -> None:
    """Keep a build's freed memory from staying resident (glibc; elsewhere nothing).

    Measured on a cold ``build back_pain`` (``benchmarks/bench_render.py``): Python held at most
    ~77 MB, the process 155 MB. The rest was freed memory glibc kept: one heap arena per
    thread (the loudness analysis runs on two) and a mmap threshold that rises after each large
    free, so numpy's clip-sized arrays came from the heaps and their holes stayed resident. One
    arena and a fixed threshold brought the peak to ~115 MB at no measurable cost in time. Once
    per process; called by every process that builds or synthesizes (the CLI's builds, studio,
    practice workers, speech workers).

    The memory costs time: every clip-sized array is a fresh mapping, page-faulted in. A cold
    ``build back_pain`` took 4.2 s (920k page faults, 2.8 s of system time) lean and 3.3-3.7 s
    (160k, 1.3-1.6 s) with glibc's own heap, at ~150 MB instead of ~120 MB. ``$AUDIO_GUIDE_HEAP``
    set to ``glibc`` keeps glibc's heap (the test suite does, in every process it starts).
    """
    if _HEAP["set"] or os.uname().sysname != "Linux":
        return
    choice = os.environ.get(HEAP_ENV, "lean")
    if choice not in ("lean", "glibc"):
        raise UsageError(f"${HEAP_ENV} is {choice!r}: set it to lean (the default) or glibc")
    _HEAP["set"] = True
    if choice == "glibc":
        return
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):  # not glibc (musl has no mallopt)
        return
    mallopt(M_ARENA_MAX, 1)
    mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD)


def config_dir() -> Path:
    """``$AUDIO_GUIDE_CONFIG_DIR``, else the user's config folder for audio-guide."""
    env = os.environ.get("AUDIO_GUIDE_CONFIG_DIR")
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_config_dir("audio-guide"))


@_Once
def espeak_library() -> str:
    """Load libespeak-ng so pyttsx3's own lookup finds it; return where it came from.

    The library is loaded with ``RTLD_LOCAL``: pyttsx3 opens it again by its soname and gets
    this copy, while its symbols stay out of the global scope. Loaded globally, they interpose
    on the espeak-ng copy built into piper-tts (``piper.espeakbridge``), which then crashes
    (segmentation fault) when Piper phonemizes after espeak has been loaded in the process.
    """
    if os.environ.get("AUDIO_GUIDE_BUNDLED_ESPEAK") != "1":
        system = ctypes.util.find_library("espeak-ng")
        if system:
            try:
                ctypes.CDLL(system, mode=ctypes.RTLD_LOCAL)
                return system
            except OSError:
                pass
    try:
        import espeakng_loader
    except ImportError:
        raise EngineError(_ESPEAK_HINT) from None
    path = str(espeakng_loader.get_library_path())
    try:
        os.environ.setdefault("ESPEAK_DATA_PATH", espeakng_loader.get_data_path())
        ctypes.CDLL(path, mode=ctypes.RTLD_LOCAL)
    except (OSError, RuntimeError) as exc:
        raise EngineError(f"{_ESPEAK_HINT} (loading {path} failed: {exc})") from None
    return path


def espeak_data_dir() -> str | None:
    """The espeak-ng data folder in use, if it can be told."""
    if os.environ.get("ESPEAK_DATA_PATH"):
        return os.environ["ESPEAK_DATA_PATH"]
    for candidate in (
        "/usr/lib/x86_64-linux-gnu/espeak-ng-data",
        "/usr/share/espeak-ng-data",
        "/usr/lib/aarch64-linux-gnu/espeak-ng-data",
    ):
        if os.path.isdir(candidate):
            return candidate
    return None


@_Once
def ffmpeg_exe() -> str:
    """Path of an ffmpeg binary: ``$AUDIO_GUIDE_FFMPEG``, the system's, or imageio-ffmpeg's."""
    forced = os.environ.get("AUDIO_GUIDE_FFMPEG")
    if forced:
        if not os.access(forced, os.X_OK):
            raise ExportError(f"AUDIO_GUIDE_FFMPEG={forced} is not an executable; fix or unset it")
        return forced
    system = shutil.which("ffmpeg")
    if system:
        return system
    try:
        import imageio_ffmpeg
    except ImportError:
        raise ExportError(_FFMPEG_HINT) from None
    try:
        return str(imageio_ffmpeg.get_ffmpeg_exe())
    except RuntimeError:
        raise ExportError(_FFMPEG_HINT) from None


def stop_ffmpeg(proc: subprocess.Popen[bytes]) -> None:
    """Kill an ffmpeg started with ``start_new_session=True``, with its whole session:
    ``$AUDIO_GUIDE_FFMPEG`` may be a wrapper script, whose own ffmpeg would otherwise read or
    write on (an encode writing its file after the caller removed it; a looped bed until its
    pipe is closed)."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (AttributeError, OSError):  # no process groups here, or the session is gone
        proc.kill()
    proc.wait()


FFMPEG_TIMEOUT = 60.0
"""Seconds a short ffmpeg job (a take decoded, a spoken cue shortened) may run."""


def run_ffmpeg(cmd: list[str], stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    """Run a short ffmpeg job to its end in a session of its own, its output collected.

    On a timeout (``FFMPEG_TIMEOUT``) or an interrupt the whole session is
    stopped (``stop_ffmpeg``), then ``subprocess.TimeoutExpired`` or the interrupt is raised.
    ``subprocess.run`` kills only the process it started: behind a wrapper script
    (``$AUDIO_GUIDE_FFMPEG``) the script's own ffmpeg ran on."""
    import subprocess

    proc = subprocess.Popen(
        cmd,
        stdin=subprocess.DEVNULL if stdin is None else subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        out, err = proc.communicate(stdin, timeout=FFMPEG_TIMEOUT)
    except BaseException:
        stop_ffmpeg(proc)
        for pipe in (proc.stdin, proc.stdout, proc.stderr):
            if pipe is not None:
                pipe.close()
        raise
    return subprocess.CompletedProcess(cmd, proc.returncode, out, err)


def prefetch(ffmpeg: bool = True, espeak: bool = True) -> None:
    """Find ffmpeg and load libespeak-ng on a background thread while the caller reads its
    routine: each lookup waits ~20 ms on a subprocess (``ffmpeg -version``, ``ldconfig``).
    Errors are left for the real call to raise."""

    def run() -> None:
        for wanted, find in ((espeak, espeak_library), (ffmpeg, ffmpeg_exe)):
            if wanted:
                with contextlib.suppress(Exception):  # the caller's own call reports it
                    find()

    # Not a daemon: a process that ends (an interrupt, an early error) while this thread is
    # inside dlopen or a subprocess would hang in exit(); Python joins it first instead.
    threading.Thread(target=run, name="audio-guide-prefetch", daemon=False).start()
