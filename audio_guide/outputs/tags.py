"""ID3v2 tags for the finished MP3: title, summary, language, chapters in time order, cover.

The same title, summary, language and cover go into the other formats (``basics``, ``Cover``).

Everything a listener sees is read from the timeline in the routine's language (phrases
``summary_steps``, ``summary_holds``, ``id3_language``). mutagen is imported when tagging.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from audio_guide.errors import ExportError, UsageError
from audio_guide.outputs.files import cannot_write
from audio_guide.outputs.id3order import order_chapters
from audio_guide.timeline import Timeline

if TYPE_CHECKING:
    from mutagen.id3 import ID3

Tagger = Callable[["ID3", Timeline], None]


def tag_file(tmp: Path, timeline: Timeline, taggers: Iterable[Tagger] = ()) -> None:
    """Title, artist, album, a summary comment, the language and chapters (then ``taggers``),
    saved as ID3v2.3 with the chapter frames put in time order.

    ID3v2.3, not 2.4: in 2.4 a chapter's sub-frame sizes are synchsafe, and ffmpeg (so mpv, VLC
    and ffprobe) reads them as plain integers, so a chapter holding a picture larger than 127
    bytes was dropped from their chapter lists; 2.3 sizes are plain integers, which every
    reader agrees on. mutagen writes 2.3's UTF-16 where 2.4 would write UTF-8."""
    from mutagen import MutagenError
    from mutagen.id3 import COMM, ID3, TALB, TIT2, TLAN, TPE1, ID3NoHeaderError

    try:
        tags = ID3(str(tmp))
    except ID3NoHeaderError:
        tags = ID3()
    info = basics(timeline)
    tags.add(TIT2(encoding=3, text=info["title"]))
    tags.add(TPE1(encoding=3, text=info["artist"]))
    tags.add(TALB(encoding=3, text=info["album"]))
    tags.add(COMM(encoding=3, lang=info["language"], desc="", text=info["comment"]))
    tags.add(TLAN(encoding=3, text=info["language"]))
    add_chapters(tags, timeline)
    for tagger in taggers:
        tagger(tags, timeline)
    try:
        tags.save(str(tmp), v2_version=3)
    except MutagenError as exc:
        cause = exc.__cause__ or exc.__context__
        raise ExportError(
            cannot_write(tmp, cause if isinstance(cause, OSError) else OSError(str(exc)))
        ) from None
    order_chapters(tmp)


def phrase_table(timeline: Timeline) -> dict[str, str]:
    """The phrase table the timeline was compiled with (else the one of its language); plural
    forms as dotted keys (``summary_holds.one``)."""
    recorded = timeline.settings.get("phrases")
    if isinstance(recorded, dict) and any(str(k).startswith("summary_holds") for k in recorded):
        return {str(k): str(v) for k, v in recorded.items()}
    from audio_guide.authoring.phrases import load_phrases

    return dict(load_phrases(_language(timeline)).texts)


def _language(timeline: Timeline) -> str:
    return str(timeline.settings.get("language", "en"))


def summary(timeline: Timeline) -> str:
    """A one-paragraph comment, in the routine's language: the description, the steps, the
    holds and the length (phrases ``summary_steps`` and ``summary_holds``)."""
    from audio_guide.authoring.phrases import Phrases

    words = Phrases(_language(timeline), phrase_table(timeline))
    minutes, seconds = divmod(round(timeline.duration), 60)
    steps = [c.title for c in timeline.chapters if c.point]
    parts = [timeline.description] if timeline.description else []
    if steps:
        parts.append(words.text("summary_steps", count=len(steps), steps="; ".join(steps)))
    parts.append(
        words.text(
            "summary_holds", count=len(timeline.holds), minutes=minutes, seconds=f"{seconds:02d}"
        )
    )
    speaker = timeline.settings.get("speaker")
    if speaker and "summary_voice" in words.texts:
        parts.append(words.text("summary_voice", speaker=speaker))
    return " ".join(parts)


def add_chapters(tags: ID3, timeline: Timeline) -> None:
    """One ID3v2 CHAP frame per chapter (times in ms) and a top-level ordered CTOC."""
    from mutagen.id3 import CHAP, CTOC, TIT2, CTOCFlags

    ids = [f"ch{i}" for i in range(len(timeline.chapters))]
    for cid, chapter in zip(ids, timeline.chapters, strict=True):
        tags.add(
            CHAP(
                element_id=cid,
                start_time=round(chapter.start * 1000),
                end_time=round(chapter.end * 1000),
                sub_frames=[TIT2(encoding=3, text=chapter.title)],
            )
        )
    if ids:
        tags.add(
            CTOC(
                element_id="toc",
                flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED,
                child_element_ids=ids,
                sub_frames=[TIT2(encoding=3, text=timeline.title)],
            )
        )


@dataclass(frozen=True, slots=True)
class Cover:
    """A front cover image, checked to be PNG or JPEG."""

    data: bytes
    mime: str
    """``image/png`` or ``image/jpeg``."""


@dataclass(frozen=True, slots=True)
class ChapterArt:
    """The picture each chapter shows while it plays: a point's chapter its point's picture,
    the others (intro, closing, steps without a picture) the cover when there is one."""

    pictures: Mapping[str, Cover]
    """Point id -> its picture (PNG)."""
    cover: Cover | None = None

    def for_chapter(self, point: str | None) -> Cover | None:
        """The picture of a chapter about ``point`` (None: not a point's chapter); a chapter
        whose point has no picture shows the cover too."""
        return self.pictures.get(point or "", self.cover)


def chapter_art_tagger(art: ChapterArt) -> Tagger:
    """A tagger putting each chapter's picture in its CHAP frame as an APIC sub-frame (chapter
    art, as Apple Podcasts, Overcast and Pocket Casts show it)."""

    def tag(tags: ID3, timeline: Timeline) -> None:
        from mutagen.id3 import APIC, PictureType

        for i, chapter in enumerate(timeline.chapters):
            picture = art.for_chapter(chapter.point)
            frame = tags.get(f"CHAP:ch{i}")
            if picture is None or frame is None:
                continue
            frame.sub_frames.add(
                APIC(
                    encoding=3,
                    mime=picture.mime,
                    type=PictureType.ILLUSTRATION,
                    desc=f"ch{i}",
                    data=picture.data,
                )
            )

    return tag


def read_cover(image: Path) -> Cover:
    """Read and check a cover image (PNG or JPEG); a ``UsageError`` says what is wrong."""
    try:
        data = image.read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read cover image '{image}': {exc.strerror or exc}") from None
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return Cover(data, "image/png")
    if data.startswith(b"\xff\xd8\xff"):
        return Cover(data, "image/jpeg")
    raise UsageError(f"cover image '{image}' is not a PNG or JPEG file")


def cover_tagger(cover: Cover) -> Tagger:
    """A tagger embedding ``cover`` as the front cover (an APIC frame)."""

    def tag(tags: ID3, timeline: Timeline) -> None:
        from mutagen.id3 import APIC, PictureType

        front = PictureType.COVER_FRONT
        tags.add(APIC(encoding=3, mime=cover.mime, type=front, desc="Cover", data=cover.data))

    return tag


def basics(timeline: Timeline) -> dict[str, str]:
    """The tags every format carries: title, artist, album, the summary comment and the
    routine's language (ISO 639-2, as ``id3_language`` in the phrase table)."""
    return {
        "title": timeline.title,
        "artist": timeline.artist or "audio-guide",
        "album": timeline.album or "audio-guide",
        "comment": summary(timeline),
        "language": phrase_table(timeline)["id3_language"],
    }
