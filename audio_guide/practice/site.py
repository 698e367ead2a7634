"""What one client's folder under ``site/`` holds, and keeping it in step with the practice.

``site/TOKEN/`` has, per routine, ``ROUTINE.FORMAT`` (each format), ``ROUTINE.vtt`` (the
transcript), ``ROUTINE.chapters.json`` and ``ROUTINE.timeline.json``, plus ``feed.xml`` and an
``index.html`` that plays the tracks with their chapters offline (no script or style from
elsewhere). Nothing in it names the client file or any other client; the folder's name is the
client's token, so it can be published as it is.
"""

from __future__ import annotations

import html
import string
import uuid
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from urllib.parse import quote

from audio_guide.outputs.files import staged
from audio_guide.outputs.report import fmt_time
from audio_guide.practice.feed import Episode

SIDE_SUFFIXES = (".vtt", ".chapters.json", ".timeline.json")
PICTURE_INFIX = ".point-"
"""A routine's point pictures are ``ROUTINE.point-ID.png`` beside its track."""


def picture_file(routine: str, point: str) -> str:
    """The file name of a point's picture for a routine's chapters."""
    return f"{routine}{PICTURE_INFIX}{point}.png"


def track_files(name: str, formats: Sequence[str]) -> list[str]:
    """Every file a routine's tracks put in a client's folder."""
    return [f"{name}.{fmt}" for fmt in formats] + [name + s for s in SIDE_SUFFIXES]


def write_track(folder: Path, files: dict[str, bytes]) -> None:
    """Write a track's files into ``folder`` together: all of them or none."""
    with staged() as stage:
        for name, data in files.items():
            stage.path(folder / name).write_bytes(data)
        stage.commit()


def write_if_changed(path: Path, text: str) -> bool:
    """Write ``text`` whole, unless the file already holds it; True when written."""
    try:
        if path.read_text(encoding="utf-8") == text:
            return False
    except OSError:
        pass
    write_track(path.parent, {path.name: text.encode("utf-8")})
    return True


def guid(feed_id: str, routine: str) -> str:
    """A track's GUID: stable across rebuilds and token changes, unrelated to other clients."""
    return str(uuid.uuid5(uuid.UUID(feed_id), routine))


def url(base: str | None, token: str, name: str) -> str:
    """A file's URL: ``BASE/TOKEN/NAME``, or ``./NAME`` relative to the feed and page. The name
    is percent-encoded and a relative URL starts with ``./``, so no name reads as a scheme
    (``javascript:``) or a path."""
    quoted = quote(name)
    return f"{base.rstrip('/')}/{token}/{quoted}" if base else f"./{quoted}"


def page(title: str, language: str, episodes: Sequence[Episode]) -> str:
    """The client's ``index.html``."""
    template = resources.files("audio_guide.practice").joinpath("page.html")
    text = template.read_text(encoding="utf-8")
    parts = [_episode(e) for e in episodes] or ["<p>No tracks yet.</p>"]
    return string.Template(text).substitute(
        title=html.escape(title), language=html.escape(language), episodes="\n".join(parts)
    )


def _episode(e: Episode) -> str:
    q = html.escape
    chapters = "\n".join(
        f'<li><button class="chapter" data-start="{c.start:.3f}" data-img="{q(c.image)}" '
        f'data-alt="{q(c.alt)}">'
        f'<span class="when">{fmt_time(c.start).split(".")[0]}</span> '
        f'<span class="title">{q(c.title)}</span></button></li>'
        for c in e.chapters
    )
    links = " · ".join(
        f'<a href="{q(href)}" download>{q(label)}</a>' for label, href in e.downloads
    )
    return (
        f'<article>\n<h2>{q(e.title)}</h2>\n<p class="meta">{fmt_time(e.duration).split(".")[0]}'
        f" · {q(e.description)}</p>\n"
        f'<audio controls preload="metadata" src="{q(e.url)}">'
        f'<track kind="captions" src="{q(e.transcript_url)}" srclang="{q(e.language)}" '
        f'label="captions" default></audio>\n'
        f'<figure class="point" hidden><img alt=""><figcaption></figcaption></figure>\n'
        f'<ol class="chapters">\n{chapters}\n</ol>\n'
        f"<p>Download: {links}</p>\n</article>"
    )
