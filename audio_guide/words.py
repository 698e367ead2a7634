"""Small text helpers for every layer: numbers without '.0', range messages, "did you mean".

They sit at the bottom of the package (nothing here imports from it), so that settings, flags,
outputs and the studio can use them without reaching up into ``authoring``.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterable


def out_of_range(
    value: float, raw: str, low: float, high: float, low_inclusive: bool, integer: bool, unit: str
) -> str | None:
    """What is wrong with ``value`` for the range (low, high] (or [low, high]), if anything."""
    if not math.isfinite(value):  # float() reads 'nan' and 'inf'; no comparison refuses NaN
        return f"must be a finite number, got {raw}"
    if integer and not value.is_integer():
        return f"must be a whole number, got {raw}"
    if (value < low if low_inclusive else value <= low) or value > high:
        bound = ">=" if low_inclusive else ">"
        return f"must be {bound} {fmt(low)} and <= {fmt(high)} {unit}, got {raw}"
    return None


def suggest(word: str, options: Iterable[str]) -> str:
    """A 'did you mean' clause naming the closest options, or an empty string."""
    close = difflib.get_close_matches(word, list(options), n=3, cutoff=0.5)
    if not close:
        lowered = {o.lower(): o for o in options}
        close = [
            lowered[w] for w in difflib.get_close_matches(word.lower(), lowered, n=3, cutoff=0.5)
        ]
    return f" (did you mean {' or '.join(repr(c) for c in close)}?)" if close else ""


def fmt(value: float) -> str:
    """Format a number without a useless '.0'."""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"
