"""Voice and pacing settings: their fields, ranges and parsing (layers combine in ``layers``)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields
from enum import Enum

from audio_guide.errors import UsageError
from audio_guide.model import Cycles
from audio_guide.words import fmt, out_of_range

MAX_HOLD_S = 600.0
"""Longest hold or press a routine, profile or flag may ask for."""
MAX_TIMES = 50


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
    """Speech volume, 0.05..1 (a quieter voice falls under the silence trim)."""
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
    holds: tuple[tuple[str, float], ...] = ()
    """Steady-hold overrides: (point id, seconds), sorted by point id."""
    cycles: tuple[tuple[str, Cycles], ...] = ()
    """Press/release overrides: (point id, cycles), sorted by point id."""
    repetitions: bool = False
    """Say which repetition of cycles this is ("3 of 10") with its first cue; a step's own
    ``repetitions:`` wins."""
    phrases: tuple[tuple[str, str], ...] = ()
    """Phrase overrides that differ from the phrase table: (key or ``key.form``, text), sorted."""
    chime: bool = True
    """A bell at each hold's start and a lower one at its end."""
    tick: int = 0
    """Seconds between quiet ticks during holds; 0 for none."""
    bed: str | None = None
    """A calm bed under the speech: ``noise`` or an audio file; None for silence."""
    bed_level: float = -20.0
    """The bed's loudness in the gaps, in dB relative to the speech."""
    loudness: float | None = -16.0
    """Integrated loudness target in LUFS (true peak <= -1 dBTP); None leaves levels as spoken."""
    fill: str | None = None
    """With engine ``recorded``: the engine that speaks what the voice pack lacks (else refused)."""
    format: str = "mp3"
    """The audio file: mp3 (any player), m4b (AAC with chapters, for audiobook players), opus
    (Ogg Opus, smallest, for Android and desktop players) or wav (uncompressed, to inspect)."""

    def as_dict(self) -> dict[str, object]:
        """Plain data for JSON."""
        out: dict[str, object] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name in OPTIONAL_IN_DICT and value is None:
                continue
            if isinstance(value, CountStyle):
                value = str(value)
            elif f.name in ("holds", "phrases"):
                value = dict(value)
            elif f.name == "cycles":
                value = {pid: cycles_text(c) for pid, c in value}
            out[f.name] = value
        return out

    def hold_for(self, point: str) -> float | None:
        """The steady hold asked for ``point``, if overridden."""
        return dict(self.holds).get(point)

    def cycles_for(self, point: str) -> Cycles | None:
        """The press/release cycles asked for ``point``, if overridden."""
        return dict(self.cycles).get(point)


def cycles_text(c: Cycles) -> str:
    """``PRESS/RELEASE/TIMES``, as the ``--cycles`` flag takes it."""
    return f"{fmt(c.press)}/{fmt(c.release)}/{c.times}"


OPTIONAL_IN_DICT = ("fill",)
"""Settings added to timeline@1 later: left out of ``as_dict`` while unset, so timelines of
builds that do not use them stay as they were."""

DEFAULTS = Settings()
PACE_WORDS = {"slow": 1.5, "normal": 1.0, "brisk": 0.75}

VOICE_KEYS = {
    "id": "voice",
    "engine": "engine",
    "rate": "rate",
    "volume": "volume",
    "pitch": "pitch",
    "fill": "fill",
}
PACING_KEYS = {
    "pace": "pace",
    "count": "count",
    "find": "find",
    "gap": "gap",
    "step_pause": "step_pause",
    "sides": "sides",
    "repeat": "repeat",
    "holds": "holds",
    "cycles": "cycles",
    "repetitions": "repetitions",
}
SOUND_KEYS = {
    "chime": "chime",
    "tick": "tick",
    "bed": "bed",
    "bed_level": "bed_level",
    "loudness": "loudness",
    "format": "format",
}

