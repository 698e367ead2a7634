"""Region figures: line drawings in ``scripts_data/figures/*.svg`` with their named landmarks.

Each figure is an SVG file whose root says its scale (``data-cun``: drawing units per body inch,
B-cun) and, for a figure that shows both sides, its midline (``data-midline``: the x of the
posterior or anterior median line; the drawing's right half is mirrored onto the left). Its
landmarks are elements with ``data-landmark="NAME"`` and a centre (``cx``/``cy``): the spots a
person finds by touch (the lower border of a spinous process, the greater trochanter, the middle
of the knee crease ...). A point's place is resolved from these, never hand-placed.
"""

from __future__ import annotations

import functools
import math
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from audio_guide.errors import AudioGuideError
from audio_guide.model import FigurePlace
from audio_guide.words import suggest

Xy = tuple[float, float]


@dataclass(frozen=True, slots=True)
class Region:
    """One region figure: its drawing, scale and landmarks."""

    id: str
    title: str
    svg: str
    """The figure file's text."""
    width: float
    height: float
    cun: float
    """Drawing units per B-cun."""
    midline: float | None
    """The x of the median line when the figure shows both sides."""
    landmarks: dict[str, Xy]


def figures_dir() -> Path:
    """The shipped figure files."""
    return Path(str(resources.files("audio_guide.scripts_data"))) / "figures"


@functools.cache
def regions() -> dict[str, Region]:
    """Every shipped region figure, by id (the file stem)."""
    return {p.stem: _read(p) for p in sorted(figures_dir().glob("*.svg"))}


def region(figure_id: str) -> Region:
    """The region figure ``figure_id``; an unknown id is an error naming the close ones."""
    found = regions().get(figure_id)
    if found is None:
        raise AudioGuideError(
            f"unknown figure '{figure_id}'{suggest(figure_id, regions())}; "
            f"the figures are {', '.join(regions())}"
        )
    return found


def _read(path: Path) -> Region:
    text = path.read_text(encoding="utf-8")
    root = ET.fromstring(text)
    ns = "{http://www.w3.org/2000/svg}"
    _, _, width, height = (float(v) for v in root.attrib["viewBox"].split())
    title = root.findtext(f"{ns}title") or path.stem
    landmarks = {
        el.attrib["data-landmark"]: (float(el.attrib["cx"]), float(el.attrib["cy"]))
        for el in root.iter()
        if "data-landmark" in el.attrib
    }
    midline = root.attrib.get("data-midline")
    return Region(
        id=path.stem,
        title=" ".join(title.split()),
        svg=text,
        width=width,
        height=height,
        cun=float(root.attrib["data-cun"]),
        midline=float(midline) if midline is not None else None,
        landmarks=landmarks,
    )


def place_problems(place: FigurePlace) -> list[tuple[str, str]]:
    """What is wrong with a place on a region figure: (key, message) pairs, none when fine; the
    key is the ``figure:`` key at fault, empty for the place as a whole."""
    if place.region is None:
        return []
    found = regions().get(place.region)
    if found is None:
        return [("region", f"unknown figure '{place.region}'{suggest(place.region, regions())}")]
    out = []
    for key, name in (
        ("at", place.at),
        ("level", place.level),
        ("from", place.start),
        ("to", place.to),
        ("toward", place.toward),
    ):
        if name is not None and name not in found.landmarks:
            out.append(
                (
                    key,
                    f"figure '{found.id}' has no landmark '{name}'{suggest(name, found.landmarks)}",
                )
            )
    bases = [
        k
        for k, v in (("at", place.at), ("level", place.level), ("from", place.start))
        if v is not None
    ]
    if len(bases) != 1:
        out.append(("", "give exactly one of 'at', 'level' or 'from' (with 'to')"))
    if (place.start is None) != (place.to is None):
        out.append(("", "'from' and 'to' go together"))
    if place.level is not None and found.midline is None:
        out.append(("level", f"figure '{found.id}' has no midline; use 'at' or 'from'"))
    if place.lateral and found.midline is None:
        out.append(("lateral", f"figure '{found.id}' has no midline; use 'dx'"))
    if (place.toward is None) != (not place.cun):
        out.append(("toward", "'toward' and 'cun' go together"))
    return out


def resolve(place: FigurePlace) -> Xy:
    """The place's coordinates on its figure (the right side of a figure with a midline)."""
    fig = region(place.region or "")
    marks = fig.landmarks
    if place.at is not None:
        x, y = marks[place.at]
    elif place.level is not None:
        x, y = fig.midline or 0.0, marks[place.level][1]
    else:
        (x0, y0), (x1, y1) = marks[place.start or ""], marks[place.to or ""]
        x, y = x0 + place.fraction * (x1 - x0), y0 + place.fraction * (y1 - y0)
    x += place.lateral * fig.cun
    if place.toward is not None:
        tx, ty = marks[place.toward]
        length = math.hypot(tx - x, ty - y) or 1.0
        x += (tx - x) / length * place.cun * fig.cun
        y += (ty - y) / length * place.cun * fig.cun
    return x + place.dx * fig.cun, y + place.dy * fig.cun


def marks_of(place: FigurePlace, bilateral: bool) -> list[Xy]:
    """Where the marks go: the place, and its mirror image for a paired point on a figure that
    shows both sides."""
    fig = region(place.region or "")
    x, y = resolve(place)
    if bilateral and fig.midline is not None and abs(x - fig.midline) > 1e-6:
        return [(x, y), (2 * fig.midline - x, y)]
    return [(x, y)]


def place_from_click(figure_id: str, x: float, y: float) -> dict[str, object]:
    """The ``figure:`` value for a click at figure coordinates ``x``, ``y``: the nearest landmark
    and the offset from it in B-cun (a click on the mirrored half counts for the right side)."""
    fig = region(figure_id)
    if fig.midline is not None and x < fig.midline:
        x = 2 * fig.midline - x
    name, (lx, ly) = min(
        fig.landmarks.items(), key=lambda kv: math.hypot(kv[1][0] - x, kv[1][1] - y)
    )
    out: dict[str, object] = {"region": figure_id, "at": name}
    dx, dy = round((x - lx) / fig.cun, 2), round((y - ly) / fig.cun, 2)
    if dx:
        out["dx"] = dx
    if dy:
        out["dy"] = dy
    return out
