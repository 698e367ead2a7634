"""``POST /api/handout``: the routine's printable handout (HTML or PDF) with the page's settings,
the same one ``audio-guide handout`` writes."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from audio_guide import build as pipeline
from audio_guide.outputs.handout import handout, handout_bytes
from audio_guide.sound.synth import ClipCache, default_cache_dir
from audio_guide.studio.api import Chosen, choose, guarded, json_body
from audio_guide.studio.workspace import Refused, Workspace

MEDIA = {"html": "text/html; charset=utf-8", "pdf": "application/pdf"}


def make(pick: Chosen, fmt: str) -> bytes:
    """Plan ``pick`` (for its length) and lay its handout out as ``fmt``."""
    plan = pipeline.make_plan(
        pick.routine, pick.settings, pick.origins, ClipCache(default_cache_dir())
    )
    data = handout(pick.routine, pick.settings, plan.timeline.duration)
    return handout_bytes(data, f".{fmt}")


def routes(workspace: Workspace) -> list[Route]:
    """``/api/handout``: the body of ``/api/plan`` plus ``"format": "html" | "pdf"``."""

    @guarded
    async def post(request: Request) -> Response:
        data = await json_body(request)
        fmt = data.get("format", "html")
        if fmt not in MEDIA:
            raise Refused("'format' should be 'html' or 'pdf'")
        pick = choose(data, workspace)
        body = await run_in_threadpool(make, pick, str(fmt))
        name = f"{pick.routine.name}.handout.{fmt}"
        return Response(
            body,
            media_type=MEDIA[str(fmt)],
            headers={"Content-Disposition": f'inline; filename="{name}"'},
        )

    return [Route("/api/handout", post, methods=["POST"])]
