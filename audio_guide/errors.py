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


class RoutineError(AudioGuideError):
    """An input file (routine, point library, profile) is invalid; holds every problem found."""

    exit_code = 2

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems, key=lambda p: (p.file, p.line, p.col))
        super().__init__("\n".join(str(p) for p in self.problems))


class UsageError(AudioGuideError):
    """A command-line value is invalid (unknown voice, out-of-range rate, ...)."""

    exit_code = 2


class EngineError(AudioGuideError):
    """The speech engine is missing or failed."""


class ExportError(AudioGuideError):
    """The encoder is missing or failed to write the output."""
