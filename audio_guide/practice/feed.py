"""A client's podcast feed: RSS 2.0 with iTunes tags and Podcasting 2.0 chapters and transcript.

Written with feedgen: its ``podcast`` extension gives the ``itunes:`` tags; the Podcasting 2.0
namespace (``podcast:guid``, ``podcast:chapters``, ``podcast:transcript``) is not in feedgen, so
it is registered here as a feedgen extension of its own. Chapters (JSON chapters 1.2) and the
transcript (WebVTT) come from the same timeline as the track. The chapters are also in the feed
itself as Podlove Simple Chapters (``psc:chapters``), the form gPodder's ``podcastparser`` and
AntennaPod read; a point's chapter names its picture in both (``img``, ``image``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.feed import FeedGenerator
from feedgen.util import xml_elem

PODCAST_NS = "https://podcastindex.org/namespace/1.0"
PSC_NS = "http://podlove.org/simple-chapters"
MEDIA_TYPES = {"mp3": "audio/mpeg", "m4b": "audio/mp4", "opus": "audio/ogg"}


@dataclass(frozen=True, slots=True)
class Chapter:
    """One chapter as the feed and the page show it."""

    start: float
    title: str
    image: str = ""
    """The URL of the point's picture ('' for a chapter without one)."""
    alt: str = ""
    """What the picture shows, in words (the point's location text)."""


@dataclass(frozen=True, slots=True)
class Episode:
    """One track as the feed and the page show it."""

    guid: str
    title: str
    description: str
    url: str
    """The audio file's URL (absolute with a base URL, else relative to the feed)."""
    fmt: str
    size: int
    duration: float
    date: datetime
    chapters_url: str
    transcript_url: str
    language: str
    chapters: tuple[Chapter, ...] = ()
    downloads: tuple[tuple[str, str], ...] = ()
    """(label, url) of every format and the captions, for the page."""


class PodcastIndex(BaseExtension):  # type: ignore[misc]
    """Channel part of the ``podcast:`` namespace: ``podcast:guid``."""

    def __init__(self) -> None:
        self._guid: str | None = None

    def extend_ns(self) -> dict[str, str]:
        """Declare ``xmlns:podcast``."""
        return {"podcast": PODCAST_NS}

    def guid(self, value: str) -> None:
        """The feed's own id (stays when its address changes)."""
        self._guid = value

    def extend_rss(self, rss: Any) -> Any:
        """Add ``podcast:guid`` to the channel."""
        if self._guid:
            xml_elem(f"{{{PODCAST_NS}}}guid", rss[0]).text = self._guid
        return rss


class PodcastIndexEntry(BaseEntryExtension):  # type: ignore[misc]
    """Item part of the ``podcast:`` namespace: chapters and transcript links."""

    def __init__(self) -> None:
        self._links: list[tuple[str, dict[str, str]]] = []

    def extend_ns(self) -> dict[str, str]:
        """Declare ``xmlns:podcast``."""
        return {"podcast": PODCAST_NS}

    def chapters(self, url: str) -> None:
        """``podcast:chapters`` (JSON chapters)."""
        self._links.append(("chapters", {"url": url, "type": "application/json+chapters"}))

    def transcript(self, url: str, language: str) -> None:
        """``podcast:transcript`` (WebVTT captions)."""
        attrs = {"url": url, "type": "text/vtt", "language": language, "rel": "captions"}
        self._links.append(("transcript", attrs))

    def extend_rss(self, item: Any) -> Any:
        """Add the links to the item."""
        for tag, attrs in self._links:
            elem = xml_elem(f"{{{PODCAST_NS}}}{tag}", item)
            for name, value in attrs.items():
                elem.set(name, value)
        return item


def hms(seconds: float) -> str:
    """``H:MM:SS`` as ``itunes:duration`` takes it."""
    whole = round(seconds)
    return f"{whole // 3600}:{whole % 3600 // 60:02d}:{whole % 60:02d}"


