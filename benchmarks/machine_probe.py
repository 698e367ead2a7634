"""How fast this machine is right now, in the kinds of work the test suite does.

Usage: .venv/bin/python benchmarks/machine_probe.py      (``.ci/run`` prints it before the tests)

The same ``make test`` took 192 s and 110 s on one idle 2-core machine on one morning
(docs/benchmarks.md, "Test time", ninth round): a virtual machine's cores run as fast as its
neighbours let them, and not alike for every kind of work. Three fixed jobs, each timed on one
core, so a suite's time can be read beside the machine's speed when it ran:

- ``loop``: 2e7 Python additions at module level (the interpreter; the loop of earlier
  rounds' figures);
- ``convolve``: numpy filtering 18 M samples three times (mastering's true peaks: memory-bound
  vector code);
- ``piper``: the Joe voice speaking two sentences four times, on one onnxruntime thread
  (the suite's largest single job is Piper's back_pain render); left out when the ``natural``
  extra is not installed.
"""

from __future__ import annotations

import importlib.util
import time

import numpy as np

SENTENCES = (
    "Sit or lie down somewhere comfortable, and close your eyes if you like.",
    "When you are ready, move gently, and drink some water.",
)


def loop() -> float:
    """At module level (global names), as the loop in earlier rounds' figures ran."""
    code = compile("total = 0\nfor i in range(20_000_000):\n    total += i\n", "loop", "exec")
    started = time.perf_counter()
    exec(code, {})
    return time.perf_counter() - started


def convolve() -> float:
    x = np.random.default_rng(0).standard_normal(18_000_000)
    taps = np.hanning(21)
    started = time.perf_counter()
    for _ in range(3):
        np.convolve(x, taps)
    return time.perf_counter() - started


def piper() -> float | None:
    if importlib.util.find_spec("piper") is None:
        return None
    from audio_guide.sound.engines import VoiceParams, piper_engine

    piper_engine.THREADS = 1
    engine = piper_engine.PiperEngine()
    params = VoiceParams(engine.resolve_voice("en-us"), 160, 1.0, 50)
    engine.synthesize("Press.", params)  # the model loaded before the clock starts
    started = time.perf_counter()
    for _ in range(4):
        for text in SENTENCES:
            engine.synthesize(text, params)
    return time.perf_counter() - started


def main() -> None:
    timings = {"loop": loop(), "convolve": convolve(), "piper": piper()}
    shown = [f"{name} {seconds:.2f} s" for name, seconds in timings.items() if seconds is not None]
    print("machine probe: " + ", ".join(shown))


if __name__ == "__main__":
    main()
