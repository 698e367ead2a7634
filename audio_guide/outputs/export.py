"""Exporters: stream blocks into a temporary file that ``build.render`` stages and moves into
place with the timeline and captions (``outputs/files.py``), so it appears complete or not at all.

MP3 goes through ffmpeg (libmp3lame) reading PCM on stdin and writing to a temporary file beside
the target: ffmpeg writes the Xing/LAME encoder-delay header only to a seekable output, and with
it decoders trim the delay so onsets survive to the sample. Tags are then added with mutagen and
the file is renamed into place; a failure or interruption leaves no partial file.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import wave
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from audio_guide.errors import ExportError
from audio_guide.interrupts import deferred
from audio_guide.outputs.tags import Tagger, tag_file
from audio_guide.runtime import ffmpeg_exe
from audio_guide.timeline import Timeline

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    Pcm = npt.NDArray[np.int16]

PIPE_BYTES = 1 << 20
"""Pipe buffer asked for on Linux, so the mixer runs ahead of the encoder instead of waiting on
each 64 KiB the default pipe holds."""


class Exporter(Protocol):
    """Writes rendered blocks for a timeline to ``path``."""

    suffix: str

    def write(self, blocks: Iterable[Pcm], timeline: Timeline, tmp: Path) -> None:
        """Write the whole track to ``tmp``, a temporary file its caller moves into place."""
        ...


class WavExporter:
    """16-bit mono WAV, for inspection and tests."""

    suffix = ".wav"

    def write(self, blocks: Iterable[Pcm], timeline: Timeline, tmp: Path) -> None:
        """Stream blocks into the WAV file ``tmp``."""
        with wave.open(str(tmp), "wb") as wav:
            wav.setnchannels(1)
            wav.setsampwidth(2)
            wav.setframerate(timeline.sample_rate)
            for block in blocks:
                wav.writeframes(_le(block))


class Mp3Exporter:
    """MP3 via ffmpeg/libmp3lame with ID3v2 tags from the timeline."""

    suffix = ".mp3"

    def __init__(self, quality: int = 2, taggers: Iterable[Tagger] = ()) -> None:
        self.quality = quality
        """LAME VBR quality (0 best .. 9 smallest); 2 keeps the loudness and true peak the
        mastering set, where 64 kbit/s CBR lost 0.4 LU of high frequencies here."""
        self.taggers = list(taggers)

    def write(self, blocks: Iterable[Pcm], timeline: Timeline, tmp: Path) -> None:
        """Encode and tag into ``tmp`` (seekable, so ffmpeg writes the encoder-delay header)."""
        self._encode(blocks, timeline, tmp)
        tag_file(tmp, timeline, self.taggers)

    def _encode(self, blocks: Iterable[Pcm], timeline: Timeline, tmp: Path) -> None:
        cmd = [
            ffmpeg_exe(),
            "-nostdin",
            "-hide_banner",
            "-loglevel",
            "error",
            "-y",
            "-f",
            "s16le",
            "-ar",
            str(timeline.sample_rate),
            "-ac",
            "1",
            "-i",
            "pipe:0",
            "-c:a",
            "libmp3lame",
            "-q:a",
            str(self.quality),
            "-write_xing",
            "1",
            "-id3v2_version",
            "0",
            "-f",
            "mp3",
            str(tmp),
        ]
        proc: subprocess.Popen[bytes] | None = None
        try:
            # An interrupt is held back until ``proc`` is set, so whenever one arrives ffmpeg is
            # stopped here and never left running (and creating its output) behind us.
            with deferred():
                proc = _start_encoder(cmd)
            assert proc.stdin is not None and proc.stderr is not None
            _widen(proc.stdin)
            with contextlib.suppress(BrokenPipeError):
                for block in blocks:
                    proc.stdin.write(_le(block))
                proc.stdin.close()
            err = proc.stderr.read().decode(errors="replace").strip()
            code = proc.wait()
        except BaseException:
            if proc is not None:
                proc.kill()
                proc.wait()
            raise
        if code != 0:
            last = err.splitlines()[-1] if err else f"exit code {code}"
            raise ExportError(
                f"ffmpeg could not encode the MP3 ({last}); check free disk space "
                "and that the output folder is writable"
            )


def _start_encoder(cmd: list[str]) -> subprocess.Popen[bytes]:
    """ffmpeg reading PCM on stdin, in its own session: a Ctrl-C at the terminal reaches this
    process only, which stops ffmpeg itself and removes the temporary file."""
    try:
        return subprocess.Popen(
            cmd, stdin=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True
        )
    except OSError as exc:
        raise ExportError(
            f"could not start ffmpeg ({exc}); run 'pip install imageio-ffmpeg' or install ffmpeg"
        ) from None


def _le(block: Pcm) -> bytes | memoryview:
    """The block's bytes as little-endian 16-bit PCM, without a copy where already so."""
    if sys.byteorder == "little" and block.flags.c_contiguous:
        return memoryview(block).cast("B")  # type: ignore[arg-type]
    return block.astype("<i2").tobytes()


def _widen(pipe: object) -> None:
    """Ask Linux for a larger pipe buffer; harmless where that is not possible."""
    try:
        import fcntl

        fcntl.fcntl(pipe.fileno(), getattr(fcntl, "F_SETPIPE_SZ", 1031), PIPE_BYTES)  # type: ignore[attr-defined]
    except (ImportError, OSError, ValueError):
        pass


MP3_BYTES_PER_SECOND = 16_000
"""128 kbit/s: more than LAME's VBR quality 2 uses for mono speech, even over a noise bed."""
SPACE_MARGIN = 4 * 1024 * 1024
"""Room kept for the tags, the timeline, captions and the file system's own needs."""


def expected_size(exporter: Exporter, timeline: Timeline) -> int:
    """Bytes the audio file is expected to take (a generous estimate for MP3)."""
    if exporter.suffix == ".wav":
        return 44 + 2 * timeline.samples
    return int(MP3_BYTES_PER_SECOND * timeline.duration)


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


EXPORTERS: dict[str, Callable[[], Exporter]] = {".mp3": Mp3Exporter, ".wav": WavExporter}


def exporter_for(path: Path) -> Exporter:
    """The exporter registered for ``path``'s suffix."""
    try:
        return EXPORTERS[path.suffix.lower()]()
    except KeyError:
        raise ExportError(
            f"cannot write '{path.suffix or path.name}' files; use one of "
            f"{', '.join(sorted(EXPORTERS))}"
        ) from None
