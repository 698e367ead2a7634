"""Validated routine data: what the loader hands to the script compiler."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import Enum


class Sides(str, Enum):
    """How a step is worked on a bilateral point."""

    TOGETHER = "together"
    """Both sides at once (both thumbs either side of the spine, both knees)."""
    EACH = "each"
    """Left side, then right side."""
    LEFT = "left"
    RIGHT = "right"


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a piece of input came from, for messages."""

    file: str
    line: int
    col: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}"


TEXT_FIELDS = ("title", "location", "method", "purpose", "alternative", "cautions")
"""A point's texts that are said or shown, and so exist once per language."""


@dataclass(frozen=True, slots=True)
class PointText:
    """A point's texts in one more language (a ``translations:`` entry of a point file)."""

    location: str
    title: str | None = None
    method: str | None = None
    purpose: str | None = None
    alternative: str | None = None
    cautions: tuple[str, ...] = ()
    origin: Origin | None = None


@dataclass(frozen=True, slots=True)
class FigurePlace:
    """Where a point's picture comes from (a point file's ``figure:``): a place on a shipped
    region figure, given in that figure's landmarks and body inches (B-cun), or an image file.

    The place is ``at`` a landmark, or ``level`` with one (on the midline), or ``fraction`` of
    the way ``from`` one landmark ``to`` another; then moved ``lateral`` B-cun out from the
    midline, ``cun`` B-cun ``toward`` a landmark, and ``dx``/``dy`` B-cun right/down.
    """

    region: str | None = None
    """A region figure's id (``lower_back``); None for an image file."""
    at: str | None = None
    level: str | None = None
    start: str | None = None
    """``from:`` in the file."""
    to: str | None = None
    fraction: float = 0.5
    lateral: float = 0.0
    toward: str | None = None
    cun: float = 0.0
    dx: float = 0.0
    dy: float = 0.0
    image: str | None = None
    """An image file (``.svg``, ``.png``, ``.jpg``) beside the point file: its absolute path."""
    origin: Origin | None = None

    def as_dict(self) -> dict[str, object]:
        """The place as written in a point file (``figure:``), defaults left out."""
        if self.image is not None:
            return {"image": self.image}
        out: dict[str, object] = {"region": self.region}
        for name, key in (("at", "at"), ("level", "level"), ("start", "from"), ("to", "to")):
            if getattr(self, name) is not None:
                out[key] = getattr(self, name)
        if self.start is not None:
            out["fraction"] = self.fraction
        for name in ("lateral", "toward", "cun", "dx", "dy"):
            if getattr(self, name) not in (None, 0.0):
                out[name] = getattr(self, name)
        return out


@dataclass(frozen=True, slots=True)
class Point:
    """One acupressure point from a point library (shipped, user, ``--points`` or a routine)."""

    id: str
    """Routine id, article numbering (``B47``)."""
    name: str
    """Written name, as people read it (``LI 4``); the lexicon gives the voice its form."""
    location: str
    """How to find it by touch, eyes closed."""
    who: str | None = None
    """Standard WHO code (``BL52``), when known."""
    title: str | None = None
    """Short label a listener understands (``web of the hand``)."""
    region: str | None = None
    method: str | None = None
    """How to press it."""
    purpose: str | None = None
    alternative: str | None = None
    cautions: tuple[str, ...] = ()
    bilateral: bool = True
    sides: Sides = Sides.TOGETHER
    source: str | None = None
    """The reference the whole entry follows, when given as one text."""
    sources: tuple[tuple[str, str], ...] = ()
    """Per-text references (``location``, ``method``, ``purpose``, ``alternative``,
    ``cautions``), when ``source:`` is a mapping."""
    caution_sources: tuple[str | None, ...] = ()
    """The reference of each caution given as ``{text, source}`` (None where not given)."""
    caution_editorial: tuple[str | None, ...] = ()
    """For each caution that is the project's own advice (``{text, editorial}``), why; None
    where a reference stands behind it."""
    notes: str | None = None
    """Not spoken: where the entry departs from a source, and why."""
    language: str = "en"
    """The language of the texts above."""
    figure: FigurePlace | None = None
    """Where its picture comes from; None: built without a picture."""
    translations: tuple[tuple[str, PointText], ...] = ()
    """The texts in other languages, by language code."""
    origin: Origin | None = None
    """Where the entry was read (file, line, column)."""

    def source_of(self, text: str) -> str | None:
        """The reference for one of its texts (``location``, ``purpose`` ...), if any."""
        return dict(self.sources).get(text) or self.source

    def caution_source(self, index: int) -> str | None:
        """The reference for caution ``index``: its own, else the cautions' or the entry's."""
        own = self.caution_sources[index] if index < len(self.caution_sources) else None
        return own or self.source_of("cautions")

    def caution_editorial_note(self, index: int) -> str | None:
        """Why caution ``index`` is the project's own advice, when it is (no reference)."""
        if index < len(self.caution_editorial):
            return self.caution_editorial[index]
        return None

    def languages(self) -> tuple[str, ...]:
        """The languages it has texts in, its own first."""
        return (self.language, *(lang for lang, _ in self.translations))

    def in_language(self, language: str) -> Point | None:
        """This point with its texts in ``language``; None when it has none there."""
        if language == self.language:
            return self
        text = dict(self.translations).get(language)
        if text is None:
            return None
        return replace(
            self,
            language=language,
            title=text.title,
            location=text.location,
            method=text.method,
            purpose=text.purpose,
            alternative=text.alternative,
            cautions=text.cautions,
        )


