"""The studio's face of ``batch``: run a batch of the practice folder and watch it.

One batch at a time, in a thread, over the same ``practice.batch`` the CLI runs (same options,
same progress lines, same outcome). The page names no folder: the practice is the one the
studio was started with (``studio --practice DIR``). Endpoints:

- ``GET /api/practice``: the folder, and the latest run's state (or none);
- ``POST /api/practice/batch`` ``{"dry_run": bool}``: start a run (409 while one runs);
- ``GET /api/practice/batch``: the run's progress lines, and once done its outcome.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from audio_guide.errors import AudioGuideError
from audio_guide.studio.api import error, guarded, json_body


@dataclass
class Run:
    """One batch as the page polls it."""

    dry_run: bool
    lines: list[str] = field(default_factory=list)
    done: bool = False
    exit_code: int | None = None
    todo: list[dict[str, str]] = field(default_factory=list)
    built: list[str] = field(default_factory=list)
    up_to_date: int = 0
    failures: list[dict[str, object]] = field(default_factory=list)
    seconds: float = 0.0

    def snapshot(self) -> dict[str, object]:
        """Plain data for JSON."""
        return {
            "dry_run": self.dry_run,
            "lines": list(self.lines),
            "done": self.done,
            "exit_code": self.exit_code,
            "todo": list(self.todo),
            "built": list(self.built),
            "up_to_date": self.up_to_date,
            "failures": list(self.failures),
            "seconds": round(self.seconds, 1),
        }


class PracticeRuns:
    """Batches of one practice folder, one at a time."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self.run: Run | None = None
        self._lock = threading.Lock()

    def start(self, dry_run: bool) -> Run:
        """Start a batch in a thread; refused while one runs."""
        with self._lock:
            if self.run is not None and not self.run.done:
                raise RuntimeError("a batch is running")
            run = self.run = Run(dry_run)
        threading.Thread(target=self._work, args=(run,), daemon=True).start()
        return run

    def _work(self, run: Run) -> None:
        from audio_guide.practice.batch import Options, run_batch
        from audio_guide.practice.jobs import default_jobs
        from audio_guide.sound.synth import default_cache_dir

        assert self.folder is not None
        options = Options(
            dry_run=run.dry_run, jobs=default_jobs(), cache_dir=str(default_cache_dir())
        )
        try:
            outcome = run_batch(self.folder, options, run.lines.append)
            run.todo = [{"track": t.key, "why": why} for t, why in outcome.todo]
            run.built = list(outcome.built)
            run.up_to_date = outcome.up_to_date
            run.failures = [
                {"where": f.where, "code": f.code, "message": f.message} for f in outcome.failures
            ]
            run.seconds = outcome.seconds
            run.exit_code = outcome.exit_code
        except AudioGuideError as exc:
            run.failures = [{"where": str(self.folder), "code": exc.exit_code, "message": str(exc)}]
            run.exit_code = exc.exit_code
        except Exception as exc:  # the page must learn the run ended
            message = f"internal error ({type(exc).__name__}: {exc})"
            run.failures = [{"where": str(self.folder), "code": 1, "message": message}]
            run.exit_code = 1
        finally:
            run.done = True


def routes(folder: Path | None) -> list[Route]:
    """The practice endpoints for the studio started with ``--practice folder``."""
    runs = PracticeRuns(folder)

    @guarded
    async def about(request: Request) -> Response:
        latest = runs.run.snapshot() if runs.run else None
        return JSONResponse({"folder": str(folder) if folder else None, "run": latest})

    @guarded
    async def start(request: Request) -> Response:
        data = await json_body(request)
        if folder is None:
            return error("the studio was started without --practice DIR", 404)
        try:
            run = runs.start(bool(data.get("dry_run", False)))
        except RuntimeError as exc:
            return error(str(exc), 409)
        return JSONResponse(run.snapshot(), status_code=202)

    @guarded
    async def status(request: Request) -> Response:
        if runs.run is None:
            return error("no batch has run yet", 404)
        return JSONResponse(runs.run.snapshot())

    return [
        Route("/api/practice", about),
        Route("/api/practice/batch", start, methods=["POST"]),
        Route("/api/practice/batch", status),
    ]
