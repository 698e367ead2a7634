"""M4B: AAC in MP4 with a chapter list, iTunes tags and cover, for audiobook players.

ffmpeg encodes with its own AAC encoder and writes the chapters, read from an ffmetadata file
made from the timeline, as a QuickTime chapter track and a Nero ``chpl`` list (Apple's players
read the first, many others the second). Measured choices (docs/benchmarks.md, "Formats"):

- AAC at 44.1 kHz (the track resampled with soxr, which keeps the clock): at 22.05 kHz AAC's
  2048-sample windows smeared a sound's start up to 8.3 ms ahead of it (4.5 ms at 44.1 kHz).
- ``-aac_coder fast``: ffmpeg's default coder (``twoloop``) at 64 kbit/s left single-sample
  spikes up to 0 dBFS where the source was at -27 dBFS; ``fast`` peaks at -2.0 dBTP.
- The encoder's priming (1024 samples) is written as an MP4 edit list, which decoders apply,
  so decoded onsets sit on the timeline.
- ``+faststart`` moves the index to the front, so a player can start before the download ends.

mutagen then writes the tags (title, artist, album, comment, ``stik`` = audiobook, cover).
"""

from __future__ import annotations

import tempfile
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

AAC_RATES = (44100, 48000)
"""Sample rates kept as they are; any other track is resampled to 44.1 kHz."""
BITRATE = "64k"
AUDIOBOOK = 2
"""iTunes media kind (``stik``) of an audiobook."""


class M4bExporter:
    """AAC in an MP4 (``.m4b``) with a chapter list and tags from the timeline."""

    suffix = ".m4b"
    name = "m4b"
    chapter_pictures = False

    def __init__(self) -> None:
        self.cover: Cover | None = None

    def add_chapter_art(self, art: ChapterArt) -> None:
        """M4B chapters here carry a title and a time, no picture per chapter (the cover
        stands for the whole track); see the formats table in the docs."""

    def add_cover(self, cover: Cover) -> None:
        """Embed ``cover`` (``covr``)."""
        self.cover = cover

    def write(self, blocks: Iterable[Pcm], timeline: Timeline, tmp: Path) -> None:
        """Encode with chapters into ``tmp`` (seekable: the index is written last), then tag."""
        rate = timeline.sample_rate if timeline.sample_rate in AAC_RATES else AAC_RATES[0]
        language = basics(timeline)["language"]
        with tempfile.TemporaryDirectory(prefix="audio-guide-") as folder:
            meta = Path(folder) / "chapters.ffmeta"
            meta.write_text(ffmetadata(timeline), encoding="utf-8")
            args = ["-map", "0:a", "-map_metadata", "1", "-map_chapters", "1"]
            args += ["-af", f"aresample={rate}:resampler=soxr"]
            args += ["-c:a", "aac", "-aac_coder", "fast", "-b:a", BITRATE]
            args += ["-metadata:s:a:0", f"language={language}"]
            args += ["-movflags", "+faststart", "-f", "ipod"]
            inputs = ["-f", "ffmetadata", "-i", str(meta)]
            encode(blocks, timeline.sample_rate, tmp, args, "the M4B", inputs)
        tag_mp4(tmp, timeline, self.cover)


def ffmetadata(timeline: Timeline) -> str:
    """The timeline's chapters as an ffmetadata file (times in milliseconds)."""
    lines = [";FFMETADATA1"]
    for chapter in timeline.chapters:
        lines += [
            "[CHAPTER]",
            "TIMEBASE=1/1000",
            f"START={round(chapter.start * 1000)}",
            f"END={round(chapter.end * 1000)}",
            f"title={_escape(chapter.title)}",
        ]
    return "\n".join(lines) + "\n"


def _escape(text: str) -> str:
    """ffmetadata escapes ``=``, ``;``, ``#``, ``\\`` and line breaks with a backslash."""
    out = "".join("\\" + c if c in "=;#\\\n" else c for c in text)
    return out.replace("\r", " ")


def tag_mp4(path: Path, timeline: Timeline, cover: Cover | None) -> None:
    """Title, artist, album, the summary comment, the audiobook media kind and the cover."""
    from mutagen import MutagenError
    from mutagen.mp4 import MP4, MP4Cover

    info = basics(timeline)
    try:
        mp4 = MP4(str(path))
        if mp4.tags is None:
            mp4.add_tags()
        tags = mp4.tags
        assert tags is not None
        tags["\xa9nam"] = [info["title"]]
        tags["\xa9ART"] = [info["artist"]]
        tags["\xa9alb"] = [info["album"]]
        tags["\xa9cmt"] = [info["comment"]]
        tags["desc"] = [info["comment"]]
        tags["stik"] = [AUDIOBOOK]
        if cover is not None:
            kind = MP4Cover.FORMAT_PNG if cover.mime == "image/png" else MP4Cover.FORMAT_JPEG
            tags["covr"] = [MP4Cover(cover.data, imageformat=kind)]
        mp4.save()
    except MutagenError as exc:
        cause = exc.__cause__ or exc.__context__
        raise ExportError(
            cannot_write(path, cause if isinstance(cause, OSError) else OSError(str(exc)))
        ) from None
