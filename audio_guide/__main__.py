"""The console script and ``python -m audio_guide``: the top floor, above the CLI.

``entry`` installs the interrupt handlers (``interrupts.install``) before the CLI and the pipeline
are imported, so an interrupt during start-up is as clean as one during a build.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading

from audio_guide.errors import Interrupted
from audio_guide.interrupts import install


def run_main() -> int:
    """Run the CLI with the handlers in place; return its exit code."""
    install()
    try:
        from audio_guide.cli import main  # after the handlers: an interrupt here is clean too

        code = main()
        sys.stdout.flush()
    except KeyboardInterrupt as exc:  # while starting up, before main() took charge
        name = str(exc) if isinstance(exc, Interrupted) else "SIGINT"
        with contextlib.suppress(OSError):
            sys.stderr.write(f"audio-guide: interrupted by {name}; nothing was written\n")
        return exc.exit_code if isinstance(exc, Interrupted) else 130
    except BrokenPipeError:  # the final flush
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    return code


EXIT_LIMIT = 10.0
"""Seconds an interrupted run may spend leaving before it is ended with its exit code."""


def entry() -> None:
    """Console-script entry point."""
    code = run_main()
    if code in (130, 143):
        _leave_within(code, EXIT_LIMIT)
    sys.exit(code)


def _leave_within(code: int, seconds: float) -> None:
    """End the process with ``code`` if leaving takes longer than ``seconds``.

    By then the clean-up is done (temporary files removed, ffmpeg stopped, the message
    written). Python's own exit still waits for every worker thread, and a thread caught by
    the interrupt mid-wait can hold a lock it never gives back: once, in a whole-suite run, an
    interrupted build printed its message and then did not exit for 120 s (not reproduced in
    120 tries). A daemon timer ends it instead; a normal exit is not delayed."""

    def leave() -> None:
        with contextlib.suppress(OSError, ValueError):
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(code)

    timer = threading.Timer(seconds, leave)
    timer.daemon = True
    timer.start()


if __name__ == "__main__":  # spawned synthesis workers import this module as __mp_main__
    entry()
