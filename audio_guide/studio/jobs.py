"""Builds started from the page: each in its own thread, with progress and cancellation.

A cancelled build stops at its next progress report (the next clip while synthesizing, the next
block while encoding, so the encoder is killed and its temporary file removed by
``outputs.files.staged``) or at the next loudness pass of mastering; nothing is written at
an output path unless it is complete.
"""

from __future__ import annotations

import glob
import re
import secrets
import threading
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from audio_guide import build as pipeline
from audio_guide.errors import AudioGuideError
from audio_guide.model import Routine
from audio_guide.outputs.export import suffix_of
from audio_guide.settings import Settings
from audio_guide.sound.engines import Samples
from audio_guide.sound.synth import ClipBank, ClipCache
from audio_guide.studio.workspace import PASTED
from audio_guide.timeline import EventKind

CAPTIONS = ("vtt",)
"""Side files every studio build writes (the player shows the VTT along)."""
KEEP_S = 3600.0
"""A finished build is forgotten this long after it ended (or once its MP3 is deleted)."""
ENDED = ("done", "failed", "cancelled")


def output_stem(title: str, name: str) -> str:
    """A safe file stem from a routine's ``title`` ("Dolor de espalda" -> ``dolor-de-espalda``,
    accents folded to ASCII), else its file ``name``, else ``routine``."""
    for text in (title, name):
        folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
        slug = re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")[:60].strip("-")
        if slug and slug != PASTED:
            return slug
    return "routine"


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
    cover: Path | None = None
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
    ended: float | None = None
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

    def __init__(self, output: Path, cache: Callable[[], ClipCache], keep: float = KEEP_S) -> None:
        self.output = output
        self.cache = cache
        self.keep = keep
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()

    def start(
        self,
        routine: Routine,
        settings: Settings,
        origins: dict[str, str],
        cover: Path | None = None,
    ) -> Job:
        """Start building in a thread; the output gets a name of its own, from the routine's
        title (``output_stem``): ``manos.mp3``, ``manos-2.mp3`` when that is taken (or the
        suffix of the settings' format)."""
        self.forget_old()
        job_id = secrets.token_hex(4)
        suffix = suffix_of(settings.format)
        with self._lock:
            taken = {j.output.stem for j in self._jobs.values()}
            stem = base = output_stem(routine.title, routine.name)
            n = 1
            while stem in taken or any(self.output.glob(f"{glob.escape(stem)}.*")):
                n += 1
                stem = f"{base}-{n}"
            output = self.output / f"{stem}{suffix}"
            job = Job(job_id, routine, settings, origins, output, cover)
            self._jobs[job_id] = job
        job.thread = threading.Thread(target=self._run, args=(job,), name=f"build-{job_id}")
        job.thread.start()
        return job

    def get(self, job_id: str) -> Job | None:
        """A build by id (``None`` once forgotten)."""
        self.forget_old()
        with self._lock:
            return self._jobs.get(job_id)

    def forget_old(self) -> None:
        """Drop builds that ended more than ``keep`` seconds ago, and done builds whose MP3 was
        deleted (their files are gone, so there is nothing left to show)."""
        now = time.monotonic()
        with self._lock:
            for job_id, job in list(self._jobs.items()):
                old = job.ended is not None and now - job.ended > self.keep
                gone = job.state == "done" and not job.output.exists()
                if old or gone:
                    del self._jobs[job_id]

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
            written = pipeline.render(plan, job.output, job.progress, CAPTIONS, job.cover)
        except Cancelled:
            end = "cancelled"
        except AudioGuideError as exc:
            end, job.error = "failed", str(exc)
        except Exception as exc:  # a bug must reach the page as a message, not kill the thread
            end, job.error = "failed", f"internal error ({type(exc).__name__}: {exc})"
        else:
            job.timeline = plan.timeline.as_dict()
            fmt = job.settings.format
            job.files = {"audio": job.output.name, "format": fmt, fmt: job.output.name}
            for path in written:
                key = "timeline" if path.name.endswith(".timeline.json") else path.suffix[1:]
                job.files[key] = path.name
            end = "done"
        job.seconds = round(time.monotonic() - job.started, 2)
        job.ended = time.monotonic()
        job.state = end  # last: a reader that sees the end sees everything with it
