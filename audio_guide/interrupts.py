"""SIGINT, SIGTERM and a closed pipe end a run cleanly: exit 130/143, no traceback, no stray file.

``entry`` is the console script: it installs the handlers before the pipeline is imported, so an
interrupt during start-up is as clean as one during a build. The first SIGINT or SIGTERM raises
``Interrupted`` (a ``KeyboardInterrupt``) in the main thread; later ones are ignored so that the
clean-up the first one started (temporary files removed, ffmpeg stopped) runs to its end.
``deferred`` holds signals back across the few lines that create or rename a temporary file, so
an interrupt can never fall between creating a file and taking charge of removing it.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from collections.abc import Iterator
from types import FrameType

from audio_guide.errors import Interrupted

_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def _raise(signum: int, frame: FrameType | None) -> None:
    for sig in _SIGNALS:
        signal.signal(sig, signal.SIG_IGN)
    raise Interrupted(signum)


def install() -> None:
    """Make SIGINT and SIGTERM raise ``Interrupted`` once (main thread only)."""
    for sig in _SIGNALS:
        signal.signal(sig, _raise)


@contextlib.contextmanager
def deferred() -> Iterator[None]:
    """Hold SIGINT and SIGTERM back until the block ends; a pending one is raised right after."""
    old = signal.pthread_sigmask(signal.SIG_BLOCK, _SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def run_main() -> int:
    """Run the CLI with the handlers in place; return its exit code."""
    install()
    try:
        from audio_guide.cli import main

        code = main()
        sys.stdout.flush()
    except KeyboardInterrupt as exc:  # before main() took charge: no message, no traceback
        return exc.exit_code if isinstance(exc, Interrupted) else 130
    except BrokenPipeError:  # the final flush
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    return code


def entry() -> None:
    """Console-script entry point."""
    sys.exit(run_main())
