"""Track jobs and where they run: in this process, a local pool, or a Dask cluster.

A job carries a track's resolved inputs (routine, settings, format), never paths into the
practice, so a worker needs only the tool, its voices and a clip cache. It builds into a
temporary folder of its own and returns the bytes; the batch writes them into the site, so a
worker never touches the practice and a failed job leaves nothing behind. Faults come back
as results (exit code and one sentence), never as exceptions, so one track cannot stop the
others and no exception has to cross a process or machine boundary.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from audio_guide.authoring import limits
from audio_guide.errors import AudioGuideError, UsageError
from audio_guide.practice.tracks import Track

CAPTIONS = ("vtt",)


@dataclass(frozen=True, slots=True)
class Job:
    """A track to build and how."""

    track: Track
    cache_dir: str | None
    """Clip cache folder; None: the worker's own default (``$AUDIO_GUIDE_CACHE`` there)."""
    use_cache: bool = True
    max_hours: float = limits.MAX_HOURS
    synth_workers: int | None = 1
    """Speech worker processes per track: 1 when tracks run side by side (the parallelism is
    across tracks; Dask's worker processes may not start children)."""


@dataclass(frozen=True, slots=True)
class Result:
    """What a job produced, or why it could not."""

    key: str
    code: int = 0
    """0 built; 2 bad input; 1 runtime fault."""
    message: str = ""
    audio: bytes = b""
    timeline: str = ""
    """The timeline JSON."""
    captions: str = ""
    """WebVTT."""
    seconds: float = 0.0
    """Wall time of the build."""


def cache_folder(cache_dir: str | None, use_cache: bool = True) -> Path | None:
    """The clip cache folder of a build (None: no cache), ``cache_dir`` or the default of the
    process that calls this (``$AUDIO_GUIDE_CACHE`` there)."""
    from audio_guide.sound.synth import default_cache_dir

    if not use_cache:
        return None
    return Path(cache_dir) if cache_dir else default_cache_dir()


def run_job(job: Job) -> Result:
    """Build one track (in whatever process or machine runs this)."""
    from audio_guide import build as pipeline
    from audio_guide.outputs.naming import timeline_path
    from audio_guide.sound.synth import ClipCache

    started = time.monotonic()
    track = job.track
    try:
        folder = cache_folder(job.cache_dir, job.use_cache)
        plan = pipeline.make_plan(
            track.routine,
            track.settings,
            track.origins,
            ClipCache(folder),
            max_hours=job.max_hours,
            mastering=True,
            workers=job.synth_workers,
        )
        with tempfile.TemporaryDirectory(prefix="audio-guide-track-") as tmp:
            out = Path(tmp) / f"track.{track.fmt}"
            pipeline.render(plan, out, captions=CAPTIONS)
            return Result(
                track.key,
                audio=out.read_bytes(),
                timeline=timeline_path(out).read_text(encoding="utf-8"),
                captions=out.with_suffix(".vtt").read_text(encoding="utf-8"),
                seconds=time.monotonic() - started,
            )
    except AudioGuideError as exc:
        return Result(track.key, exc.exit_code, " ".join(str(exc).split("\n")))
    except Exception as exc:  # a fault in one track must not stop the batch
        return Result(track.key, 1, f"internal error ({type(exc).__name__}: {exc})")


def default_jobs() -> int:
    """The CPU count this process may use."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def parse_executor(text: str | None) -> str | None:
    """``dask://HOST:PORT`` -> ``tcp://HOST:PORT`` (None: local)."""
    if text is None or text == "local":
        return None
    if not text.startswith("dask://") or ":" not in text[len("dask://") :]:
        raise UsageError(f"--executor: '{text}' should be local or dask://HOST:PORT")
    return "tcp://" + text[len("dask://") :]


def run_all(jobs: list[Job], n: int, scheduler: str | None, done: Callable[[Result], None]) -> None:
    """Run ``jobs``, calling ``done`` (in this process) as each finishes, in finishing order.

    ``scheduler``: a Dask scheduler address; else ``n`` spawned local processes, or this
    process alone when ``n`` is 1.
    """
    if scheduler is not None:
        results = _dask(jobs, scheduler)
    elif n <= 1 or len(jobs) <= 1:
        results = (run_job(job) for job in jobs)
    else:
        results = _pool(jobs, n)
    for result in results:
        done(result)


def _pool(jobs: list[Job], n: int) -> Iterator[Result]:
    """Spawned processes (a pool forked after espeak-ng started hangs), one engine each."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=min(n, len(jobs)), mp_context=context) as pool:
        futures = [pool.submit(run_job, job) for job in jobs]
        try:
            for future in as_completed(futures):
                yield future.result()
        finally:
            for future in futures:
                future.cancel()


def _dask(jobs: Iterable[Job], address: str) -> Iterator[Result]:
    try:
        from distributed import Client, as_completed
    except ImportError:
        raise AudioGuideError(
            "--executor dask:// needs Dask's distributed; pip install 'audio-guide[cluster]'"
        ) from None
    try:
        client = Client(address, timeout="10s")
    except OSError as exc:
        raise AudioGuideError(
            f"no Dask scheduler answers at {address} ({exc}); start one with 'dask scheduler' "
            "and workers with 'dask worker', or run without --executor"
        ) from None
    with client:
        futures = client.map(run_job, list(jobs), pure=False)
        try:
            for future in as_completed(futures):
                yield future.result()
        finally:
            client.cancel(futures)