def chapters_json(
    chapters: Sequence[dict[str, Any]], images: Mapping[str, str] | None = None
) -> str:
    """Podcasting 2.0 JSON chapters from the timeline's chapters; a point's chapter gets its
    picture's URL (``images``: point id -> URL) as ``img``."""
    items = []
    for c in chapters:
        item: dict[str, Any] = {"startTime": round(float(c["start"]), 3), "title": c["title"]}
        if images and c.get("point") in images:
            item["img"] = images[c["point"]]
        items.append(item)
    return json.dumps({"version": "1.2.0", "chapters": items}, indent=1, ensure_ascii=False) + "\n"


class SimpleChapters(BaseExtension):  # type: ignore[misc]
    """Channel part of Podlove Simple Chapters: the namespace only."""

    def extend_ns(self) -> dict[str, str]:
        """Declare ``xmlns:psc``."""
        return {"psc": PSC_NS}


class SimpleChaptersEntry(BaseEntryExtension):  # type: ignore[misc]
    """``psc:chapters`` of an item: one ``psc:chapter`` per chapter, with its picture."""

    def __init__(self) -> None:
        self._chapters: tuple[Chapter, ...] = ()

    def extend_ns(self) -> dict[str, str]:
        """Declare ``xmlns:psc``."""
        return {"psc": PSC_NS}

    def chapters(self, chapters: tuple[Chapter, ...]) -> None:
        """The item's chapters."""
        self._chapters = chapters

    def extend_rss(self, item: Any) -> Any:
        """Add ``psc:chapters`` (version 1.2) to the item."""
        if self._chapters:
            block = xml_elem(f"{{{PSC_NS}}}chapters", item)
            block.set("version", "1.2")
            for chapter in self._chapters:
                elem = xml_elem(f"{{{PSC_NS}}}chapter", block)
                elem.set("start", _npt(chapter.start))
                elem.set("title", chapter.title)
                if chapter.image:
                    elem.set("image", chapter.image)
        return item


def _npt(seconds: float) -> str:
    """``HH:MM:SS.mmm`` (Normal Play Time), as Simple Chapters writes a start."""
    ms = round(seconds * 1000)
    return f"{ms // 3_600_000:02d}:{ms // 60_000 % 60:02d}:{ms // 1000 % 60:02d}.{ms % 1000:03d}"


def feed_xml(
    title: str, link: str, feed_id: str, language: str, episodes: Sequence[Episode]
) -> str:
    """The RSS 2.0 feed; the same episodes give the same bytes (no clock is read)."""
    fg = FeedGenerator()
    fg.load_extension("podcast")
    fg.register_extension("podcastindex", PodcastIndex, PodcastIndexEntry)
    fg.register_extension("psc", SimpleChapters, SimpleChaptersEntry)
    fg.title(title)
    fg.link(href=link, rel="alternate")
    fg.description(f"{title}: guided self-care routines made for you.")
    fg.language(language)
    fg.generator("audio-guide")
    fg.podcast.itunes_author("audio-guide")
    fg.podcast.itunes_explicit("no")
    fg.podcast.itunes_block(True)
    fg.podcast.itunes_summary(f"{title}: guided self-care routines made for you.")
    fg.podcastindex.guid(feed_id)
    if episodes:
        fg.lastBuildDate(max(e.date for e in episodes))
    for episode in episodes:
        fe = fg.add_entry(order="append")
        fe.guid(episode.guid, permalink=False)
        fe.title(episode.title)
        fe.description(episode.description or episode.title)
        fe.enclosure(episode.url, str(episode.size), MEDIA_TYPES[episode.fmt])
        fe.pubDate(episode.date)
        fe.podcast.itunes_duration(hms(episode.duration))
        fe.podcast.itunes_summary(episode.description or episode.title)
        fe.podcastindex.chapters(episode.chapters_url)
        fe.podcastindex.transcript(episode.transcript_url, episode.language)
        fe.psc.chapters(episode.chapters)
    text: bytes = fg.rss_str(pretty=True)
    return text.decode("utf-8")
