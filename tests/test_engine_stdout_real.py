"""Nothing the espeak engine does reaches stdout: ``plan --json`` with fresh clips is always JSON,
on an idle CPU and on a saturated one, and other threads keep their ``sys.stdout``.

pyttsx3's espeak driver prints "Audio saved to ..." from espeak's callback thread, at times after
``runAndWait`` has returned; a ``redirect_stdout`` around it let that line through (1 of 6
runs of the routine below before the fix) and swapped ``sys.stdout`` for every thread meanwhile.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import redirect_stdout
from pathlib import Path

import pytest

pytestmark = pytest.mark.real

WORDS = [
    "river",
    "stone",
    "cloud",
    "maple",
    "harbor",
    "lantern",
    "meadow",
    "copper",
    "willow",
    "ember",
    "violet",
]
LINES = 420
"""Distinct sentences: past pyttsx3's ``parallel_from`` (400), so spawned workers speak too
(before the fix, 1 of 6 runs of this routine began with the stray line; short routines,
spoken by this process alone, showed it in none of 16)."""
ROUTINE = "title: Stdout check\nsteps:\n  - say:\n" + "".join(
    f'      - "The {WORDS[i % 8]} and the {WORDS[i // 8 % 8]}, line {i}."\n' for i in range(LINES)
)
RUNS = 1
"""Runs per load condition; each synthesizes every clip afresh (its own cache folder). The
race itself is shut by design (the driver's ``print`` is replaced, whatever the timing), which
``test_the_drivers_print_goes_to_the_log_from_any_thread`` holds on every run; these end-to-end
runs hold that the spawned workers (past ``parallel_from``) are covered too, which one run per
load shows (with two the file took 16.7 s of CPU in a whole-suite run, with one 10.5 s)."""
AT_ONCE = 1


def _plan(routine: Path, cache: Path, rate: int) -> tuple[int, str, str]:
    exe = Path(sys.executable).with_name("audio-guide")
    proc = subprocess.run(
        [str(exe), "plan", str(routine), "--json", "--rate", str(rate), "--cache-dir", str(cache)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    return proc.returncode, proc.stdout, proc.stderr


def _sweep(tmp_path: Path, label: str) -> list[str]:
    """``RUNS`` plans with fresh clips, ``AT_ONCE`` at a time; the stdouts that are not JSON."""
    routine = tmp_path / "routine.yaml"
    routine.write_text(ROUTINE, encoding="utf-8")
    jobs = [(routine, tmp_path / f"{label}-{i}", 140 + 7 * i) for i in range(RUNS)]
    with ThreadPoolExecutor(AT_ONCE) as pool:
        results = list(pool.map(lambda job: _plan(*job), jobs))
    bad = []
    for code, out, err in results:
        assert code == 0, err
        try:
            json.loads(out)
        except ValueError:
            bad.append(out[:120])
    return bad


def test_plan_json_with_fresh_clips_is_json_on_an_idle_cpu(tmp_path: Path) -> None:
    assert _sweep(tmp_path, "idle") == []


def _busy_share(seconds: float = 0.5) -> float:
    """The share of all cores' time spent busy over ``seconds`` (``/proc/stat``); 0.0 where
    that cannot be read."""

    def sample() -> tuple[int, int]:
        fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        return sum(fields), fields[3] + fields[4]  # all, idle + iowait

    try:
        total0, idle0 = sample()
        time.sleep(seconds)
        total1, idle1 = sample()
    except (OSError, ValueError, IndexError):
        return 0.0
    return 1.0 - (idle1 - idle0) / max(1, total1 - total0)


def test_plan_json_with_fresh_clips_is_json_on_a_saturated_cpu(tmp_path: Path) -> None:
    """One busy loop per core beside the plan, unless the cores are already busy: in the
    whole suite other workers often keep them so, and loops added there only took CPU from
    those workers."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 2
    saturated = _busy_share() >= 0.95
    print(f"cores already busy: {saturated}")
    busy = [] if saturated else [
        subprocess.Popen(
            [sys.executable, "-c", "import time\nt = time.time() + 60\nwhile time.time() < t: pass"]
        )
        for _ in range(cores)
    ]  # bounded: each loop ends by itself after 60 s, and is killed when the sweep is done
    try:
        assert _sweep(tmp_path, "busy") == []
    finally:
        for proc in busy:
            proc.kill()
            proc.wait()


def test_synthesis_leaves_other_threads_stdout_alone(tmp_path: Path) -> None:
    """A thread writing to ``sys.stdout`` while clips are synthesized loses no line."""
    from audio_guide.sound.engines import VoiceParams, get_engine

    engine = get_engine("pyttsx3")
    params = VoiceParams(engine.resolve_voice("en-us"), 173, 1.0, 50)
    sink = io.StringIO()
    done = threading.Event()
    written = 0

    def writer() -> None:
        nonlocal written
        while not done.is_set():
            print("x", file=sys.stdout)  # looked up each time, as any thread's print does
            written += 1
            time.sleep(0.0002)

    with redirect_stdout(sink):  # this thread's (and, by design of redirect_stdout, every) stdout
        thread = threading.Thread(target=writer)
        thread.start()
        try:
            for i in range(40):
                engine.synthesize(f"Sentence number {i} of the check.", params)
        finally:
            done.set()
            thread.join()
    assert sink.getvalue().count("x\n") == written
    assert "Audio saved" not in sink.getvalue()


def test_the_drivers_print_goes_to_the_log_from_any_thread(
    capfd: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    """The driver module's ``print`` is ours once the engine starts: called from another thread
    (as espeak's callback does), it writes nothing to file descriptor 1 and logs the line."""
    import logging

    from audio_guide.sound.engines import VoiceParams, get_engine
    from audio_guide.sound.engines.pyttsx3_engine import _driver_print

    engine = get_engine("pyttsx3")
    params = VoiceParams(engine.resolve_voice("en-us"), 173, 1.0, 50)
    capfd.readouterr()
    with caplog.at_level(logging.DEBUG, logger="audio_guide.sound.engines.pyttsx3_engine"):
        for i in range(5):
            engine.synthesize(f"Line {i} of the check.", params)
        # imported once the engine has loaded libespeak-ng: imported first, in a process that
        # has not spoken yet, pyttsx3's driver finds no espeak-ng and raises
        from pyttsx3.drivers import espeak as espeak_driver

        assert espeak_driver.print is _driver_print
        thread = threading.Thread(target=espeak_driver.print, args=("Audio saved to x.wav",))
        thread.start()
        thread.join()
        time.sleep(0.05)  # a callback still running after runAndWait has returned
    assert capfd.readouterr().out == ""
    assert any("Audio saved to" in r.getMessage() for r in caplog.records)
