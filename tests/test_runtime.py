"""Missing native pieces are runtime failures: exit 1 and one sentence on what to install."""

from __future__ import annotations

import ctypes.util
import io
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import users_environment

from audio_guide import runtime
from audio_guide.cli import main
from audio_guide.errors import EngineError, ExportError


def test_missing_espeak_names_the_package_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ctypes.util, "find_library", lambda name: None)
    monkeypatch.setitem(sys.modules, "espeakng_loader", None)
    runtime.espeak_library.cache_clear()
    try:
        with pytest.raises(EngineError, match="pip install espeakng-loader"):
            runtime.espeak_library()
    finally:
        runtime.espeak_library.cache_clear()


def test_missing_ffmpeg_names_the_package_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AUDIO_GUIDE_FFMPEG", raising=False)
    monkeypatch.setattr(runtime.shutil, "which", lambda name: None)
    monkeypatch.setitem(sys.modules, "imageio_ffmpeg", None)
    runtime.ffmpeg_exe.cache_clear()
    try:
        with pytest.raises(ExportError, match="pip install imageio-ffmpeg"):
            runtime.ffmpeg_exe()
    finally:
        runtime.ffmpeg_exe.cache_clear()


def test_cli_turns_a_missing_encoder_into_exit_1(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("AUDIO_GUIDE_FFMPEG", str(tmp_path / "no-such-ffmpeg"))
    runtime.ffmpeg_exe.cache_clear()
    err = io.StringIO()
    try:
        code = main(
            ["build", "back_pain", "--engine", "fake", "-o", str(tmp_path / "a.mp3")],
            out=io.StringIO(),
            err=err,
        )
    finally:
        runtime.ffmpeg_exe.cache_clear()
    message = err.getvalue().strip()
    assert code == 1
    assert message.count("\n") == 0 and "Traceback" not in message
    assert "is not an executable" in message
    assert not (tmp_path / "a.mp3").exists()


def test_cli_turns_a_missing_speech_engine_into_exit_1(monkeypatch: pytest.MonkeyPatch) -> None:
    from audio_guide.sound.engines import pyttsx3_engine

    def broken() -> None:
        raise EngineError("no espeak-ng library found: run 'pip install espeakng-loader'")

    monkeypatch.setattr(pyttsx3_engine, "_driver", broken)
    err = io.StringIO()
    code = main(["plan", "back_pain"], out=io.StringIO(), err=err)
    assert code == 1
    assert err.getvalue().strip() == (
        "audio-guide: no espeak-ng library found: run 'pip install espeakng-loader'"
    )


HEAP_PROBE = """
import resource
import numpy as np
from audio_guide.runtime import lean_heap
lean_heap()
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(200):
    block = np.ones(64 * 1024)  # 512 KiB, a few seconds of a clip
    del block
print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
"""


@pytest.mark.parametrize("heap", [None, "lean", "glibc"])
def test_the_build_heap_is_lean_unless_glibcs_is_asked_for(heap: str | None) -> None:
    """Lean (the default): each clip-sized array is a mapping of its own, faulted in page by
    page (200 x 128 pages) and given back when freed; glibc's heap reuses the first one."""
    env = users_environment()
    if heap:
        env[runtime.HEAP_ENV] = heap
    probe = subprocess.run(
        [sys.executable, "-c", HEAP_PROBE], capture_output=True, text=True, env=env, check=True
    )
    faults = int(probe.stdout)
    if heap == "glibc":
        assert faults < 2_000, faults
    else:
        assert faults > 20_000, faults


def test_an_unknown_heap_is_a_usage_error(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setitem(runtime._HEAP, "set", False)  # as in a process that has not built yet
    monkeypatch.setenv(runtime.HEAP_ENV, "fast")
    err = io.StringIO()
    out = tmp_path / "a.mp3"
    code = main(["build", "back_pain", "--engine", "fake", "-o", str(out)], io.StringIO(), err)
    assert code == 2
    assert err.getvalue() == (
        "audio-guide: $AUDIO_GUIDE_HEAP is 'fast': set it to lean (the default) or glibc\n"
    )
    assert not out.exists()


def test_the_suites_processes_run_openblas_on_one_thread() -> None:
    """conftest sets ``OPENBLAS_NUM_THREADS`` before numpy is imported: a later setting would
    not reach the pool numpy's OpenBLAS starts when it loads."""
    import numpy  # noqa: F401  (loads OpenBLAS)

    maps = Path("/proc/self/maps")
    if not maps.exists():
        pytest.skip("no /proc here")
    libs = {line.split()[-1] for line in maps.read_text().splitlines() if "openblas" in line}
    if not libs:
        pytest.skip("numpy is not built on OpenBLAS here")
    lib = ctypes.CDLL(sorted(libs)[0])
    getter = next(
        getattr(lib, name)
        for name in ("scipy_openblas_get_num_threads64_", "openblas_get_num_threads")
        if hasattr(lib, name)
    )
    assert getter() == 1
