"""One error hierarchy; the CLI turns each kind into an exit code."""

from __future__ import annotations

from dataclasses import dataclass


class AudioGuideError(Exception):
    """Base of every error the tool reports to a user (exit code 1 unless a subclass says)."""

    exit_code = 1


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem in an input file, with a 1-based line and column."""

    file: str
    line: int
    col: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}: {self.message}"


MAX_SHOWN = 50
"""Problems listed in a ``RoutineError`` message; the rest are counted."""


class RoutineError(AudioGuideError):
    """An input file (routine, point library, profile) is invalid; holds every problem found.

    Its message lists the first ``MAX_SHOWN`` problems in file order, then "and N more".
    """

    exit_code = 2

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems, key=lambda p: (p.file, p.line, p.col))
        shown = [str(p) for p in self.problems[:MAX_SHOWN]]
        rest = len(self.problems) - len(shown)
        if rest:
            shown.append(f"... and {rest} more problem{'s' if rest > 1 else ''}")
        super().__init__("\n".join(shown))


class UsageError(AudioGuideError):
    """A command-line value is invalid (unknown voice, out-of-range rate, ...)."""

    exit_code = 2


class EngineError(AudioGuideError):
    """The speech engine is missing or failed."""


class ExportError(AudioGuideError):
    """The encoder is missing or failed to write the output."""


class Interrupted(KeyboardInterrupt):
    """SIGINT or SIGTERM arrived; the run stops, removing its temporary files."""

    def __init__(self, signum: int) -> None:
        self.signum = signum
        self.exit_code = 128 + signum
        """130 for SIGINT, 143 for SIGTERM, as a shell reports them."""
        self.late = False
        """True when it came as finished files were being moved into place (they all were)."""
        super().__init__(signal_name(signum))


def signal_name(signum: int) -> str:
    """``SIGINT``, ``SIGTERM`` ... for a signal number."""
    import signal

    try:
        return signal.Signals(signum).name
    except ValueError:
        return f"signal {signum}"
