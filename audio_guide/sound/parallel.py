"""Synthesize distinct utterances in parallel worker processes, one engine each.

Speech engines hold process-wide state (pyttsx3 drives one espeak-ng instance per process, and a
pool forked after espeak starts hangs), so workers are *spawned* and each creates its own engine
on its first utterance; the calling process synthesizes too, from the other end of the queue.
Every clip is made by the same ``render_clip`` as on the serial path and goes through the same
cache in the same way. Engines opt in with a class attribute ``parallel_from``: the number of
clips to make from which workers pay for their start (~0.3 s each); the rest, and smaller jobs,
stay serial. Either way each clip is handed to ``ready`` as soon as it exists, so the build can
analyse it while the next is made.
"""

from __future__ import annotations

import contextlib
import os
import signal
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING

from audio_guide.errors import EngineError
from audio_guide.runtime import lean_heap
from audio_guide.sound.engines import Samples, SpeechEngine, VoiceParams, get_engine
from audio_guide.sound.synth import ClipBank, ClipCache, render_clip, synthesize_all

if TYPE_CHECKING:
    from concurrent.futures import Future

_ENGINE: SpeechEngine | None = None
"""The worker process's engine."""


def cores() -> int:
    """CPUs this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def workers_for(engine: SpeechEngine, missing: int) -> int:
    """How many worker processes to use: min(cores, clips to make) once there are at least
    the engine's ``parallel_from`` clips to make (engines without it stay serial)."""
    threshold = getattr(engine, "parallel_from", None)
    if threshold is None or missing < threshold:
        return 1
    return max(1, min(cores(), missing))


class _Remembered(ClipCache):
    """The caller's cache, with every clip loaded or stored kept in memory for this build."""

    def __init__(self, inner: ClipCache) -> None:
        super().__init__(inner.folder)
        self.inner = inner
        self.memo: dict[str, Samples] = {}

    def key(self, engine: SpeechEngine, params: VoiceParams, text: str) -> str:
        """The inner cache's key."""
        return self.inner.key(engine, params, text)

    def load(self, key: str, sample_rate: int | None = None) -> Samples | None:
        """From memory, else from the inner cache (checked as ``ClipCache.load`` checks)."""
        if key not in self.memo:
            clip = self.inner.load(key, sample_rate)
            if clip is None:
                return None
            self.memo[key] = clip
        return self.memo[key]

    def store(self, key: str, samples: Samples, sample_rate: int) -> None:
        """Into memory and the inner cache."""
        self.memo[key] = samples
        self.inner.store(key, samples, sample_rate)


def synthesize(
    texts: Iterable[str],
    engine: SpeechEngine,
    params: VoiceParams,
    cache: ClipCache,
    progress: Callable[[int, int], None] | None = None,
    workers: int | None = None,
    ready: Callable[[Samples], None] | None = None,
) -> ClipBank:
    """``synthesize_all``, with the clips the cache lacks made by ``workers`` processes
    (default ``workers_for``); the result is the same as the serial path's. ``ready`` is
    called with each clip as soon as it is loaded or made (to start work on it early)."""
    todo = list(dict.fromkeys(texts))
    remembered = _Remembered(cache)
    keys = {text: remembered.key(engine, params, text) for text in todo}
    missing = []
    for text in todo:
        clip = remembered.load(keys[text], engine.sample_rate)
        if clip is None:
            missing.append(text)
        elif ready:
            ready(clip)
    count = workers_for(engine, len(missing)) if workers is None else workers
    if count > 1 and len(missing) > 1:
        made = _in_workers(engine, params, missing, count, progress, ready)
    else:
        made = []
        for text in missing:
            made.append((text, render_clip(engine, text, params)))
            if ready:
                ready(made[-1][1])
            if progress:
                progress(len(made), len(missing))
    for text, clip in made:
        remembered.store(keys[text], clip, engine.sample_rate)
    bank = synthesize_all(todo, engine, params, remembered, progress)
    bank.synthesized += len(made)
    return bank


def _in_workers(
    engine: SpeechEngine,
    params: VoiceParams,
    texts: list[str],
    count: int,
    progress: Callable[[int, int], None] | None,
    ready: Callable[[Samples], None] | None = None,
) -> list[tuple[str, Samples]]:
    """Each text's clip, made by ``count`` spawned processes (longest texts first) and by this
    process's own engine (shortest first) while they start and run: a worker needs ~0.3 s to
    import and start its engine."""
    import multiprocessing  # only a cold build pays for these imports
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    context = multiprocessing.get_context("spawn")
    queue = deque(sorted(texts, key=len, reverse=True))
    out: list[tuple[str, Samples]] = []
    running: dict[Future[Samples], str] = {}

    def got(text: str, clip: Samples) -> None:
        out.append((text, clip))
        if ready:
            ready(clip)
        if progress:
            progress(len(out), len(texts))

    def collect(done: Iterable[Future[Samples]]) -> None:
        for future in done:
            got(running.pop(future), future.result())

    def submit() -> None:
        while queue and len(running) < count:
            text = queue.popleft()
            running[pool.submit(_speak, engine.name, text, params)] = text

    with ProcessPoolExecutor(min(count, len(queue)), mp_context=context) as pool:
        try:
            with _quiet_children():  # the first submits start the workers
                submit()
            while queue or running:
                submit()
                collect([f for f in running if f.done()])
                if queue:
                    text = queue.pop()
                    got(text, render_clip(engine, text, params))
                elif running:
                    collect(wait(running, return_when=FIRST_COMPLETED).done)
        except BrokenProcessPool:
            raise EngineError(
                "a speech worker process died; rerun, or report it if it happens again"
            ) from None
        except BaseException:
            for future in running:
                future.cancel()
            raise
    return out


@contextlib.contextmanager
def _quiet_children() -> Iterator[None]:
    """Start processes with Ctrl-C blocked: the build stops them itself when interrupted,
    and a worker hit while importing would print a traceback (the mask survives exec)."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def _speak(name: str, text: str, params: VoiceParams) -> Samples:
    """In a worker: one clip, from this process's own engine."""
    global _ENGINE
    if _ENGINE is None:
        lean_heap()
        _ENGINE = get_engine(name)
    return render_clip(_ENGINE, text, params)
