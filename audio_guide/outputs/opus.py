"""Opus: Ogg Opus at 48 kHz with chapter comments, tags and cover.

ffmpeg resamples the track to 48 kHz (Opus's own rate) with soxr, which keeps the clock, and
encodes with libopus at 48 kbit/s VBR (at 32 kbit/s the decoded true peak overshot to +0.3
dBTP; at 48 kbit/s it stays at -2.0 dBTP). The encoder's delay is the stream's pre-skip, which
decoders drop, so decoded onsets sit on the timeline.

mutagen then writes the Vorbis comments: title, artist, album, comment, language, the cover
(``METADATA_BLOCK_PICTURE``) and the chapters as the Xiph chapter extension has them,
``CHAPTER001=HH:MM:SS.mmm`` and ``CHAPTER001NAME=title``. They are not left to ffmpeg's Ogg
muxer: it rounds a chapter's seconds to the nearest before adding the milliseconds, so a chapter
at 37.905 s was written as 00:00:38.905.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from audio_guide.errors import ExportError
from audio_guide.outputs.encoder import encode
from audio_guide.outputs.files import cannot_write
from audio_guide.outputs.tags import ChapterArt, Cover, basics
from audio_guide.timeline import Timeline

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    Pcm = npt.NDArray[np.int16]

OPUS_RATE = 48000
BITRATE = "48k"
FRONT_COVER = 3
"""The picture type of a front cover (ID3v2 APIC, FLAC and Vorbis comments alike)."""


class OpusExporter:
    """Ogg Opus (``.opus``) with chapter comments and tags from the timeline."""

    suffix = ".opus"
    name = "opus"
    chapter_pictures = False

    def __init__(self) -> None:
        self.cover: Cover | None = None

    def add_chapter_art(self, art: ChapterArt) -> None:
        """Opus chapters here carry a title and a time, no picture per chapter (the cover
        stands for the whole track); see the formats table in the docs."""

    def add_cover(self, cover: Cover) -> None:
        """Embed ``cover`` (``METADATA_BLOCK_PICTURE``)."""
        self.cover = cover

    def write(self, blocks: Iterable[Pcm], timeline: Timeline, tmp: Path) -> None:
        """Encode into ``tmp``, then write the comments."""
        args = ["-map", "0:a", "-af", f"aresample={OPUS_RATE}:resampler=soxr"]
        args += ["-c:a", "libopus", "-b:a", BITRATE, "-f", "ogg"]
        encode(blocks, timeline.sample_rate, tmp, args, "the Opus file")
        tag_opus(tmp, timeline, self.cover)


def chapter_comments(timeline: Timeline) -> list[tuple[str, str]]:
    """``CHAPTERnnn`` (start, ``HH:MM:SS.mmm``) and ``CHAPTERnnnNAME`` pairs, from 001."""
    out: list[tuple[str, str]] = []
    for i, chapter in enumerate(timeline.chapters, start=1):
        out.append((f"CHAPTER{i:03d}", clock(chapter.start)))
        out.append((f"CHAPTER{i:03d}NAME", chapter.title))
    return out


def clock(seconds: float) -> str:
    """``HH:MM:SS.mmm``, rounded to the millisecond."""
    ms = round(seconds * 1000)
    hours, ms = divmod(ms, 3_600_000)
    minutes, ms = divmod(ms, 60_000)
    return f"{hours:02d}:{minutes:02d}:{ms // 1000:02d}.{ms % 1000:03d}"


def tag_opus(path: Path, timeline: Timeline, cover: Cover | None) -> None:
    """Replace the comments with the timeline's tags, chapters and cover."""
    from mutagen import MutagenError
    from mutagen.oggopus import OggOpus

    info = basics(timeline)
    comments = [
        ("TITLE", info["title"]),
        ("ARTIST", info["artist"]),
        ("ALBUM", info["album"]),
        ("COMMENT", info["comment"]),
        ("LANGUAGE", info["language"]),
        *chapter_comments(timeline),
    ]
    if cover is not None:
        comments.append(("METADATA_BLOCK_PICTURE", picture_block(cover)))
    try:
        opus = OggOpus(str(path))
        assert opus.tags is not None
        opus.tags.clear()
        opus.tags.extend(comments)
        opus.save()
    except MutagenError as exc:
        cause = exc.__cause__ or exc.__context__
        raise ExportError(
            cannot_write(path, cause if isinstance(cause, OSError) else OSError(str(exc)))
        ) from None


def picture_block(cover: Cover) -> str:
    """A FLAC picture block, base64, as ``METADATA_BLOCK_PICTURE`` holds a cover."""
    from mutagen.flac import Picture

    picture = Picture()
    picture.type = FRONT_COVER
    picture.mime = cover.mime
    picture.desc = "Cover"
    picture.data = cover.data
    return base64.b64encode(picture.write()).decode("ascii")
