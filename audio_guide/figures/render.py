"""Draw a point's marks on its region figure (SVG), and turn SVG into PNG.

PNG comes from resvg (the ``resvg-py`` wheel, MIT; resvg itself is Apache-2.0/MIT): no system
package, and with the DejaVu fonts that matplotlib ships given explicitly (system fonts skipped)
the same pixels on every machine.
"""

from __future__ import annotations

import base64
import io
import os
import re
from functools import lru_cache
from pathlib import Path
from xml.sax.saxutils import escape

from audio_guide.errors import AudioGuideError
from audio_guide.figures.regions import Region, Xy
from audio_guide.words import fmt

_HEAD = re.compile(r"<title>.*?</title>\s*(<desc>.*?</desc>)?", re.S)
_MARK_R = 11.0
_FONT = 24


def _label(x: float, y: float, text: str, width: float, mirrored: bool) -> str:
    wide = _MARK_R + 6 + 0.66 * _FONT * len(text)  # DejaVu Sans Bold is about 0.66 em a letter
    left = x + wide > width if not mirrored else x - wide >= 0
    tx = x - _MARK_R - 6 if left else x + _MARK_R + 6
    anchor = "end" if left else "start"
    return (
        f'<text x="{tx:.1f}" y="{y + _FONT * 0.35:.1f}" text-anchor="{anchor}" '
        f'font-family="DejaVu Sans" font-weight="bold" font-size="{_FONT}" fill="#000" '
        f'stroke="#fff" stroke-width="6" stroke-linejoin="round" paint-order="stroke">'
        f"{escape(text)}</text>"
    )


def _mark(x: float, y: float) -> str:
    # a white ring with a black edge and a dark centre: a shape, not only a colour
    return (
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{_MARK_R}" fill="#fff" stroke="#000" '
        f'stroke-width="4"/>'
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4.5" fill="#b00020"/>'
    )


def head(title: str, desc: str) -> str:
    """The accessible title and description elements."""
    return f"<title>{escape(title)}</title><desc>{escape(desc)}</desc>"


def with_head(svg: str, title: str, desc: str) -> str:
    """The figure with its title and description replaced (or added)."""
    if _HEAD.search(svg):
        return _HEAD.sub(lambda _: head(title, desc), svg, count=1)
    return re.sub(r"(<svg[^>]*>)", lambda m: m.group(1) + head(title, desc), svg, count=1)


def marked(fig: Region, marks: list[Xy], label: str, title: str, desc: str) -> str:
    """The figure with the point's marks and code drawn on it."""
    svg = with_head(fig.svg, title, desc)
    parts = []
    for i, (x, y) in enumerate(marks):
        parts.append(_mark(x, y))
        if i == 0 or len(marks) == 1:
            parts.append(_label(x, y, label, fig.width, mirrored=False))
        else:
            parts.append(_label(x, y, label, fig.width, mirrored=True))
    group = f'<g id="point-marks" role="img" aria-label="{escape(label)}">{"".join(parts)}</g>'
    return svg.replace("</svg>", group + "</svg>")


def image_svg(path: Path, title: str, desc: str) -> str:
    """An image file (SVG, PNG or JPEG) wrapped as a standalone SVG with title and description."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise AudioGuideError(
            f"cannot read the picture {path} ({exc.strerror or exc}); put the image back "
            "beside its point file or change the point's figure:"
        ) from exc
    kind = {
        ".svg": "image/svg+xml",
        ".png": "image/png",
        ".jpg": "image/jpeg",
        ".jpeg": "image/jpeg",
    }[path.suffix.lower()]
    width, height = (fmt(v) for v in _size(data, kind))
    href = f"data:{kind};base64,{base64.b64encode(data).decode('ascii')}"
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}">'
        f"{head(title, desc)}"
        f'<image href="{href}" x="0" y="0" width="{width}" height="{height}"/></svg>'
    )


def _size(data: bytes, kind: str) -> tuple[float, float]:
    if kind == "image/svg+xml":
        found = re.search(rb'viewBox="\s*[-\d.]+\s+[-\d.]+\s+([\d.]+)\s+([\d.]+)', data)
        return (float(found.group(1)), float(found.group(2))) if found else (400.0, 400.0)
    from PIL import Image  # Pillow comes with matplotlib

    try:
        with Image.open(io.BytesIO(data)) as image:
            return float(image.width), float(image.height)
    except (OSError, ValueError) as exc:
        raise AudioGuideError(f"the picture is not a readable {kind} image ({exc})") from exc


def _fonts() -> list[str]:
    """matplotlib's DejaVu Sans files, found without importing matplotlib (the import alone
    costs ~34 MB, which a build that draws chapter art would carry to its peak)."""
    import importlib.util

    spec = importlib.util.find_spec("matplotlib")
    if spec is None or spec.origin is None:
        raise AudioGuideError("matplotlib (a dependency) is missing: reinstall audio-guide")
    folder = Path(spec.origin).parent / "mpl-data" / "fonts" / "ttf"
    return [str(folder / "DejaVuSans.ttf"), str(folder / "DejaVuSans-Bold.ttf")]


@lru_cache(maxsize=1)
def renderer() -> str:
    """What a PNG's bytes depend on besides its SVG and width: resvg-py's version and the font
    files (name, size, modification time). Part of the name a built picture is kept under."""
    import resvg_py

    fonts = []
    for font in _fonts():
        info = os.stat(font)
        fonts.append(f"{Path(font).name}:{info.st_size}:{info.st_mtime_ns}")
    return ";".join([f"resvg-py {getattr(resvg_py, '__version__', '?')}", *fonts])


@lru_cache(maxsize=64)
def to_png(svg: str, width: int) -> bytes:
    """Render ``svg`` to PNG bytes ``width`` pixels wide, on white.

    The last 64 pictures are kept: resvg draws the same picture to the same bytes, and a
    process that builds more than once (the studio, ``batch``, the handout after the chapter
    art) asks for the same points again. back_pain's 8 chapter pictures take 0.26 s to draw
    and are about 0.2 MB as PNG.
    """
    import resvg_py

    return bytes(
        resvg_py.svg_to_bytes(
            svg_string=svg,
            width=width,
            background="#ffffff",
            skip_system_fonts=True,
            font_files=_fonts(),
            font_family="DejaVu Sans",
            sans_serif_family="DejaVu Sans",
        )
    )
