"""SIGINT, SIGTERM and a closed pipe end a run cleanly: exit 130/143, no traceback, no stray file.

The console script (``audio_guide.__main__.entry``) installs the handlers before the pipeline
is imported, so an interrupt during start-up is as clean as one during a build. The first SIGINT
or SIGTERM raises ``Interrupted`` (a ``KeyboardInterrupt``) in the main thread; later ones are
ignored so that the clean-up the first one started (temporary files removed, ffmpeg stopped) runs
to its end.
``deferred`` holds signals back across the few lines that create or rename a temporary file, so
an interrupt can never fall between creating a file and taking charge of removing it.
An interrupt raised where Python cannot pass an exception on (a weakref callback, a ``__del__``)
is not lost: it is sent to the main thread again (``_lost``).
"""

from __future__ import annotations

import _thread
import contextlib
import signal
import sys
import time
from collections.abc import Iterator
from types import FrameType

from audio_guide.errors import Interrupted

_SIGNALS = (signal.SIGINT, signal.SIGTERM)
_held: list[int] = []
"""Nesting depth of ``deferred`` blocks (its length) ..."""
_pending: list[int] = []
"""... and the signal that arrived inside one, raised when the outermost ends."""
_previous_hook = sys.unraisablehook
_resending = False
"""True while ``_lost`` runs: a signal arriving then is the one about to be sent again."""
_handled = 0
"""How many times ``_raise`` has taken a signal (``_send_again`` waits for it to move)."""


def _raise(signum: int, frame: FrameType | None) -> None:
    global _handled
    if _resending:
        return
    _handled += 1
    for sig in _SIGNALS:
        signal.signal(sig, signal.SIG_IGN)
    if _held:
        _pending.append(signum)
        return
    raise Interrupted(signum)


def _lost(unraisable: sys.UnraisableHookArgs) -> None:
    """``sys.unraisablehook``: send again an interrupt that Python could not pass on.

    Python runs a signal handler at the main thread's next bytecode, which may be inside a
    weakref callback (the import system's module locks have one) or a ``__del__``. An exception
    raised there is printed ("Exception ignored in ...") and dropped, and the run would go on.
    Here the signal is sent to the main thread again, from a thread, once this hook has returned,
    so that the handler raises it where the main thread runs next; a real signal (not only
    Python's flag) also wakes a main thread blocked in a system call. Other exceptions go to the
    hook that was there before.
    """
    global _resending
    exc = unraisable.exc_value
    if not isinstance(exc, Interrupted):
        _previous_hook(unraisable)
        return
    _resending = True
    signal.signal(exc.signum, _raise)
    _thread.start_new_thread(_send_again, (exc.signum, _thread.get_ident(), _handled))
    _resending = False  # the last line: no bytecode after it lets the handler or thread run


def _send_again(signum: int, main: int, handled: int) -> None:
    """Signal the main thread until its handler has run.

    Once is not always enough: this thread often runs just as the main thread lets go of the
    interpreter to enter a system call (``time.sleep``, a pipe's ``read``), and a signal landing
    before the call begins does not interrupt it; Python would see it only when the call ends.
    """
    while _resending:  # the main thread is still in ``_lost``
        time.sleep(0.001)
    while _handled == handled:
        try:
            signal.pthread_kill(main, signum)
        except ProcessLookupError:  # the main thread has ended: nothing is left to interrupt
            return
        time.sleep(0.01)


def install() -> None:
    """Make SIGINT and SIGTERM raise ``Interrupted`` once (main thread only)."""
    for sig in _SIGNALS:
        signal.signal(sig, _raise)
    sys.unraisablehook = _lost


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
