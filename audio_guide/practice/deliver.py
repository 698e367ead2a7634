"""Bring ``site/`` in step with the practice after a batch.

- A revoked client's folder moves to its new token (the tracks stay; the old address is gone).
- Each readable client's ``feed.xml`` and ``index.html`` are written from the recorded tracks
  (only when their text changes); tracks of routines the client no longer gets are removed.
- Folders of clients whose file is gone, and any other token-named folder no client owns, are
  removed. A client whose file is bad keeps its folder as it was.
"""

from __future__ import annotations

import glob
import os
import shutil
from typing import TYPE_CHECKING, Any

from audio_guide.authoring.clients import Client
from audio_guide.practice.feed import Chapter, Episode, feed_xml
from audio_guide.practice.folder import TOKEN
from audio_guide.practice.handouts import SUFFIX, feed_address, write_handout
from audio_guide.practice.site import (
    PICTURE_INFIX,
    SIDE_SUFFIXES,
    guid,
    page,
    url,
    write_if_changed,
)

if TYPE_CHECKING:
    from datetime import datetime

    from audio_guide.practice.batch import Batch


def move_revoked(batch: Batch) -> None:
    """Move each client's folder to its current token when ``practice revoke`` changed it."""
    site, folders = batch.practice.site, batch.folders
    for client in [*batch.clients, *batch.bad]:
        if client not in batch.tokens.data:
            continue
        old, new = folders.get(client), batch.tokens.get(client)
        if old and old != new:
            if (site / old).is_dir() and not (site / new).exists():
                os.replace(site / old, site / new)
            folders[client] = new
            batch.manifest.touch(client)


def refresh(batch: Batch, base_url: str | None) -> None:
    """Feeds, pages, removed tracks and removed clients (see the module docstring)."""
    practice = batch.practice
    for client in batch.clients.values():
        _client_folder(batch, client, base_url)
    present = {p.stem for p in practice.client_files()}
    known = {*batch.tokens.data, *batch.folders, *(k.split("/", 1)[0] for k in batch.tracks)}
    for name in known - present:
        batch.tokens.data.pop(name, None)
        batch.folders.pop(name, None)
        batch.manifest.touch(name)
        for key in [k for k in batch.tracks if k.startswith(f"{name}/")]:
            del batch.tracks[key]
    batch.tokens.save()
    owned = {entry["token"] for entry in batch.tokens.data.values()}
    if practice.site.is_dir():
        for folder in practice.site.iterdir():
            if folder.is_dir() and TOKEN.match(folder.name) and folder.name not in owned:
                shutil.rmtree(folder)


def _client_folder(batch: Batch, client: Client, base_url: str | None) -> None:
    token = batch.tokens.get(client.name)
    folder = batch.practice.site / token
    wanted = {(r.name, fmt) for r in client.routines for fmt in client.formats}
    if client.name not in batch.bad:  # a routine that failed to resolve keeps its old track
        for key in [k for k in batch.tracks if k.startswith(f"{client.name}/")]:
            routine, _, fmt = key.split("/", 1)[1].rpartition(".")
            if (routine, fmt) in wanted:
                continue
            del batch.tracks[key]
            batch.manifest.touch(client.name)
            (folder / f"{routine}.{fmt}").unlink(missing_ok=True)
            if not any(r == routine for r, _ in wanted):
                for suffix in (*SIDE_SUFFIXES, SUFFIX):
                    (folder / f"{routine}{suffix}").unlink(missing_ok=True)
                for picture in folder.glob(f"{glob.escape(routine)}{PICTURE_INFIX}*.png"):
                    picture.unlink(missing_ok=True)
    feed_episodes: list[Episode] = []
    page_episodes: list[Episode] = []
    for entry in client.routines:
        formats = [f for f in client.formats if f"{client.name}/{entry.name}.{f}" in batch.tracks]
        if not formats or not folder.is_dir():
            continue
        record = batch.tracks[f"{client.name}/{entry.name}.{formats[0]}"]
        feed_id = batch.tokens.feed_id(client.name)
        for base, episodes in ((base_url, feed_episodes), (None, page_episodes)):
            episodes.append(_episode(entry.name, formats, record, feed_id, base, token))
        track = batch.resolved.get((client.name, entry.name))
        if track is not None:
            feed = feed_address(base_url, token)
            write_handout(
                folder, entry.name, track.routine, track.settings, record["duration"], feed
            )
    language = client.language or (page_episodes[0].language if page_episodes else "en")
    if not folder.is_dir():
        return
    link = url(base_url, token, "index.html")
    write_if_changed(
        folder / "feed.xml",
        feed_xml(client.title, link, batch.tokens.feed_id(client.name), language, feed_episodes),
    )
    write_if_changed(folder / "index.html", page(client.title, language, page_episodes))


def _chapter(entry: list[Any], base: str | None, token: str) -> Chapter:
    """A recorded chapter ``[start, title]`` or ``[start, title, picture file, alt text]``."""
    start, title, *rest = entry
    picture, alt = (str(rest[0]), str(rest[1])) if len(rest) == 2 else ("", "")
    return Chapter(float(start), str(title), url(base, token, picture) if picture else "", alt)


def _episode(
    name: str,
    formats: list[str],
    record: dict[str, Any],
    feed_id: str,
    base: str | None,
    token: str,
) -> Episode:
    from datetime import datetime

    date: datetime = datetime.fromisoformat(record["date"])
    downloads = [(fmt.upper(), url(base, token, f"{name}.{fmt}")) for fmt in formats]
    downloads.append(("captions (VTT)", url(base, token, f"{name}.vtt")))
    downloads.append(("handout (to print)", url(base, token, name + SUFFIX)))
    return Episode(
        guid=guid(feed_id, name),
        title=record["title"],
        description=record.get("description", ""),
        url=url(base, token, f"{name}.{formats[0]}"),
        fmt=formats[0],
        size=int(record["bytes"]),
        duration=float(record["duration"]),
        date=date,
        chapters_url=url(base, token, f"{name}.chapters.json"),
        transcript_url=url(base, token, f"{name}.vtt"),
        language=record.get("language", "en"),
        chapters=tuple(_chapter(entry, base, token) for entry in record.get("chapters", [])),
        downloads=tuple(downloads),
    )
