"""Exporters, one per format behind a registry: each streams the mastered blocks into a
temporary file that ``build.render`` stages and moves into place with the timeline and captions
(``outputs/files.py``), so it appears complete or not at all.

| format | suffix | exporter | what |
|---|---|---|---|
| ``mp3`` | ``.mp3`` | ``Mp3Exporter`` | LAME VBR, ID3v2 chapters (``outputs/tags.py``) |
| ``m4b`` | ``.m4b`` | ``M4bExporter`` (``outputs/m4b.py``) | AAC in MP4, chapters, iTunes tags |
| ``opus`` | ``.opus`` | ``OpusExporter`` (``outputs/opus.py``) | Ogg Opus, chapter comments |
| ``wav`` | ``.wav`` | ``WavExporter`` | 16-bit PCM, for inspection |

MP3 goes through ffmpeg (libmp3lame) reading PCM on stdin (``outputs/encoder.py``) and writing
to a temporary file beside the target: ffmpeg writes the Xing/LAME encoder-delay header only to
a seekable output, and with it decoders trim the delay so onsets survive to the sample. Tags are
then added with mutagen.
"""

from __future__ import annotations

import os
import wave
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from audio_guide.errors import ExportError, UsageError
from audio_guide.outputs.encoder import encode, le_bytes
from audio_guide.outputs.tags import (
    ChapterArt,
    Cover,
    Tagger,
    chapter_art_tagger,
    cover_tagger,
    tag_file,
)
from audio_guide.timeline import Timeline

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    Pcm = npt.NDArray[np.int16]


class Exporter(Protocol):
    """Writes rendered blocks for a timeline to a temporary file its caller moves into place."""

    suffix: str
    name: str
    """The format's name as ``--format`` and ``sound: format:`` take it (``mp3``)."""
    chapter_pictures: bool
    """Whether the format holds a picture per chapter (so the pictures are worth drawing)."""

    def add_cover(self, cover: Cover) -> None:
        """Embed ``cover`` as the front cover (a ``UsageError`` where the format has none)."""
        ...

    def add_chapter_art(self, art: ChapterArt) -> None:
        """Give each chapter its picture, where the format can hold one per chapter."""
        ...

    def write(self, blocks: Iterable[Pcm], timeline: Timeline, tmp: Path) -> None:
        """Write the whole track to ``tmp``, a temporary file its caller moves into place."""
        ...


class WavExporter:
    """16-bit mono WAV, for inspection and tests."""

    suffix = ".wav"
    name = "wav"
    chapter_pictures = False

    def add_cover(self, cover: Cover) -> None:
        """WAV holds no cover: refused."""
        raise UsageError("--cover needs an .mp3, .m4b or .opus output, not .wav")

    def add_chapter_art(self, art: ChapterArt) -> None:
        """WAV has no chapters: nothing to do."""

    def write(self, blocks: Iterable[Pcm], timeline: Timeline, tmp: Path) -> None:
        """Stream blocks into the WAV file ``tmp``."""
        with wave.open(str(tmp), "wb") as wav:
            wav.setnchannels(1)
            wav.setsampwidth(2)
            wav.setframerate(timeline.sample_rate)
            for block in blocks:
                wav.writeframes(le_bytes(block))


class Mp3Exporter:
    """MP3 via ffmpeg/libmp3lame with ID3v2 tags from the timeline."""

    suffix = ".mp3"
    name = "mp3"
    chapter_pictures = True

    def __init__(self, quality: int = 2, taggers: Iterable[Tagger] = ()) -> None:
        self.quality = quality
        """LAME VBR quality (0 best .. 9 smallest); 2 keeps the loudness and true peak the
        mastering set, where 64 kbit/s CBR lost 0.4 LU of high frequencies here."""
        self.taggers = list(taggers)

    def add_cover(self, cover: Cover) -> None:
        """An APIC frame with ``cover``."""
        self.taggers.append(cover_tagger(cover))

    def add_chapter_art(self, art: ChapterArt) -> None:
        """An APIC sub-frame in each chapter's CHAP frame."""
        self.taggers.append(chapter_art_tagger(art))

    def args(self) -> list[str]:
        """ffmpeg's output options for the MP3 (``-f mp3``, a seekable file, follows)."""
        return ["-c:a", "libmp3lame", "-q:a", str(self.quality), "-write_xing", "1"]

    def write(self, blocks: Iterable[Pcm], timeline: Timeline, tmp: Path) -> None:
        """Encode and tag into ``tmp`` (seekable, so ffmpeg writes the encoder-delay header)."""
        args = [*self.args(), "-id3v2_version", "0", "-f", "mp3"]
        encode(blocks, timeline.sample_rate, tmp, args, "the MP3")
        tag_file(tmp, timeline, self.taggers)


