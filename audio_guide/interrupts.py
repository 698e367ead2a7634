"""SIGINT, SIGTERM and a closed pipe end a run cleanly: exit 130/143, no traceback, no stray file.

The console script (``audio_guide.__main__.entry``) installs the handlers before the pipeline
is imported, so an interrupt during start-up is as clean as one during a build. The first SIGINT
or SIGTERM raises ``Interrupted`` (a ``KeyboardInterrupt``) in the main thread; later ones are
ignored so that the clean-up the first one started (temporary files removed, ffmpeg stopped) runs
to its end.
``deferred`` holds signals back across the few lines that create or rename a temporary file, so
an interrupt can never fall between creating a file and taking charge of removing it.
"""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Iterator
from types import FrameType

from audio_guide.errors import Interrupted

_SIGNALS = (signal.SIGINT, signal.SIGTERM)
_held: list[int] = []
"""Nesting depth of ``deferred`` blocks (its length) ..."""
_pending: list[int] = []
"""... and the signal that arrived inside one, raised when the outermost ends."""


def _raise(signum: int, frame: FrameType | None) -> None:
    for sig in _SIGNALS:
        signal.signal(sig, signal.SIG_IGN)
    if _held:
        _pending.append(signum)
        return
    raise Interrupted(signum)


def install() -> None:
    """Make SIGINT and SIGTERM raise ``Interrupted`` once (main thread only)."""
    for sig in _SIGNALS:
        signal.signal(sig, _raise)


@contextlib.contextmanager
def deferred() -> Iterator[None]:
    """Hold an interrupt back until the block ends, then raise it.

    The handler itself looks at the hold (rather than a signal mask), because Python runs a
    handler at its next bytecode, which may come after the signal itself arrived.
    """
    _held.append(1)
    try:
        yield
    finally:
        _held.pop()
        if not _held and _pending:
            raise Interrupted(_pending.pop())