@dataclass(frozen=True, slots=True)
class Hold:
    """A steady hold of ``seconds``."""

    seconds: float


@dataclass(frozen=True, slots=True)
class Cycles:
    """``times`` presses of ``press`` seconds, each followed by ``release`` seconds of rest."""

    press: float
    release: float
    times: int


@dataclass(frozen=True, slots=True)
class Phase:
    """One named phase of phased cycles: its spoken cue and its exact length."""

    say: str
    seconds: float


@dataclass(frozen=True, slots=True)
class Phased:
    """``times`` rounds of ``phases`` back to back (breathe in 4 s, hold 4 s, out 6 s ...)."""

    phases: tuple[Phase, ...]
    times: int

    @property
    def seconds(self) -> float:
        """The length of one round."""
        return sum(p.seconds for p in self.phases)


Work = Hold | Cycles | Phased


@dataclass(frozen=True, slots=True)
class Step:
    """One point (or a step named in the routine itself) worked in the routine."""

    point: Point
    work: Work
    sides: Sides
    find: float | None
    """Quiet seconds to find the point; None uses the pacing default."""
    say: tuple[str, ...]
    """Extra spoken instructions for this step."""
    origin: Origin
    inline: bool = False
    """Written in the routine (``name:``), not a library point: not numbered, no "find"."""
    phrases: tuple[tuple[str, str], ...] = ()
    """The step's own phrase overrides (key or ``key.form``, text), over the routine's."""
    repetitions: bool | None = None
    """Announce the repetition of cycles ("3 of 10"); None follows the pacing setting."""


@dataclass(frozen=True, slots=True)
class SayStep:
    """A step that only speaks (``say: [...]``)."""

    texts: tuple[str, ...]
    origin: Origin


@dataclass(frozen=True, slots=True)
class PauseStep:
    """A quiet step (``pause: SECONDS``): exactly that much quiet between two sounds."""

    seconds: float
    origin: Origin


AnyStep = Step | SayStep | PauseStep


@dataclass(frozen=True, slots=True)
class Routine:
    """A whole validated routine."""

    name: str
    """File stem, used for output names."""
    title: str
    artist: str
    album: str
    description: str
    intro: tuple[str, ...]
    safety: tuple[str, ...]
    steps: tuple[AnyStep, ...]
    outro: tuple[str, ...]
    source: str
    settings: dict[str, object] = field(default_factory=dict)
    """Raw ``voice:``/``pacing:`` values from the file, checked, keyed by setting name."""
    settings_origins: dict[str, Origin] = field(default_factory=dict)
    lexicon: tuple[tuple[str, str], ...] = ()
    """The effective pronunciation lexicon (written -> spoken), every layer merged."""
    language: str = "en"
    """The routine's language: picks the phrase table and, unless a voice is given, the voice."""
