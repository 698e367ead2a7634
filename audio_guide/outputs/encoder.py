"""Stream 16-bit PCM blocks into an ffmpeg process that writes one file.

Every compressed format goes through here: ffmpeg reads mono ``s16le`` on stdin (through a
widened pipe, so the mixer runs ahead of the encoder) and writes the temporary file the caller
moves into place. An interrupt or an error stops ffmpeg; a failed encode raises ``ExportError``
with ffmpeg's last line and what to do.
"""

from __future__ import annotations

import contextlib
import subprocess
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from audio_guide.errors import ExportError
from audio_guide.interrupts import deferred
from audio_guide.runtime import ffmpeg_exe, stop_ffmpeg

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    Pcm = npt.NDArray[np.int16]

PIPE_BYTES = 1 << 20
"""Pipe buffer asked for on Linux, so the mixer runs ahead of the encoder instead of waiting on
each 64 KiB the default pipe holds."""


LACKS = ("Unknown encoder", "Encoder not found", "Unrecognized option", "resampling engine")
"""What ffmpeg says when its build lacks an encoder (libopus), an option (``-aac_coder``) or
the soxr resampler."""


def encode(
    blocks: Iterable[Pcm],
    sample_rate: int,
    out: Path,
    output_args: Sequence[str],
    what: str,
    inputs: Sequence[str] = (),
) -> None:
    """Run ffmpeg on the PCM ``blocks`` (input 0) and any further ``inputs`` (``-i`` args),
    writing ``out`` with ``output_args`` (codec, options, ``-f``); ``what`` names the format in
    an error ("the MP3")."""
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
        str(sample_rate),
        "-ac",
        "1",
        "-i",
        "pipe:0",
        *inputs,
        *output_args,
        str(out),
    ]
    proc: subprocess.Popen[bytes] | None = None
    try:
        # An interrupt is held back until ``proc`` is set, so whenever one arrives ffmpeg is
        # stopped here and never left running (and creating its output) behind us.
        with deferred():
            proc = _start(cmd)
        assert proc.stdin is not None and proc.stderr is not None
        _widen(proc.stdin)
        with contextlib.suppress(BrokenPipeError):
            for block in blocks:
                proc.stdin.write(le_bytes(block))
            proc.stdin.close()
        err = proc.stderr.read().decode(errors="replace").strip()
        code = proc.wait()
    except BaseException:
        if proc is not None:
            stop_ffmpeg(proc)
        raise
    if code != 0:
        last = err.splitlines()[-1] if err else f"exit code {code}"
        hint = "check free disk space and that the output folder is writable"
        if any(sign in err for sign in LACKS):
            hint = (
                "this ffmpeg lacks an encoder or option the format needs; point "
                "AUDIO_GUIDE_FFMPEG at one that has it (the imageio-ffmpeg wheel's does)"
            )
        raise ExportError(f"ffmpeg could not encode {what} ({last}); {hint}")


def _start(cmd: list[str]) -> subprocess.Popen[bytes]:
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


def le_bytes(block: Pcm) -> bytes | memoryview:
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
