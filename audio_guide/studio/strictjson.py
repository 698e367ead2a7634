"""Strict JSON for request bodies: what Python's ``json`` lets through, refused here.

``json.loads`` accepts ``NaN``, ``Infinity`` and ``1e999`` (a float that is infinite), lone
surrogates (``"\\ud800"``, which no UTF-8 text can hold) and nesting until the interpreter's
recursion limit (a ``RecursionError``, not a ``ValueError``). A studio request is refused with a
sentence for each of these, and for nesting deeper than the routine files may nest
(``authoring.limits.MAX_DEPTH``), before the body is parsed.
"""

from __future__ import annotations

import json
import math
from typing import Any

from audio_guide.authoring.limits import MAX_DEPTH


class BadJSON(ValueError):
    """The body is not strict JSON (the message says why)."""


def _constant(name: str) -> Any:
    raise BadJSON(f"{name} is not a JSON number")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise BadJSON(f"the number {text[:20]} is too large")
    return value


def depth(text: str) -> int:
    """The deepest nesting of arrays and objects in ``text`` (strings skipped)."""
    deepest = level = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            level += 1
            deepest = max(deepest, level)
        elif char in "]}":
            level -= 1
    return deepest


def loads(raw: bytes, max_depth: int = MAX_DEPTH + 4) -> Any:
    """``raw`` as strict JSON; ``BadJSON`` with a sentence otherwise. A request wraps a routine's
    structure in a few levels of its own, so the default allows a little more than a file."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise BadJSON("the body is not UTF-8") from None
    if depth(text) > max_depth:
        raise BadJSON(f"the JSON is nested more than {max_depth} levels deep")
    try:
        data = json.loads(text, parse_constant=_constant, parse_float=_finite)
    except BadJSON:
        raise
    except ValueError as exc:
        raise BadJSON(f"the body is not valid JSON ({exc})") from None
    try:
        json.dumps(data, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        raise BadJSON("the JSON holds a lone surrogate (\\ud800 ...); no text can") from None
    return data
