"""The console script and ``python -m audio_guide``: the top floor, above the CLI.

``entry`` installs the interrupt handlers (``interrupts.install``) before the CLI and the pipeline
are imported, so an interrupt during start-up is as clean as one during a build.
"""

from __future__ import annotations

import contextlib
import os
import sys

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


def entry() -> None:
    """Console-script entry point."""
    sys.exit(run_main())


if __name__ == "__main__":  # spawned synthesis workers import this module as __mp_main__
    entry()
