"""The studio's HTTP endpoints (Starlette): one thin handler per action over the pipeline.

Reads and writes stay inside the routines and output folders the studio was started with (and
``NAME.yaml`` in the user's config folder when the page saves a profile there).
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from importlib import resources
from pathlib import Path

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import (
    FileResponse,
    HTMLResponse,
    JSONResponse,
    Response,
    StreamingResponse,
)
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from audio_guide.authoring.config import profile_text
from audio_guide.outputs.export import MEDIA_TYPES
from audio_guide.outputs.files import write_text_atomic
from audio_guide.sound.engines import get_engine
from audio_guide.sound.synth import ClipCache, default_cache_dir
from audio_guide.studio import (
    controls,
    forms,
    messages,
    pictures,
    practice_runs,
    preview,
    recording,
    views,
)
from audio_guide.studio.api import (
    Chosen,
    body_bytes,
    choose,
    error,
    guarded,
    json_body,
    text_field,
)
from audio_guide.studio.handouts import routes as handout_routes
from audio_guide.studio.jobs import Jobs
from audio_guide.studio.workspace import Refused, Workspace, safe_name

HOSTS = ("127.0.0.1", "localhost")
MEDIA = {
    **MEDIA_TYPES,
    ".vtt": "text/vtt",
    ".lrc": "text/plain",
    ".json": "application/json",
}


def create_app(
    workspace: Workspace,
    hosts: tuple[str, ...] = HOSTS,
    debug: bool = False,
    practice: Path | None = None,
) -> Starlette:
    """The studio for ``workspace`` (and the practice folder ``practice``, if given); only
    requests addressed to ``hosts`` are served. ``debug`` lists the test-only ``fake`` engine
    among the engines."""
    jobs = Jobs(workspace.output, lambda: ClipCache(default_cache_dir()))

    def chosen(data: dict[str, object]) -> Chosen:
        return choose(data, workspace)

    async def index(request: Request) -> Response:
        page = resources.files("audio_guide.studio").joinpath("static/index.html")
        return HTMLResponse(page.read_text(encoding="utf-8"))

    @guarded
    async def get_controls(request: Request) -> Response:
        return JSONResponse({"controls": controls.describe(debug)})

    @guarded
    async def list_routines(request: Request) -> Response:
        return JSONResponse({"routines": workspace.routine_refs()})

    @guarded
    async def get_routine(request: Request) -> Response:
        ref = request.query_params.get("ref")
        if not ref:
            raise Refused("give ?ref=shipped:NAME or ?ref=folder:FILE.yaml")
        text = await run_in_threadpool(workspace.read_routine, ref)
        return JSONResponse({"ref": ref, "text": text})

    @guarded
    async def save_routine(request: Request) -> Response:
        path = workspace.routine_file(request.path_params["name"])
        raw = await body_bytes(request)
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise Refused("the routine is not UTF-8 text") from None
        await run_in_threadpool(write_text_atomic, path, text)
        ref = f"folder:{path.name}"
        return JSONResponse({"ref": ref, **views.validation(workspace, ref, text)}, status_code=201)

    @guarded
    async def validate(request: Request) -> Response:
        data = await json_body(request)
        spec = data.get("routine")
        if not isinstance(spec, dict):
            raise Refused("'routine' should be an object with 'ref' and 'text'")
        text = text_field(spec, "text")
        points = data.get("points", [])
        found = await run_in_threadpool(
            views.validation, workspace, spec.get("ref"), text or "", points
        )
        return JSONResponse(messages.translated(found, request.headers.get(messages.HEADER)))

    @guarded
    async def voices(request: Request) -> Response:
        name = request.query_params.get("engine", "pyttsx3")
        found = await run_in_threadpool(lambda: get_engine(name).voices())
        return JSONResponse({"engine": name, "voices": [v.as_dict() for v in found]})

    @guarded
    async def plan(request: Request) -> Response:
        data = await json_body(request)
        found = await run_in_threadpool(views.plan, chosen(data))
        return JSONResponse(messages.translated(found, request.headers.get(messages.HEADER)))

    @guarded
    async def hear(request: Request) -> Response:
        data = await json_body(request)
        pick = chosen(data)
        chapter = data.get("chapter")
        if chapter is not None:
            if not isinstance(chapter, int) or isinstance(chapter, bool):
                raise Refused("'chapter' should be a whole number")
            made = await run_in_threadpool(views.make_plan, pick)
            wav = await run_in_threadpool(preview.step, made, chapter)
        else:
            text = text_field(data, "text")
            cache = ClipCache(default_cache_dir())
            wav = await run_in_threadpool(preview.sentence, pick.settings, text or "", cache)
        return Response(wav, media_type="audio/wav")

    @guarded
    async def start_build(request: Request) -> Response:
        data = await json_body(request)
        pick = chosen(data)
        cover = workspace.cover_file(data.get("cover"))
        job = jobs.start(pick.routine, pick.settings, pick.origins, cover)
        return JSONResponse(job.snapshot(), status_code=202)

    @guarded
    async def build_events(request: Request) -> Response:
        job = jobs.get(request.path_params["id"])
        if job is None:
            return error("no such build", 404)
        return StreamingResponse(views.events(job), media_type="text/event-stream")

    @guarded
    async def build_status(request: Request) -> Response:
        job = jobs.get(request.path_params["id"])
        if job is None:
            return error("no such build", 404)
        return JSONResponse(job.snapshot())

    @guarded
    async def cancel_build(request: Request) -> Response:
        job = jobs.cancel(request.path_params["id"])
        if job is None:
            return error("no such build", 404)
        return JSONResponse(job.snapshot(), status_code=202)

    @guarded
    async def profile(request: Request) -> Response:
        data = await json_body(request)
        pick = chosen(data)
        name = safe_name(text_field(data, "name", required=False) or pick.routine.name, "name")
        text = profile_text(views.profile_values(pick), f"Saved by audio-guide studio for {name}.")
        target = data.get("target", "download")
        if target == "download":
            return Response(
                text,
                media_type="application/x-yaml",
                headers={"Content-Disposition": f'attachment; filename="{name}.yaml"'},
            )
        if target != "config":
            raise Refused("'target' should be 'download' or 'config'")
        path = workspace.profile_path(name)
        await run_in_threadpool(write_text_atomic, path, text)
        return JSONResponse({"path": str(path), "text": text}, status_code=201)

    @guarded
    async def output_file(request: Request) -> Response:
        path = workspace.output_file(request.path_params["name"])
        if not path.is_file():
            return error("no such file in the output folder", 404)
        disposition = "attachment" if request.query_params.get("download") else "inline"
        return FileResponse(
            path,
            media_type=MEDIA.get(path.suffix),
            filename=path.name,
            content_disposition_type=disposition,
        )

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        await run_in_threadpool(jobs.shutdown)

    routes = [
        Route("/", index),
        Route("/api/controls", get_controls),
        Route("/api/routines", list_routines),
        Route("/api/routine", get_routine),
        Route("/api/routines/{name}", save_routine, methods=["PUT"]),
        Route("/api/validate", validate, methods=["POST"]),
        Route("/api/voices", voices),
        Route("/api/plan", plan, methods=["POST"]),
        Route("/api/preview", hear, methods=["POST"]),
        Route("/api/builds", start_build, methods=["POST"]),
        Route("/api/builds/{id}", build_status),
        Route("/api/builds/{id}", cancel_build, methods=["DELETE"]),
        Route("/api/builds/{id}/events", build_events),
        *pictures.routes(workspace),
        *forms.routes(workspace),
        *handout_routes(workspace),
        Route("/api/profile", profile, methods=["POST"]),
        Route("/files/{name}", output_file),
        *practice_runs.routes(practice),
        *recording.routes(workspace),
        Mount("/static", StaticFiles(packages=[("audio_guide.studio", "static")]), name="static"),
    ]
    app = Starlette(
        routes=routes,
        middleware=[Middleware(TrustedHostMiddleware, allowed_hosts=list(hosts))],
        lifespan=lifespan,
        exception_handlers={404: _not_found, 405: _not_allowed},
    )
    app.state.jobs = jobs
    return app


async def _not_found(request: Request, exc: Exception) -> Response:
    return error("not found", 404)


async def _not_allowed(request: Request, exc: Exception) -> Response:
    return error(f"{request.method} is not allowed here", 405)
