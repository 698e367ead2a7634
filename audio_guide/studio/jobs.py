"""Builds started from the page: each in its own thread, with progress and cancellation.

A cancelled build stops at its next progress report (the next clip while synthesizing, the next
block while encoding, so the encoder is killed and its temporary file removed by
``outputs.files.staged``) or at the next loudness pass of mastering; nothing is written at
an output path unless it is complete.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from audio_guide import build as pipeline
from audio_guide.errors import AudioGuideError
from audio_guide.model import Routine
from audio_guide.settings import Settings
from audio_guide.sound.engines import Samples
from audio_guide.sound.synth import ClipBank, ClipCache
from audio_guide.timeline import EventKind

CAPTIONS = ("vtt",)
"""Side files every studio build writes (the player shows the VTT along)."""


class Cancelled(Exception):
    """Raised inside a build's progress report once the build is cancelled."""


@dataclass
class Job:
    """One build: its state as the page polls it."""

    id: str
    routine: Routine
    settings: Settings
    origins: dict[str, str]
    output: Path
    state: str = "queued"
    """queued, running, done, failed or cancelled."""
    stage: str = ""
    done: int = 0
    total: int = 1
    error: str | None = None
    timeline: dict[str, object] | None = None
    files: dict[str, str] = field(default_factory=dict)
    started: float = field(default_factory=time.monotonic)
    seconds: float | None = None
    cancel_event: threading.Event = field(default_factory=threading.Event)
    thread: threading.Thread | None = None

    def progress(self, stage: str, done: int, total: int) -> None:
        """The pipeline's progress callback; raises ``Cancelled`` once cancelled."""
        if self.cancel_event.is_set():
            raise Cancelled
        self.stage, self.done, self.total = stage, done, max(total, 1)

    def snapshot(self) -> dict[str, object]:
        """Plain data for the page."""
        return {
            "id": self.id,
            "routine": self.routine.name,
            "state": self.state,
            "stage": self.stage,
            "percent": round(100 * self.done / self.total) if self.state == "running" else None,
            "error": self.error,
            "seconds": self.seconds,
            "files": self.files,
            "timeline": self.timeline,
        }


@dataclass
class _CancellableBank(ClipBank):
    """The plan's clips, refusing to hand one out once the build is cancelled: each loudness
    pass of mastering starts by fetching every clip, so a cancel lands between passes too."""

    job: Job | None = None

    def get(self, kind: EventKind, text: str) -> Samples:
        """The clip, unless the build was cancelled."""
        if self.job is not None and self.job.cancel_event.is_set():
            raise Cancelled
        return super().get(kind, text)


class Jobs:
    """The builds of one studio."""

    def __init__(self, output: Path, cache: Callable[[], ClipCache]) -> None:
        self.output = output
        self.cache = cache
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()

    def start(self, routine: Routine, settings: Settings, origins: dict[str, str]) -> Job:
        """Start building in a thread; the output gets a name of its own (``NAME-ID.mp3``)."""
        job_id = secrets.token_hex(4)
        job = Job(job_id, routine, settings, origins, self.output / f"{routine.name}-{job_id}.mp3")
        job.thread = threading.Thread(target=self._run, args=(job,), name=f"build-{job_id}")
        with self._lock:
            self._jobs[job_id] = job
        job.thread.start()
        return job

    def get(self, job_id: str) -> Job | None:
        """A build by id."""
        with self._lock:
            return self._jobs.get(job_id)

    def cancel(self, job_id: str) -> Job | None:
        """Ask a build to stop (it stops at its next progress report)."""
        job = self.get(job_id)
        if job is not None and job.state in ("queued", "running"):
            job.cancel_event.set()
        return job

    def shutdown(self, timeout: float = 30.0) -> None:
        """Cancel every unfinished build and wait for their threads."""
        with self._lock:
            jobs = list(self._jobs.values())
        for job in jobs:
            job.cancel_event.set()
        for job in jobs:
            if job.thread is not None:
                job.thread.join(timeout)

    def _run(self, job: Job) -> None:
        job.state = "running"
        try:
            plan = pipeline.make_plan(
                job.routine, job.settings, job.origins, self.cache(), progress=job.progress
            )
            clips = _CancellableBank(plan.clips.sample_rate, plan.clips.clips, job=job)
            plan = replace(plan, clips=clips)
            written = pipeline.render(plan, job.output, job.progress, CAPTIONS)
        except Cancelled:
            job.state = "cancelled"
        except AudioGuideError as exc:
            job.state, job.error = "failed", str(exc)
        except Exception as exc:  # a bug must reach the page as a message, not kill the thread
            job.state, job.error = "failed", f"internal error ({type(exc).__name__}: {exc})"
        else:
            job.timeline = plan.timeline.as_dict()
            job.files = {"mp3": job.output.name}
            for path in written:
                key = "timeline" if path.name.endswith(".timeline.json") else path.suffix[1:]
                job.files[key] = path.name
            job.state = "done"
        job.seconds = round(time.monotonic() - job.started, 2)
