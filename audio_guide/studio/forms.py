"""Endpoints of the routine forms: edits applied to the YAML text, the point library to pick
from, and the files of the routines folder the page can choose (point files, cover images)."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from audio_guide.authoring.config import read_profiles
from audio_guide.authoring.phrases import DEFAULT_LANGUAGE
from audio_guide.authoring.points import assemble
from audio_guide.figures import figure_of
from audio_guide.model import Point
from audio_guide.studio import cuewords, formedit, messages
from audio_guide.studio.api import guarded, json_body, point_files, text_field
from audio_guide.studio.search import region_name, search
from audio_guide.studio.workspace import IMAGE_SUFFIXES, ROUTINE_SUFFIXES, Refused, Workspace


def routes(workspace: Workspace) -> list[Route]:
    """``/api/form``, ``/api/points``, ``/api/files`` and ``/api/cuewords``."""

    @guarded
    async def form(request: Request) -> Response:
        data = await json_body(request)
        text = text_field(data, "text") or ""
        edits = data.get("edits", [])
        if not isinstance(edits, list):
            raise Refused("'edits' should be a list of edits")
        try:
            new = await run_in_threadpool(formedit.apply, text, edits) if edits else text
            described = await run_in_threadpool(formedit.describe, new)
        except formedit.FormError as exc:
            said = messages.translate(str(exc), request.headers.get(messages.HEADER))
            return JSONResponse({"error": said, "text": text}, status_code=422)
        return JSONResponse({"text": new, **described})

    @guarded
    async def points(request: Request) -> Response:
        files = point_files(request.query_params.getlist("points"), workspace)
        library = await run_in_threadpool(
            lambda: assemble([lib for _, lib in read_profiles(None)], files)
        )
        lang = request.query_params.get("lang", "")
        pairs = [(p.in_language(lang) or p, p) for p in library.points.values()]
        query = request.query_params.get("q")
        shown = search(pairs, query, lang) if query else [p for p, _ in pairs]
        entries = [{**point_entry(p), "region_name": region_name(p.region, lang)} for p in shown]
        return JSONResponse({"points": entries})

    @guarded
    async def files(request: Request) -> Response:
        return JSONResponse(
            {
                "point_files": workspace.files(ROUTINE_SUFFIXES),
                "images": workspace.files(IMAGE_SUFFIXES),
            }
        )

    @guarded
    async def cue_words(request: Request) -> Response:
        """A step's cue words in the routine's language (``?lang=``; English without)."""
        lang = request.query_params.get("lang") or DEFAULT_LANGUAGE
        return JSONResponse(await run_in_threadpool(cuewords.describe, lang))

    return [
        Route("/api/form", form, methods=["POST"]),
        Route("/api/cuewords", cue_words),
        Route("/api/points", points),
        Route("/api/files", files),
    ]


def point_entry(point: Point) -> dict[str, object]:
    """What the step menu shows of a library point and searches in (its texts in
    ``language``, the language they are in)."""
    return {
        "language": point.language,
        "id": point.id,
        "name": point.name,
        "who": point.who,
        "title": point.title,
        "region": point.region,
        "location": point.location,
        "cautions": list(point.cautions),
        "sides": point.sides.value,
        "figure": figure_of(point),
        "picture": f"/api/points/{point.id}/picture" if point.figure is not None else None,
    }
