"""Voice and pacing settings: their ranges, their parsing, and how layers combine."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from enum import Enum

import yaml

from .errors import UsageError
from .yamlread import Reader, fmt


class CountKind(str, Enum):
    """How holds are counted aloud."""

    EVERY = "every"
    """Count up every ``n`` seconds."""
    COUNTDOWN = "countdown"
    """Count down only the last ``n`` seconds."""
    NONE = "none"
    """No spoken counts; cues (and chimes) only."""


@dataclass(frozen=True, slots=True)
class CountStyle:
    """A count style such as ``every``, ``every:5``, ``countdown:5`` or ``none``."""

    kind: CountKind = CountKind.EVERY
    n: int = 1

    def __str__(self) -> str:
        if self.kind is CountKind.NONE:
            return "none"
        if self.kind is CountKind.EVERY and self.n == 1:
            return "every"
        return f"{self.kind.value}:{self.n}"

    @classmethod
    def parse(cls, text: str) -> CountStyle:
        """Parse ``every``, ``every:N``, ``countdown:N`` or ``none``; raise ``ValueError``."""
        m = re.fullmatch(r"\s*(every|countdown|none)(?::([0-9]+))?\s*", str(text))
        if not m or (m.group(1) == "none" and m.group(2)):
            raise ValueError(f"'{text}' is not a count style (every, every:N, countdown:N, none)")
        kind = CountKind(m.group(1))
        if kind is CountKind.COUNTDOWN and not m.group(2):
            raise ValueError("countdown needs a number of seconds, e.g. countdown:5")
        n = int(m.group(2) or 1)
        if not 1 <= n <= 600:
            raise ValueError(f"count interval must be 1..600 seconds, got {n}")
        return cls(kind, n)


@dataclass(frozen=True, slots=True)
class Settings:
    """The effective settings of one build; every field changes the sound or the clock."""

    engine: str = "pyttsx3"
    """Speech engine name (``pyttsx3``; ``fake`` for tests)."""
    voice: str = "en-us"
    """Voice as asked: id, variant, display name or language code."""
    rate: int = 160
    """Words per minute, 80..400."""
    volume: float = 1.0
    """Speech volume, 0..1."""
    pitch: int = 50
    """Voice pitch, 0..100."""
    pace: float = 1.0
    """Scales finding time and pauses between steps, never holds."""
    count: CountStyle = field(default_factory=CountStyle)
    """How holds are counted aloud."""
    find: float = 6.0
    """Quiet seconds to find each point before pressing (before ``pace``)."""
    gap: float = 0.6
    """Silence between spoken sentences (before ``pace``)."""
    step_pause: float = 2.0
    """Silence between steps (before ``pace``)."""
    sides: str = "both"
    """Which sides to work: ``both``, ``left`` or ``right``."""
    repeat: int = 1
    """How many rounds of the whole routine."""

    def as_dict(self) -> dict[str, object]:
        """Plain data for JSON."""
        out: dict[str, object] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            out[f.name] = str(value) if isinstance(value, CountStyle) else value
        return out


DEFAULTS = Settings()
PACE_WORDS = {"slow": 1.5, "normal": 1.0, "brisk": 0.75}

VOICE_KEYS = {
    "id": "voice",
    "engine": "engine",
    "rate": "rate",
    "volume": "volume",
    "pitch": "pitch",
}
PACING_KEYS = {
    "pace": "pace",
    "count": "count",
    "find": "find",
    "gap": "gap",
    "step_pause": "step_pause",
    "sides": "sides",
    "repeat": "repeat",
}

_RANGES: dict[str, tuple[float, float, bool, bool, str]] = {
    # name: (low, high, low inclusive, integer, unit)
    "rate": (80, 400, True, True, "words per minute"),
    "volume": (0, 1, False, False, "(0..1)"),
    "pitch": (0, 100, True, True, "(0..100)"),
    "pace": (0.25, 4, True, False, "(factor)"),
    "find": (0, 120, True, False, "seconds"),
    "gap": (0.1, 10, True, False, "seconds"),
    "step_pause": (0, 60, True, False, "seconds"),
    "repeat": (1, 20, True, True, "rounds"),
}
_CHOICES = {"sides": ("both", "left", "right")}


def parse_value(name: str, text: str) -> object:
    """Parse a command-line value for setting ``name``; raise ``UsageError`` when invalid."""
    text = str(text).strip()
    try:
        if name == "count":
            return CountStyle.parse(text)
        if name == "pace" and text in PACE_WORDS:
            return PACE_WORDS[text]
        if name in _CHOICES:
            if text not in _CHOICES[name]:
                raise ValueError(f"'{text}' is not one of {', '.join(_CHOICES[name])}")
            return text
        if name in _RANGES:
            low, high, inclusive, integer, unit = _RANGES[name]
            value = float(text)
            if integer and not value.is_integer():
                raise ValueError(f"must be a whole number, got {text}")
            if (value < low if inclusive else value <= low) or value > high:
                bound = ">=" if inclusive else ">"
                raise ValueError(
                    f"must be {bound} {fmt(low)} and <= {fmt(high)} {unit}, got {text}"
                )
            return int(value) if integer else value
        if not text:
            raise ValueError("must not be empty")
        return text
    except ValueError as exc:
        msg = str(exc)
        if msg.startswith("could not convert"):
            msg = f"'{text}' is not a number"
        raise UsageError(f"{name}: {msg}") from None


def read_section(
    reader: Reader, node: yaml.Node, section: str, keys: Mapping[str, str]
) -> dict[str, tuple[object, yaml.Node]]:
    """Read a ``voice:`` or ``pacing:`` mapping; values keyed by setting name with their node."""
    found = reader.mapping(node, section, keys)
    out: dict[str, tuple[object, yaml.Node]] = {}
    for key, value_node in (found or {}).items():
        name = keys[key]
        what = f"{section}.{key}"
        value: object | None
        if name in _RANGES:
            low, high, inclusive, integer, unit = _RANGES[name]
            if (
                name == "pace"
                and isinstance(value_node, yaml.ScalarNode)
                and (value_node.value in PACE_WORDS)
            ):
                value = PACE_WORDS[value_node.value]
            else:
                number = reader.number(
                    value_node, what, low, high, low_inclusive=inclusive, integer=integer, unit=unit
                )
                value = None if number is None else (int(number) if integer else number)
        elif name in _CHOICES:
            value = reader.choice(value_node, what, _CHOICES[name])
        else:
            text = reader.text(value_node, what)
            value = text
            if name == "count" and text is not None:
                try:
                    value = CountStyle.parse(text)
                except ValueError as exc:
                    reader.error(value_node, f"{what}: {exc}")
                    value = None
        if value is not None:
            out[name] = (value, value_node)
    return out


def combine(layers: list[tuple[str, Mapping[str, object]]]) -> tuple[Settings, dict[str, str]]:
    """Apply layers from lowest to highest precedence; return settings and each one's source."""
    settings = DEFAULTS
    origins = {f.name: "built-in default" for f in fields(Settings)}
    for source, values in layers:
        if values:
            settings = replace(settings, **values)  # type: ignore[arg-type]
            origins.update({name: source for name in values})
    return settings, origins
