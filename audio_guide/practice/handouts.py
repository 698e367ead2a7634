"""A practice client's handouts: one per routine, beside its tracks in the client's folder
(``ROUTINE.handout.html``, linked from ``index.html``), made with the client's settings and in
the client's language, with a QR code of the client's feed when the site's address is known
(``batch --base-url``). ``handout --client`` makes the same one (or a PDF) on the command line.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from audio_guide.authoring import limits
from audio_guide.authoring.clients import read_client
from audio_guide.errors import UsageError
from audio_guide.layers import Layer
from audio_guide.model import Routine
from audio_guide.outputs.handout import handout, handout_bytes
from audio_guide.practice.folder import Tokens, open_practice
from audio_guide.practice.site import url, write_if_changed
from audio_guide.settings import Settings
from audio_guide.words import suggest

SUFFIX = ".handout.html"
"""The file of a routine's handout in a client's folder."""


def feed_address(base_url: str | None, token: str) -> str | None:
    """The client's feed address for the QR code: absolute, so only with a base URL."""
    return url(base_url, token, "feed.xml") if base_url else None


def write_handout(
    folder: Path,
    name: str,
    routine: Routine,
    settings: Settings,
    duration: float,
    feed: str | None,
) -> bool:
    """Write routine ``name``'s handout into the client's ``folder`` (only when its text
    changes); True when written. HTML only: the client prints it from the browser, and a
    batch stays fast (a PDF takes ~0.2 s; ``handout --client -o FILE.pdf`` makes one)."""
    data = handout(routine, settings, duration, feed)
    return write_if_changed(folder / f"{name}{SUFFIX}", handout_bytes(data, ".html").decode())


@dataclass(frozen=True, slots=True)
class ClientHandout:
    """What ``handout --client`` makes a handout from."""

    client: str
    routine: Routine
    settings: Settings
    origins: dict[str, str]
    feed: str | None
    note: str
    """Why there is no QR code ('' when there is one)."""


def for_client(
    path: Path,
    routine_name: str,
    extra: Sequence[Layer] = (),
    base_url: str | None = None,
    max_hours: float = limits.MAX_HOURS,
) -> ClientHandout:
    """The routine ``routine_name`` of the client file at ``path`` (in a practice folder), with
    the client's settings under ``extra`` layers, and the client's feed address when the
    practice has delivered to the client and ``base_url`` is given."""
    from audio_guide.practice.tracks import Resolver

    practice = open_practice(path.parent.parent)
    client = read_client(path, practice.routines)
    entry = next((r for r in client.routines if r.name == routine_name), None)
    if entry is None:
        names = [r.name for r in client.routines]
        raise UsageError(
            f"{path}: the client gets no routine '{routine_name}'"
            f"{suggest(routine_name, names)}; it gets {', '.join(names)}"
        )
    routine, settings, origins = Resolver(practice, max_hours).resolve(client, entry, extra)
    token = Tokens(practice).data.get(client.name, {}).get("token")
    note = ""
    if token is None:
        note = (
            f"{client.name} has no feed yet (run 'audio-guide batch {practice.root}' first), "
            "so the handout has no QR code"
        )
    elif base_url is None:
        note = "give --base-url (where the practice's site/ is published) for a QR code of the feed"
    feed = feed_address(base_url, token) if token else None
    return ClientHandout(client.name, routine, settings, origins, feed, note)
