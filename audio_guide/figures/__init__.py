"""Pictures of the points: each point marked on a line drawing of its body region.

A point's ``figure:`` names a region figure (``scripts_data/figures/REGION.svg``) and a place in
that figure's landmarks and body inches, taken from the point's WHO 2008 definition, so the
picture and the spoken location agree by construction; or an image file beside the point file.

Public API: :func:`picture_svg`, :func:`picture_png`, :func:`figure_of`, :func:`region_figures`,
:func:`region_svg`, :func:`place_from_click`.
"""

from __future__ import annotations

from pathlib import Path

from audio_guide.figures.regions import marks_of, place_from_click, region, regions
from audio_guide.figures.render import image_svg, marked, to_png
from audio_guide.model import Point

__all__ = [
    "figure_of",
    "picture_png",
    "picture_svg",
    "place_from_click",
    "region_figures",
    "region_svg",
]


def figure_of(point: Point) -> str | None:
    """The id of the point's region figure (``lower_back``), ``image`` for an own image file,
    None when it has no picture."""
    if point.figure is None:
        return None
    return point.figure.region if point.figure.image is None else "image"


def _title(point: Point) -> str:
    return f"{point.name}: {point.title}" if point.title else point.name


def picture_svg(point: Point) -> str | None:
    """The point's picture as a standalone SVG document (its name as the title, its location
    text as the description); None when the point has no figure."""
    place = point.figure
    if place is None:
        return None
    if place.image is not None:
        return image_svg(Path(place.image), _title(point), point.location)
    fig = region(place.region or "")
    return marked(fig, marks_of(place, point.bilateral), point.name, _title(point), point.location)


def picture_png(point: Point, width: int = 600) -> bytes | None:
    """The point's picture as PNG bytes, ``width`` pixels wide; None when it has no figure."""
    svg = picture_svg(point)
    return None if svg is None else to_png(svg, width)


def region_figures() -> list[str]:
    """The ids of the shipped region figures."""
    return list(regions())


def region_svg(figure_id: str) -> str:
    """A blank region figure with its landmarks (for placing an own point by clicking)."""
    return region(figure_id).svg
