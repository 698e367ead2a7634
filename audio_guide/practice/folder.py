"""A practice folder: its layout and the state a batch keeps in it.

```
DIR/routines/NAME.yaml     routines (NAME.LANG.yaml: the same routine in another language)
DIR/points/*.yaml          point files every client's routines may use (in name order)
DIR/clients/NAME.yaml      one client each: a profile plus routines, language and formats
DIR/state/tokens.json      each client's private token and feed id (keep it; it is the secret)
DIR/state/tracks/NAME.json what each of a client's tracks was built from (its fingerprint)
DIR/site/TOKEN/            what is published for one client: tracks, feed.xml, index.html
```

State files are written whole or not at all (``outputs.files``); one batch at a time holds
``state/lock``.
"""

from __future__ import annotations

import contextlib
import json
import re
import secrets
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from audio_guide.errors import AudioGuideError, UsageError
from audio_guide.outputs.files import write_text_atomic
from audio_guide.practice.state import check_tokens, check_tracks

TOKEN = re.compile(r"^[0-9a-f]{32}$")
"""What a client's folder under ``site/`` is called: 128 random bits in hex."""


@dataclass(frozen=True, slots=True)
class Practice:
    """The paths of a practice folder."""

    root: Path

    @property
    def routines(self) -> Path:
        """``DIR/routines``."""
        return self.root / "routines"

    @property
    def points(self) -> Path:
        """``DIR/points``."""
        return self.root / "points"

    @property
    def clients(self) -> Path:
        """``DIR/clients``."""
        return self.root / "clients"

    @property
    def state(self) -> Path:
        """``DIR/state``."""
        return self.root / "state"

    @property
    def site(self) -> Path:
        """``DIR/site``."""
        return self.root / "site"

    def client_files(self) -> list[Path]:
        """``clients/*.yaml`` in name order."""
        return sorted(self.clients.glob("*.yaml"))

    def point_files(self) -> list[Path]:
        """``points/*.yaml`` in name order."""
        return sorted(self.points.glob("*.yaml")) if self.points.is_dir() else []


def open_practice(folder: Path) -> Practice:
    """The practice at ``folder``; a folder without ``clients/`` and ``routines/`` is refused."""
    missing = [n for n in ("clients", "routines") if not (folder / n).is_dir()]
    if missing:
        raise UsageError(
            f"{folder} is not a practice folder (no {' or '.join(m + '/' for m in missing)}); "
            f"'audio-guide practice init {folder}' writes an example"
        )
    return Practice(folder)


def read_json(path: Path) -> dict[str, Any]:
    """A state file's object, or {} when it does not exist yet."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        raise UsageError(f"{path} cannot be read ({exc}); restore it or remove it") from None
    if not isinstance(data, dict):
        raise UsageError(f"{path} is not a state file of audio-guide; restore it or remove it")
    return data


def write_json(path: Path, data: dict[str, Any]) -> None:
    """Write a state file whole or not at all."""
    write_text_atomic(path, json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n")


class Tokens:
    """Each client's private token (its folder under ``site/``) and feed id (for GUIDs).

    A missing ``tokens.json`` is rebuilt from the track records (``state/tracks``), which hold
    each delivered client's folder and feed id, so every address and GUID stays. Where a record
    lacks them, nothing is invented: ``new_tokens`` must say that new ones may be issued.
    """

    def __init__(self, practice: Practice, new_tokens: bool = False) -> None:
        self.path = practice.state / "tokens.json"
        self.rebuilt = False
        """True when ``tokens.json`` was missing and was rebuilt from the track records."""
        if self.path.exists():
            self.data: dict[str, dict[str, str]] = check_tokens(self.path, read_json(self.path))
            return
        self.data = {}
        lost = []
        for path in _track_files(practice):
            record = check_tracks(path, read_json(path))
            folder, feed = record.get("folder"), record.get("feed")
            if folder and feed:
                self.data[path.stem] = {"token": folder, "feed": feed}
            elif folder or record.get("tracks"):
                lost.append(path.stem)
        self.rebuilt = bool(self.data)
        if lost and not new_tokens:
            raise UsageError(
                f"{self.path} is missing and the track records do not hold the feed of "
                f"{', '.join(sorted(lost))}; restore it from a backup, or run batch with "
                "--new-tokens to issue new ones (every such client's feed address and episode "
                "ids change, and they must subscribe again)"
            )

    def get(self, client: str) -> str:
        """The client's token, issuing one on first use."""
        entry = self.data.setdefault(client, {})
        entry.setdefault("token", secrets.token_hex(16))
        entry.setdefault("feed", str(uuid.uuid4()))
        return entry["token"]

    def feed_id(self, client: str) -> str:
        """A random id of the client's feed that outlives token changes (GUIDs derive from it)."""
        self.get(client)
        return self.data[client]["feed"]

    def revoke(self, client: str) -> str:
        """A new token for ``client``; the old one stops working at the next batch."""
        entry = self.data.setdefault(client, {})
        old = entry.get("token")
        while (new := secrets.token_hex(16)) == old:
            pass
        entry["token"] = new
        entry.setdefault("feed", str(uuid.uuid4()))
        return new

    def save(self) -> None:
        """Write ``state/tokens.json``."""
        write_json(self.path, self.data)


class Manifest:
    """What each delivered track was built from, and the client folder it is in: one file per
    client (``state/tracks/NAME.json``), so recording a track rewrites only its client's file."""

    def __init__(self, practice: Practice) -> None:
        self.folder = practice.state / "tracks"
        self.tracks: dict[str, dict[str, Any]] = {}
        """``CLIENT/ROUTINE.FORMAT`` -> its record."""
        self.folders: dict[str, str] = {}
        """Client -> the token its folder had when last delivered."""
        self.feeds: dict[str, str] = {}
        """Client -> its feed id, kept beside the folder so a lost tokens.json can be rebuilt."""
        self.dirty: set[str] = set()
        for path in _track_files(practice):
            data = check_tracks(path, read_json(path))
            if isinstance(data.get("folder"), str):
                self.folders[path.stem] = data["folder"]
            if isinstance(data.get("feed"), str):
                self.feeds[path.stem] = data["feed"]
            self.tracks.update(
                {k: v for k, v in data.get("tracks", {}).items() if k.startswith(f"{path.stem}/")}
            )

    def touch(self, client: str) -> None:
        """Mark a client's record changed."""
        self.dirty.add(client)

    def save(self) -> None:
        """Write the records of the changed clients (a client with none loses its file)."""
        grouped: dict[str, dict[str, Any]] = {c: {} for c in self.dirty}
        for key, record in self.tracks.items():
            client = key.split("/", 1)[0]
            if client in grouped:
                grouped[client][key] = record
        for client, tracks in grouped.items():
            path = self.folder / f"{client}.json"
            if tracks or client in self.folders:
                record = {"folder": self.folders.get(client), "tracks": tracks}
                if client in self.feeds:
                    record["feed"] = self.feeds[client]
                write_json(path, record)
            else:
                path.unlink(missing_ok=True)
        self.dirty.clear()


def _track_files(practice: Practice) -> list[Path]:
    folder = practice.state / "tracks"
    return sorted(folder.glob("*.json")) if folder.is_dir() else []


@contextlib.contextmanager
def locked(practice: Practice) -> Iterator[None]:
    """Hold ``state/lock`` for one batch; a second batch on the same practice is refused."""
    import fcntl

    practice.state.mkdir(parents=True, exist_ok=True)
    with open(practice.state / "lock", "a+") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise AudioGuideError(
                f"another batch is running on {practice.root}; wait for it to finish"
            ) from None
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)
