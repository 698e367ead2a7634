"""The command line: ``audio-guide COMMAND``. Exceptions become exit codes here only.

Each command lives in its own module with ``add(sub)`` (its parser) and ``run(args, out, err)``;
``COMMANDS`` lists them in help order. Modules import heavy parts of the pipeline inside ``run``.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import io
import os
import sys
from collections.abc import Sequence
from typing import TextIO

from audio_guide.cli import (
    batch_cmd,
    check_cmd,
    handout_cmd,
    pack_cmd,
    points_cmd,
    practice_cmd,
    routine_cmds,
    schema_cmd,
    studio_cmd,
    voices_cmd,
)
from audio_guide.errors import AudioGuideError, Interrupted, RoutineError

COMMANDS = (
    routine_cmds,
    handout_cmd,
    check_cmd,
    points_cmd,
    schema_cmd,
    voices_cmd,
    pack_cmd,
    studio_cmd,
    practice_cmd,
    batch_cmd,
)
"""Command modules; each `add(sub)` registers parsers whose `run` default runs the command."""


@functools.cache
def _parser() -> argparse.ArgumentParser:
    """The parser, built once per process: parsing leaves it as it was (the ``append``
    options' defaults are copied before anything is added), and building it takes ~3 ms, which
    a process calling ``main`` many times (the test suite: about 1,400 times) paid each time."""
    parser = argparse.ArgumentParser(
        prog="audio-guide",
        description="Turn a guided self-care routine (YAML) into a precisely timed spoken MP3.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in COMMANDS:
        module.add(sub)
    return parser


def main(
    argv: Sequence[str] | None = None, out: TextIO | None = None, err: TextIO | None = None
) -> int:
    """Run the CLI; return the exit code (0 ok, 1 runtime failure, 2 bad input)."""
    out = out or sys.stdout
    err = err or sys.stderr
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    try:
        code: int = args.run(args, out, err)
        return code
    except RoutineError as exc:
        err.write(str(exc) + "\n")
        return exc.exit_code
    except AudioGuideError as exc:
        err.writelines(f"audio-guide: {line}\n" for line in str(exc).splitlines())
        return exc.exit_code
    except KeyboardInterrupt as exc:
        late = isinstance(exc, Interrupted) and exc.late
        what = f" by {exc}" if isinstance(exc, Interrupted) else ""
        done = "the output was complete and is in place" if late else "nothing was written"
        err.write(f"audio-guide: interrupted{what}; {done}\n")
        return exc.exit_code if isinstance(exc, Interrupted) else 130
    except BrokenPipeError:
        return _closed_pipe(out)
    except Exception as exc:
        if os.environ.get("AUDIO_GUIDE_DEBUG"):
            raise
        err.write(
            f"audio-guide: internal error ({type(exc).__name__}: {exc}); "
            "rerun with AUDIO_GUIDE_DEBUG=1 and report the traceback\n"
        )
        return 1


def _closed_pipe(out: TextIO) -> int:
    """The reader of ``out`` went away (``audio-guide voices | head -1``): stop quietly, like cat.

    Later writes (and the flush at exit) go to /dev/null instead of raising again.
    """
    with contextlib.suppress(OSError, ValueError, io.UnsupportedOperation):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, out.fileno())
    return 141
