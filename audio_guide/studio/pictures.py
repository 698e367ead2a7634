"""Pictures in the studio: a point's picture for the search results, step cards and *Hear step*,
and the blank region figures an own point is placed on by a click.

    GET  /api/points/{id}/picture?points=&lang=   the point's picture (SVG; 404 without one)
    POST /api/steps/picture  {text, ..., step | point}  the picture of a step of the routine
                                                being edited (its index, or a chapter's point
                                                id): library points and own points alike
    GET  /api/figures                           the region figures' ids
    GET  /api/figures/{id}                      a blank region figure with its landmarks (SVG)
    POST /api/figures/{id}/place   {x, y}       the ``figure:`` value for a click at x, y

Names come from the path: a point id is looked up in the library (never used as a path), a
figure id must be one of the shipped figures.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from audio_guide.authoring.config import read_profiles
from audio_guide.authoring.points import assemble
from audio_guide.figures import picture_svg, place_from_click, region_figures, region_svg
from audio_guide.model import Point, Step
from audio_guide.studio.api import choose, guarded, json_body, point_files
from audio_guide.studio.workspace import Refused, Workspace

SVG = "image/svg+xml"


def routes(workspace: Workspace) -> list[Route]:
    """The picture routes for a studio over ``workspace``."""

    @guarded
    async def point_picture(request: Request) -> Response:
        pid = request.path_params["id"]
        files = point_files(request.query_params.getlist("points"), workspace)
        library = await run_in_threadpool(
            lambda: assemble([lib for _, lib in read_profiles(None)], files)
        )
        point = library.points.get(pid)
        if point is None:
            raise Refused(f"no point {pid[:40]!r} in the library", 404)
        shown = point.in_language(request.query_params.get("lang", "")) or point
        svg = await run_in_threadpool(picture_svg, shown)
        if svg is None:
            raise Refused(f"{point.name} has no picture", 404)
        return Response(svg, media_type=SVG, headers={"Cache-Control": "no-cache"})

    @guarded
    async def step_picture(request: Request) -> Response:
        data = await json_body(request)
        pick = await run_in_threadpool(choose, data, workspace)
        point = _step_point(pick.routine.steps, data.get("step"), data.get("point"))
        svg = await run_in_threadpool(picture_svg, point) if point is not None else None
        if svg is None:
            raise Refused("this step has no picture", 404)
        return Response(svg, media_type=SVG, headers={"Cache-Control": "no-cache"})

    @guarded
    async def figures(request: Request) -> Response:
        return JSONResponse({"figures": region_figures()})

    def _figure_id(request: Request) -> str:
        fid = str(request.path_params["id"])
        if fid not in region_figures():
            known = ", ".join(region_figures())
            raise Refused(f"no figure {fid[:40]!r}; the figures are {known}", 404)
        return fid

    @guarded
    async def figure(request: Request) -> Response:
        return Response(region_svg(_figure_id(request)), media_type=SVG)

    @guarded
    async def place(request: Request) -> Response:
        fid = _figure_id(request)
        data = await json_body(request)
        x, y = data.get("x"), data.get("y")
        if not all(
            isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)
            for v in (x, y)
        ):
            raise Refused("give the click as numbers 'x' and 'y' in the figure's units")
        value = place_from_click(fid, float(x), float(y))  # type: ignore[arg-type]
        return JSONResponse({"figure": value})

    return [
        Route("/api/points/{id}/picture", point_picture),
        Route("/api/steps/picture", step_picture, methods=["POST"]),
        Route("/api/figures", figures),
        Route("/api/figures/{id}", figure),
        Route("/api/figures/{id}/place", place, methods=["POST"]),
    ]


def _step_point(steps: Sequence[object], index: object, pid: object) -> Point | None:
    """The point of step ``index`` (0-based), or of the first step working point ``pid``."""
    if isinstance(index, int) and not isinstance(index, bool):
        if not 0 <= index < len(steps):
            raise Refused(f"'step' should be 0..{len(steps) - 1}, got {index}")
        step = steps[index]
        return step.point if isinstance(step, Step) else None
    if isinstance(pid, str):
        return next((s.point for s in steps if isinstance(s, Step) and s.point.id == pid), None)
    raise Refused("give 'step' (a step's index) or 'point' (a chapter's point id)")
