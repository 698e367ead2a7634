"""The "Record your voice" panel's endpoints: voice packs in the config folder, and their takes.

    GET    /api/packs                       the packs (name, speaker, language, clips)
    POST   /api/packs                       create one: {name, speaker, language, consent}
    POST   /api/packs/{name}/list           what the page's routine needs, recorded or missing
    PUT    /api/packs/{name}/take?text=&lang=   a take (the browser's recording, any audio type)
    GET    /api/packs/{name}/take?text=&lang=   the stored clip, as WAV
    DELETE /api/packs/{name}/take?text=&lang=   remove it

A take goes through ``sound/takes.py`` (decode, mono, trim, level, or refuse with 422 and the
reason); a saved take is read afresh by the next plan or preview. The page names packs only by
name; they live in ``CONFIG/packs``. Takes must be sent with an ``audio/*`` (or ``video/webm``)
type, which a foreign page cannot send without the browser asking first.
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from audio_guide.authoring.phrases import languages
from audio_guide.sound import takes
from audio_guide.sound.packs import (
    PACK_FILE,
    Pack,
    create_pack,
    list_packs,
    normal,
    packs_dir,
    read_pack,
    safe_pack_name,
)
from audio_guide.sound.recording import recording_list
from audio_guide.studio.api import choose, guarded, json_body, text_field
from audio_guide.studio.preview import wav_bytes
from audio_guide.studio.workspace import Refused, Workspace
from audio_guide.timeline import Role

TAKE_TYPES = ("audio/", "video/webm", "application/ogg")


def _pack(name: str) -> Pack:
    folder = packs_dir() / safe_pack_name(name)  # a UsageError: 400 with its message
    if not (folder / PACK_FILE).is_file():
        raise Refused(f"no voice pack {name!r}; create it first", 404)
    return read_pack(folder)


def _info(pack: Pack) -> dict[str, object]:
    return {
        "name": pack.name,
        "speaker": pack.speaker,
        "language": pack.language,
        "consent": pack.consent,
        "clips": pack.clip_count(),
    }


def _text(request: Request) -> tuple[str, str | None]:
    text = normal(request.query_params.get("text", ""))
    if not text:
        raise Refused("give the take's text as ?text=")
    if len(text) > 2000:
        raise Refused("the text is longer than 2000 characters")
    lang = request.query_params.get("lang") or None
    if lang is not None and lang not in languages():
        raise Refused(f"lang {lang[:40]!r}: give one of {', '.join(languages())}")
    return text, lang


async def _take_body(request: Request) -> bytes:
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if not kind.startswith(TAKE_TYPES):
        raise Refused("send the take as audio (Content-Type audio/webm, audio/wav ...)", 415)
    declared = request.headers.get("content-length", "")
    limit = takes.MAX_BYTES
    if declared.isdigit() and int(declared) > limit:
        raise Refused(f"the take is larger than {limit >> 20} MB; record one sentence", 413)
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise Refused(f"the take is larger than {limit >> 20} MB; record one sentence", 413)
        chunks.append(chunk)
    return b"".join(chunks)


def routes(workspace: Workspace) -> list[Route]:
    """The panel's routes for a studio over ``workspace``."""

    @guarded
    async def packs(request: Request) -> Response:
        found = await run_in_threadpool(list_packs)
        return JSONResponse({"folder": str(packs_dir()), "packs": [_info(p) for p in found]})

    @guarded
    async def new_pack(request: Request) -> Response:
        data = await json_body(request)
        name = text_field(data, "name") or ""
        speaker = text_field(data, "speaker") or ""
        language = text_field(data, "language") or ""
        consent = text_field(data, "consent", required=False) or ""
        if language not in languages():
            raise Refused(f"language {language!r}: give one of {', '.join(languages())}")
        pack = await run_in_threadpool(
            create_pack, safe_pack_name(name.strip()), speaker, language, consent
        )
        return JSONResponse(_info(pack), status_code=201)

    @guarded
    async def needs(request: Request) -> Response:
        pack = _pack(request.path_params["name"])
        pick = choose(await json_body(request), workspace)

        def rows() -> list[dict[str, object]]:
            language = pick.routine.language
            return [
                {
                    "n": n,
                    "text": text,
                    "count": role is Role.COUNT,
                    "recorded": pack.has(text, language),
                }
                for n, (text, role) in enumerate(recording_list(pick.routine, pick.settings), 1)
            ]

        items = await run_in_threadpool(rows)
        return JSONResponse(
            {"pack": _info(pack), "language": pick.routine.language, "items": items}
        )

    @guarded
    async def save_take(request: Request) -> Response:
        pack = _pack(request.path_params["name"])
        text, language = _text(request)
        raw = await _take_body(request)
        try:
            clip = await run_in_threadpool(takes.prepare, raw, pack.sample_rate)
        except takes.TakeRefused as exc:
            raise Refused(str(exc), 422) from None
        await run_in_threadpool(pack.save, text, clip, language)
        seconds = round(len(clip) / pack.sample_rate, 3)
        return JSONResponse({"text": text, "recorded": True, "seconds": seconds}, status_code=201)

    @guarded
    async def get_take(request: Request) -> Response:
        pack = _pack(request.path_params["name"])
        text, language = _text(request)
        if not pack.has(text, language):
            raise Refused(f"{text!r} is not recorded yet", 404)
        clip = await run_in_threadpool(pack.load, text, language)
        return Response(wav_bytes([clip], pack.sample_rate), media_type="audio/wav")

    @guarded
    async def delete_take(request: Request) -> Response:
        pack = _pack(request.path_params["name"])
        text, language = _text(request)
        existed = await run_in_threadpool(pack.delete, text, language)
        return JSONResponse({"text": text, "deleted": existed})

    return [
        Route("/api/packs", packs),
        Route("/api/packs", new_pack, methods=["POST"]),
        Route("/api/packs/{name}/list", needs, methods=["POST"]),
        Route("/api/packs/{name}/take", save_take, methods=["PUT"]),
        Route("/api/packs/{name}/take", get_take, methods=["GET"]),
        Route("/api/packs/{name}/take", delete_take, methods=["DELETE"]),
    ]
