"""The practice's state files, checked on read: nothing in them is trusted blindly.

``state/tokens.json`` maps each client to its token (the name of its private folder under
``site/``) and feed id (its episodes' GUIDs derive from it); ``state/tracks/CLIENT.json`` records
the client's folder, feed id and delivered tracks. A name in them becomes a path, so every one
is checked here: clients and routines are plain names, a token is 32 hex digits, a feed id a
UUID, a track key ``CLIENT/ROUTINE.FORMAT`` of the file it sits in. A file that fails is refused
with its path and what to do; it is never rewritten or replaced silently.
"""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from pathlib import Path
from typing import Any

from audio_guide.errors import UsageError
from audio_guide.safename import name_problem

TOKEN = re.compile(r"[0-9a-f]{32}")
"""A token: 128 random bits in lower-case hex (``secrets.token_hex(16)``)."""
_ENTRY_KEYS = {"token", "feed"}
_TRACK_FILE_KEYS = {"folder", "feed", "tracks"}
_FORMATS = ("mp3", "m4b", "opus")


def refuse(path: Path, what: str) -> UsageError:
    """The error for a state file that fails its check."""
    return UsageError(
        f"{path}: {what}; restore the file from a backup, or remove it "
        "(a removed tokens.json is rebuilt from state/tracks)"
    )


def is_token(value: object) -> bool:
    """Whether ``value`` is a token (32 lower-case hex digits)."""
    return isinstance(value, str) and TOKEN.fullmatch(value) is not None


def is_feed_id(value: object) -> bool:
    """Whether ``value`` is a UUID written the usual way."""
    if not isinstance(value, str):
        return False
    try:
        return str(uuid.UUID(value)) == value
    except ValueError:
        return False


def check_tokens(path: Path, data: dict[str, Any]) -> dict[str, dict[str, str]]:
    """``tokens.json`` as client -> {token, feed}, every entry checked."""
    for client, entry in data.items():
        problem = name_problem(client, "client")
        if problem:
            raise refuse(path, problem)
        if not isinstance(entry, dict) or set(entry) - _ENTRY_KEYS:
            raise refuse(path, f"the entry of '{client}' is not {{token, feed}}")
        if "token" in entry and not is_token(entry["token"]):
            raise refuse(path, f"the token of '{client}' is not 32 hex digits")
        if "feed" in entry and not is_feed_id(entry["feed"]):
            raise refuse(path, f"the feed id of '{client}' is not a UUID")
    return data


def check_tracks(path: Path, data: dict[str, Any]) -> dict[str, Any]:
    """A ``tracks/CLIENT.json`` record, checked: its folder, feed id and track keys."""
    client = path.stem
    if set(data) - _TRACK_FILE_KEYS:
        raise refuse(path, f"unknown keys {sorted(set(data) - _TRACK_FILE_KEYS)}")
    if data.get("folder") is not None and not is_token(data["folder"]):
        raise refuse(path, "its folder is not a token (32 hex digits)")
    if data.get("feed") is not None and not is_feed_id(data["feed"]):
        raise refuse(path, "its feed id is not a UUID")
    tracks = data.get("tracks", {})
    if not isinstance(tracks, dict):
        raise refuse(path, "its tracks are not a mapping")
    for key, record in tracks.items():
        owner, _, rest = str(key).partition("/")
        routine, _, fmt = rest.rpartition(".")
        if owner != client or fmt not in _FORMATS or name_problem(routine, "routine"):
            raise refuse(path, f"'{key}' is not a track of {client} (CLIENT/ROUTINE.FORMAT)")
        if not isinstance(record, dict) or not isinstance(record.get("chapters", []), list):
            raise refuse(path, f"the record of '{key}' is not a track record")
        try:
            datetime.fromisoformat(record.get("date", "2000-01-01"))
        except (TypeError, ValueError):
            raise refuse(path, f"the date of '{key}' is not an ISO date") from None
    return data