BYTES_PER_SECOND = {".mp3": 16_000, ".m4b": 10_000, ".opus": 8_000}
"""Generous sizes: 128 kbit/s for MP3 (more than LAME's VBR quality 2 uses for mono speech,
even over a noise bed); 80 kbit/s for the 64 kbit/s AAC; 64 kbit/s for the 48 kbit/s VBR Opus."""
SPACE_MARGIN = 4 * 1024 * 1024
"""Room kept for the tags, the timeline, captions and the file system's own needs."""


def expected_size(exporter: Exporter, timeline: Timeline) -> int:
    """Bytes the audio file is expected to take (a generous estimate when compressed)."""
    if exporter.suffix == ".wav":
        return 44 + 2 * timeline.samples
    return int(BYTES_PER_SECOND.get(exporter.suffix, 16_000) * timeline.duration)


def check_free_space(path: Path, exporter: Exporter, timeline: Timeline) -> None:
    """Refuse, before anything is mixed, to write where there is no room for the result."""
    folder = path.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    try:
        usage = os.statvfs(folder)
    except OSError:
        return
    free = usage.f_bavail * usage.f_frsize
    need = expected_size(exporter, timeline) + SPACE_MARGIN
    if free < need:
        raise ExportError(
            f"not enough free disk space for {path}: it needs about {_mb(need)} and "
            f"{folder} has {_mb(free)} free; free some space or choose another output folder"
        )


def _mb(size: int) -> str:
    return f"{size / 1e6:,.1f} MB"


def _m4b() -> Exporter:
    from audio_guide.outputs.m4b import M4bExporter

    return M4bExporter()


def _opus() -> Exporter:
    from audio_guide.outputs.opus import OpusExporter

    return OpusExporter()


EXPORTERS: dict[str, Callable[[], Exporter]] = {
    ".mp3": Mp3Exporter,
    ".m4b": _m4b,
    ".opus": _opus,
    ".wav": WavExporter,
}
"""Exporters by suffix; the format names (``settings.CHOICES["format"]``) are the suffixes
without their dot."""


MEDIA_TYPES = {".mp3": "audio/mpeg", ".m4b": "audio/mp4", ".opus": "audio/ogg", ".wav": "audio/wav"}
"""The media type of each audio file (for HTTP and feed enclosures); Opus in Ogg is
``audio/ogg`` (RFC 7845), M4B is MP4 audio."""


def suffix_of(format_name: str) -> str:
    """The file suffix of a format (``m4b`` -> ``.m4b``)."""
    return f".{format_name}"


def exporter_for(path: Path, format_name: str | None = None) -> Exporter:
    """The exporter registered for ``path``'s suffix, which must be ``format_name``'s when given
    (a ``UsageError`` otherwise)."""
    suffix = path.suffix.lower()
    if suffix not in EXPORTERS:
        raise ExportError(
            f"cannot write '{path.suffix or path.name}' files; use one of "
            f"{', '.join(sorted(EXPORTERS))}"
        )
    if format_name is not None and suffix != suffix_of(format_name):
        raise UsageError(
            f"the output {path} does not end in {suffix_of(format_name)} but the format is "
            f"{format_name}; name it {path.stem}{suffix_of(format_name)} or choose the format "
            f"{suffix[1:]}"
        )
    return EXPORTERS[suffix]()
