"""A printable handout of a routine: each point's picture, name, location and cautions, the work,
the safety lines, the total length and, for a practice client, a QR code of the feed address.

``handout`` gathers it as plain data (pure; no audio): the steps as the settings give them
(``--hold``, ``--cycles``, ``--sides``), so the paper and the track agree, and every fixed word
from the phrase table of the routine's language (``handout_*`` keys, with the settings' phrase
overrides). ``handout_html`` (HTML with a print stylesheet, self-contained) and ``handout_pdf``
(fpdf2) lay it out; ``write_handout`` writes either, atomically, by the file's suffix.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from audio_guide.authoring.phrases import Phrases, effective_phrases
from audio_guide.authoring.steps import SIDE_WORDS, sides_of, work_of
from audio_guide.errors import UsageError
from audio_guide.model import Cycles, Hold, Point, Routine, Step, Work
from audio_guide.settings import Settings
from audio_guide.timeline import Side

FORMATS = (".html", ".pdf")
"""What ``handout -o`` can write."""


@dataclass(frozen=True, slots=True)
class Entry:
    """One step of the handout."""

    number: int | None
    """The point's number in the routine (as the track says it); None for a step written in
    the routine itself (a stretch), which the track does not number."""
    heading: str
    """``B 23 — Sea of vitality`` (the step's chapter title)."""
    location: str
    cautions: tuple[str, ...]
    work: str
    """``Hold for 60 seconds``."""
    sides: str
    """``Both sides at once``, ``Left hand, then right hand`` ... ('' for a single point)."""
    point: Point
    """The point (its picture is drawn from it)."""


@dataclass(frozen=True, slots=True)
class Handout:
    """Everything a handout shows, in the routine's language."""

    title: str
    description: str
    language: str
    safety: tuple[str, ...]
    entries: tuple[Entry, ...]
    length: str
    """``Total length: 12:05``."""
    rounds: str
    """The line saying the routine is repeated ('' when it is not)."""
    feed_url: str | None
    """A practice client's feed address (an absolute URL), for the QR code."""
    labels: dict[str, str]
    """Headings and labels: ``points``, ``safety``, ``where``, ``cautions``, ``feed``."""


def handout(
    routine: Routine, settings: Settings, duration: float, feed_url: str | None = None
) -> Handout:
    """The handout of ``routine`` built with ``settings``; ``duration`` is the track's length
    in seconds (the plan's, ``build.make_plan``), ``feed_url`` a client's feed address."""
    ph = effective_phrases(settings.phrases, routine.language)
    steps = [s for s in routine.steps if isinstance(s, Step) and sides_of(s, settings.sides)]
    entries: list[Entry] = []
    number = 0
    for step in steps:
        number += 0 if step.inline else 1
        p = step.point
        heading = (
            ph.text("chapter_point", name=p.name, title=p.title)
            if p.title and not step.inline
            else ph.text("chapter_step", name=p.name)
        )
        entries.append(
            Entry(
                None if step.inline else number,
                heading,
                p.location,
                p.cautions,
                work_text(work_of(step, settings), ph),
                sides_text(step, sides_of(step, settings.sides), ph),
                p,
            )
        )
    rounds = settings.repeat
    return Handout(
        title=routine.title,
        description=routine.description,
        language=routine.language,
        safety=routine.safety,
        entries=tuple(entries),
        length=ph.say("handout_length", time=clock(duration)),
        rounds=ph.say("handout_rounds", rounds=rounds) if rounds > 1 else "",
        feed_url=feed_url,
        labels={
            key: ph.say(f"handout_{key}")
            for key in ("points", "safety", "where", "cautions", "feed")
        },
    )


def clock(seconds: float) -> str:
    """``m:ss`` (``h:mm:ss`` from an hour), rounded to the second."""
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def work_text(work: Work, ph: Phrases) -> str:
    """How a step is worked, as one short line: ``Hold for 30 seconds``."""
    if isinstance(work, Hold):
        return ph.say("handout_hold", seconds=work.seconds)

    def secs(seconds: float) -> str:
        return ph.text("handout_seconds", seconds=seconds)

    if isinstance(work, Cycles):
        if work.times == 1:
            return ph.say("handout_cycles_once", press=secs(work.press))
        return ph.say(
            "handout_cycles", press=secs(work.press), release=secs(work.release), times=work.times
        )
    phases = ", ".join(f"{p.say.rstrip('.!')} {secs(p.seconds)}" for p in work.phases)
    if work.times == 1:
        return ph.say("handout_phases_once", phases=phases)
    return ph.say("handout_phases", times=work.times, phases=phases)


def sides_text(step: Step, sides: list[Side], ph: Phrases) -> str:
    """Which sides are worked, in the words the track uses (``left hand``); '' for a point
    worked once in the middle of the body, or a step written in the routine."""
    word = "side" if step.inline else SIDE_WORDS.get(step.point.region or "", "side")
    names = [ph.text(f"{s.value}_{word}") for s in sides if s is not Side.BOTH]
    if len(names) == 2:
        return ph.say("handout_each", first=names[0], second=names[1])
    if names:
        return ph.say("handout_only", side=names[0])
    return ph.say("handout_together") if step.point.bilateral and not step.inline else ""


def handout_bytes(data: Handout, suffix: str) -> bytes:
    """The handout as ``.html`` or ``.pdf`` bytes."""
    if suffix == ".pdf":
        from audio_guide.outputs.handout_pdf import handout_pdf

        return handout_pdf(data)
    from audio_guide.outputs.handout_html import handout_html

    return handout_html(data).encode("utf-8")


def check_suffix(path: Path) -> str:
    """The handout format ``path`` names (``.html`` or ``.pdf``); else a ``UsageError``."""
    suffix = path.suffix.lower()
    if suffix == ".htm":
        return ".html"
    if suffix not in FORMATS:
        raise UsageError(
            f"-o: cannot write a handout as '{path.name}'; use a .html or .pdf name"
        )
    return suffix


def write_handout(data: Handout, path: Path) -> None:
    """Write the handout to ``path`` (``.html`` or ``.pdf``) so it appears whole or not at all."""
    from audio_guide.outputs.files import atomic_path

    suffix = check_suffix(path)
    content = handout_bytes(data, suffix)
    with atomic_path(path) as tmp:
        tmp.write_bytes(content)


def picture_svg(point: Point) -> str | None:
    """The point's picture as a standalone SVG (``figures``), or None when it has none."""
    from audio_guide.figures import picture_svg as draw

    svg: str | None = draw(point)
    return svg


def picture_png(point: Point, width: int = 600) -> bytes | None:
    """The point's picture as PNG bytes ``width`` pixels wide, or None when it has none."""
    from audio_guide.figures import picture_png as draw

    png: bytes | None = draw(point, width)
    return png


def qr_svg(url: str) -> str:
    """A QR code of ``url`` as inline SVG (segno, error correction M, the standard quiet zone),
    sized by its viewBox; its title is the address."""
    import segno

    svg: str = segno.make(url, error="m").svg_inline(
        omitsize=True, title=url, svgclass="qr", lineclass=None
    )
    return svg


def qr_png(url: str, scale: int = 8) -> bytes:
    """The same QR code as PNG bytes, ``scale`` pixels a module."""
    import io

    import segno

    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="png", scale=scale, border=4)
    return out.getvalue()