RANGES: dict[str, tuple[float, float, bool, bool, str]] = {
    # name: (low, high, low inclusive, integer, unit)
    "rate": (80, 400, True, True, "words per minute"),
    "volume": (0.05, 1, True, False, "(0.05..1)"),
    "pitch": (0, 100, True, True, "(0..100)"),
    "pace": (0.25, 4, True, False, "(factor)"),
    "find": (0, 120, True, False, "seconds"),
    "gap": (0.1, 10, True, False, "seconds"),
    "step_pause": (0, 60, True, False, "seconds"),
    "repeat": (1, 20, True, True, "rounds"),
    "hold": (0, MAX_HOLD_S, False, False, "seconds"),
    "press": (0, MAX_HOLD_S, False, False, "seconds"),
    "release": (0, MAX_HOLD_S, False, False, "seconds"),
    "times": (1, MAX_TIMES, True, True, "times"),
    "tick": (0, 60, True, True, "seconds"),
    "bed_level": (-60, -6, True, False, "dB"),
    "loudness": (-40, -5, True, False, "LUFS"),
}
CHOICES = {"sides": ("both", "left", "right"), "format": ("mp3", "m4b", "opus", "wav")}
WORDS: dict[str, tuple[str, ...]] = {"pace": tuple(PACE_WORDS), "loudness": ("off",)}
"""Words a setting takes besides a number (``--pace slow``, ``--loudness off``)."""
SWITCH_WORDS = {"on": True, "true": True, "yes": True, "off": False, "false": False, "no": False}
PER_POINT_FLAGS = {"holds": "hold", "cycles": "cycles", "phrases": "phrase"}
"""Settings overridden item by item (a point's hold or cycles, a phrase key), each with the
repeatable flag that sets one item (``--hold B54=45``, ``--phrase press='Now press.'``)."""


def parse_value(name: str, text: str, label: str | None = None) -> object:
    """Parse a command-line value for setting ``name``; raise ``UsageError`` when invalid.

    ``label`` names the value in messages (default ``--NAME``).
    """
    text = str(text).strip()
    try:
        if name == "count":
            return CountStyle.parse(text)
        if name == "pace" and text in PACE_WORDS:
            return PACE_WORDS[text]
        if name == "loudness" and text in WORDS["loudness"]:
            return None
        if isinstance(getattr(DEFAULTS, name, None), bool):
            if text.lower() not in SWITCH_WORDS:
                raise ValueError(f"'{text}' is not one of on, off")
            return SWITCH_WORDS[text.lower()]
        if name in CHOICES:
            if text not in CHOICES[name]:
                raise ValueError(f"'{text}' is not one of {', '.join(CHOICES[name])}")
            return text
        if name in RANGES:
            low, high, inclusive, integer, unit = RANGES[name]
            value = float(text)
            problem = out_of_range(value, text, low, high, inclusive, integer, unit)
            if problem:
                raise ValueError(problem)
            return int(value) if integer else value
        if not text:
            raise ValueError("must not be empty")
        return text
    except ValueError as exc:
        msg = str(exc)
        if msg.startswith("could not convert"):
            msg = f"'{text}' is not a number"
        raise UsageError(f"{label or '--' + flag_name(name)}: {msg}") from None


def point_id(text: str) -> str:
    """Normalise a point id as typed (``b 54`` -> ``B54``)."""
    return "".join(text.split()).upper()


def parse_override(flag: str, text: str) -> tuple[str, object]:
    """Parse ``POINT=SECONDS`` (``hold``) or ``POINT=PRESS/RELEASE/TIMES`` (``cycles``)."""
    example = "B54=45" if flag == "hold" else "LI4=8/4/5"
    form = "POINT=SECONDS" if flag == "hold" else "POINT=PRESS/RELEASE/TIMES"
    pid, sep, value = str(text).partition("=")
    if not sep or not pid.strip() or not value.strip():
        raise UsageError(f"--{flag}: '{text}' should be {form}, for example {example}")
    if flag == "hold":
        return point_id(pid), parse_value("hold", value, f"--hold {pid}")
    parts = value.split("/")
    if len(parts) != 3:
        raise UsageError(f"--{flag}: '{text}' should be {form}, for example {example}")
    press, release, times = (
        float(parse_value(name, part, f"--cycles {pid} {name}"))  # type: ignore[arg-type]
        for name, part in zip(("press", "release", "times"), parts)
    )
    return point_id(pid), Cycles(press, release, int(times))


def flag_name(name: str) -> str:
    """The command-line spelling of a setting (``bed_level`` -> ``bed-level``)."""
    return name.replace("_", "-")
