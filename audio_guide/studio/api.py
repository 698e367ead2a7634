"""Request plumbing: bounded bodies, JSON shapes, errors as JSON, routine and settings from a body.

Every failure a request can cause becomes a 4xx with ``{"error": message}`` (and, for a routine's
problems, ``problems`` at their line and column); nothing reaches the page as a traceback.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from audio_guide import build as pipeline
from audio_guide.authoring.config import ProfileLibrary, read_profiles
from audio_guide.authoring.effective import effective_settings
from audio_guide.authoring.points import assemble
from audio_guide.errors import AudioGuideError, RoutineError, UsageError
from audio_guide.flags import layer_from_strings
from audio_guide.layers import Layer
from audio_guide.model import Routine
from audio_guide.settings import Settings
from audio_guide.studio import messages, strictjson
from audio_guide.studio.workspace import MAX_UPLOAD, Refused, Workspace

LOG = logging.getLogger("audio_guide.studio")
Endpoint = Callable[[Request], Awaitable[Response]]
Profiles = list[tuple[Layer, ProfileLibrary]]
STUDIO = "studio"
"""The source name of the page's settings layer (as ``plan --settings`` names layers)."""


def error(message: str, status: int = 400, **extra: object) -> JSONResponse:
    """A JSON error response."""
    return JSONResponse({"error": message, **extra}, status_code=status)


def problems_of(exc: RoutineError) -> list[dict[str, object]]:
    """A routine's problems as the editor marks them."""
    return [
        {"file": p.file, "line": p.line, "col": p.col, "message": p.message} for p in exc.problems
    ]


def guarded(endpoint: Endpoint) -> Endpoint:
    """Turn every error an endpoint raises into a JSON response with a fitting status."""

    @functools.wraps(endpoint)
    async def wrapper(request: Request) -> Response:
        lang = request.headers.get(messages.HEADER)

        def fail(message: str, status: int, **extra: object) -> JSONResponse:
            body = messages.translated({"error": message, **extra}, lang)
            fields = body.get("fields")
            if isinstance(fields, dict):
                body["error"] = "\n".join(map(str, fields.values()))
            return JSONResponse(body, status_code=status)

        try:
            return await endpoint(request)
        except FieldErrors as exc:
            return fail(str(exc), 400, fields=exc.fields)
        except Refused as exc:
            return fail(str(exc), exc.status)
        except RoutineError as exc:
            return fail("the routine has problems", 422, problems=problems_of(exc))
        except UsageError as exc:
            return fail(str(exc), 400)
        except HTTPException as exc:
            return fail(str(exc.detail), exc.status_code)
        except AudioGuideError as exc:  # engine or encoder missing: the machine, not the request
            return fail(str(exc), 503)
        except Exception as exc:
            LOG.exception("%s %s failed", request.method, request.url.path)
            return fail(f"internal error ({type(exc).__name__}); see the studio's terminal", 500)

    return wrapper


async def body_bytes(request: Request) -> bytes:
    """The request body, refused with 413 past ``MAX_UPLOAD`` (without reading it all)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_UPLOAD:
        raise Refused("the upload is larger than 1 MB; routines are far smaller", 413)
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_UPLOAD:
            raise Refused("the upload is larger than 1 MB; routines are far smaller", 413)
        chunks.append(chunk)
    return b"".join(chunks)


async def json_body(request: Request) -> dict[str, object]:
    """A JSON object body (``Content-Type: application/json``, which a foreign page cannot send
    without the browser asking first)."""
    if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
        raise Refused("send JSON with Content-Type: application/json", 415)
    raw = await body_bytes(request)
    try:
        data = strictjson.loads(raw)
    except strictjson.BadJSON as exc:
        raise Refused(f"the request body is not accepted: {exc}") from None
    if not isinstance(data, dict):
        raise Refused("the request body should be a JSON object")
    return data


def text_field(data: Mapping[str, object], key: str, required: bool = True) -> str | None:
    """A string field of a JSON body."""
    value = data.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str):
        raise Refused(f"'{key}' should be text")
    return value


@dataclass(frozen=True)
class Chosen:
    """A routine and the settings the page chose for it."""

    routine: Routine
    settings: Settings
    origins: dict[str, str]
    layer: Layer


def routine_from(
    data: Mapping[str, object], workspace: Workspace, profiles: Profiles | None = None
) -> Routine:
    """``{"routine": {"ref": ..., "text": ...}}``: the editor's text validated as that routine,
    against the points the CLI would use (shipped, user folder, the default profile's)."""
    spec = data.get("routine")
    if not isinstance(spec, dict):
        raise Refused("'routine' should be an object with 'ref' and/or 'text'")
    path = workspace.routine_path(spec.get("ref"))
    text = text_field(spec, "text", required=False)
    if text is None:
        text = workspace.read_routine(spec.get("ref"))
    profiles = read_profiles(None) if profiles is None else profiles
    files = point_files(data.get("points", []), workspace)
    return pipeline.load_text(path, text, assemble([lib for _, lib in profiles], files))


def point_files(names: object, workspace: Workspace) -> list[Path]:
    """``"points": [FILE.yaml, ...]``: point files of the routines folder, as ``--points``."""
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise Refused("'points' should be a list of file names in the routines folder")
    paths = [workspace.routine_file(n) for n in names]
    for path in paths:
        if not path.is_file():
            raise Refused(f"no point file {path.name!r} in the routines folder", 404)
    return paths


def studio_layer(data: Mapping[str, object]) -> Layer:
    """``{"settings": {name: text}}`` through the CLI's own parser; 400 names each bad field."""
    strings = data.get("settings", {})
    if not isinstance(strings, dict):
        raise Refused("'settings' should be an object of setting name -> text")
    fields: dict[str, str] = {}
    for name, raw in strings.items():
        try:
            layer_from_strings({name: raw}, STUDIO)
        except UsageError as exc:
            fields[str(name)] = str(exc)
    if fields:
        raise FieldErrors(fields)
    return layer_from_strings(strings, STUDIO)


class FieldErrors(Refused):
    """Settings the page sent that the command line would refuse too, by setting name."""

    def __init__(self, fields: dict[str, str]) -> None:
        super().__init__("\n".join(fields.values()))
        self.fields = fields


def choose(data: Mapping[str, object], workspace: Workspace) -> Chosen:
    """Routine < default profile < the page's settings, exactly as ``build`` combines them."""
    profiles = read_profiles(None)
    routine = routine_from(data, workspace, profiles)
    layer = studio_layer(with_bed_in(data, workspace))
    layers = [*(profile for profile, _ in profiles), layer]
    settings, origins = effective_settings(routine, layers)
    if not workspace.bed_allowed(settings.bed):
        raise Refused(
            f"bed file {settings.bed!r} is outside the routines folder {workspace.routines}; "
            "put it there and name it by file name"
        )
    return Chosen(routine, settings, origins, layer)


def with_bed_in(data: Mapping[str, object], workspace: Workspace) -> Mapping[str, object]:
    """Resolve a bed file named by the page inside the routines folder."""
    strings = data.get("settings")
    if isinstance(strings, dict) and isinstance(strings.get("bed"), str):
        bed = strings["bed"].strip()
        if bed and bed != "noise":
            path = workspace.routines / bed
            if not path.resolve().is_relative_to(workspace.routines.resolve()):
                raise FieldErrors({"bed": f"--bed: {bed!r} must be a file in the routines folder"})
            strings = {**strings, "bed": str(path)}
        data = {**data, "settings": strings}
    return data
