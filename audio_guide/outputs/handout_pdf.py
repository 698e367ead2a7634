"""The handout as an A4 PDF (fpdf2, pure Python): the same parts as the HTML page, laid out in
two columns of points, each with its picture (PNG) beside its text.

The text is set in DejaVu Sans, the font matplotlib ships (every accent of es/de/fr and the
dashes of the point titles), embedded as a subset. The file carries a fixed creation date, so
the same handout gives the same bytes (a batch rewrites it only when it changes).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from audio_guide.outputs.handout import Entry, Handout, picture_png, qr_png

if TYPE_CHECKING:
    from fpdf import FPDF

PAGE_W, PAGE_H, MARGIN = 210.0, 297.0, 12.0
WIDTH = PAGE_W - 2 * MARGIN
COLUMN_GAP = 8.0
COLUMN = (WIDTH - COLUMN_GAP) / 2
PICTURE = 28.0
"""Width of a point's picture, mm."""
QR = 30.0
FONT = "dejavu"
EPOCH = datetime(2000, 1, 1, tzinfo=timezone.utc)


@dataclass(frozen=True, slots=True)
class _Block:
    """One point laid out: its picture and the text lines beside it."""

    entry: Entry
    png: bytes | None
    picture_h: float
    lines: list[tuple[str, float, bool]]
    """(markdown text, font size, bold) per paragraph."""
    height: float


def handout_pdf(data: Handout) -> bytes:
    """The PDF's bytes."""
    from fpdf import FPDF

    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_auto_page_break(False)
    pdf.set_creation_date(EPOCH)
    pdf.set_lang(data.language)
    pdf.set_title(data.title)
    pdf.set_creator("audio-guide")
    folder = _font_folder()
    pdf.add_font(FONT, "", folder / "DejaVuSans.ttf")
    pdf.add_font(FONT, "B", folder / "DejaVuSans-Bold.ttf")
    pdf.add_page()
    _header(pdf, data)
    _safety(pdf, data)
    pdf.set_font(FONT, "B", 11)
    pdf.cell(WIDTH, 7, data.labels["points"], new_x="LMARGIN", new_y="NEXT")
    blocks = [_block(pdf, e, data) for e in data.entries]
    for i in range(0, len(blocks), 2):
        row = blocks[i : i + 2]
        height = max(b.height for b in row)
        if pdf.get_y() + height > PAGE_H - MARGIN:
            pdf.add_page()
        top = pdf.get_y()
        for n, block in enumerate(row):
            _draw(pdf, block, MARGIN + n * (COLUMN + COLUMN_GAP), top)
        pdf.set_y(top + height)
    return bytes(pdf.output())


def _font_folder() -> Path:
    import matplotlib

    return Path(matplotlib.get_data_path()) / "fonts" / "ttf"


def _md(text: str) -> str:
    """``text`` with fpdf2's markdown markers escaped, so it prints as written."""
    text = text.replace("\\", "\\\\")
    for marker in ("**", "__", "--", "~~"):
        text = text.replace(marker, "\\" + marker)
    return text


def _height(pdf: FPDF, width: float, text: str, size: float, bold: bool = False) -> float:
    pdf.set_font(FONT, "B" if bold else "", size)
    found = pdf.multi_cell(
        width, size * 0.45, text, markdown=True, dry_run=True, output="HEIGHT", align="L"
    )
    return float(found)  # type: ignore[arg-type]


def _header(pdf: FPDF, data: Handout) -> None:
    text_w = WIDTH - (QR + 14 if data.feed_url else 0)
    top = pdf.get_y()
    if data.feed_url:
        left = PAGE_W - MARGIN - QR - 10
        pdf.image(io.BytesIO(qr_png(data.feed_url)), x=left + 5, y=top, w=QR, alt_text="QR")
        pdf.set_xy(left, top + QR + 1)
        pdf.set_font(FONT, "", 6.5)
        pdf.multi_cell(QR + 10, 2.9, data.labels["feed"], align="C", new_x="LEFT", new_y="NEXT")
        from fpdf.enums import WrapMode

        pdf.multi_cell(QR + 10, 2.9, data.feed_url, align="C", wrapmode=WrapMode.CHAR)
        bottom = pdf.get_y()
        pdf.set_xy(MARGIN, top)
    else:
        bottom = top
    paragraphs = [(data.title, 16.0, True), (data.length, 10.0, True)]
    paragraphs += [(t, 9.0, False) for t in (data.rounds, data.description) if t]
    for text, size, bold in paragraphs:
        pdf.set_font(FONT, "B" if bold else "", size)
        pdf.multi_cell(text_w, size * 0.5, text, align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)
    pdf.set_y(max(pdf.get_y(), bottom) + 2)


def _safety(pdf: FPDF, data: Handout) -> None:
    if not data.safety:
        return
    inner = WIDTH - 8
    lines = [f"•  {line}" for line in data.safety]
    height = 8 + sum(_height(pdf, inner, _md(line), 8.5) + 0.6 for line in lines) + 2
    top = pdf.get_y()
    pdf.set_line_width(0.5)
    pdf.rect(MARGIN, top, WIDTH, height)
    pdf.set_xy(MARGIN + 4, top + 1.5)
    pdf.set_font(FONT, "B", 10.5)
    pdf.cell(inner, 5.5, data.labels["safety"], new_x="LEFT", new_y="NEXT")
    pdf.set_font(FONT, "", 8.5)
    for line in lines:
        pdf.multi_cell(inner, 8.5 * 0.45, _md(line), markdown=True, align="L", new_x="LEFT")
        pdf.set_xy(MARGIN + 4, pdf.get_y() + 0.6)
    pdf.set_xy(MARGIN, top + height + 3)


def _block(pdf: FPDF, e: Entry, data: Handout) -> _Block:
    png = picture_png(e.point)
    picture_h = 0.0
    if png is not None:
        from PIL import Image

        with Image.open(io.BytesIO(png)) as image:
            w, h = image.size
        picture_h = PICTURE * h / w
    number = f"{e.number}. " if e.number is not None else ""
    work = " · ".join(t for t in (e.work, e.sides) if t)
    lines = [(_md(number + e.heading), 9.5, True), (_md(work), 8.5, True)]
    lines.append((f"**{_md(data.labels['where'])}** {_md(e.location)}", 8.5, False))
    lines += [(f"**{_md(data.labels['cautions'])}** {_md(c)}", 8.5, False) for c in e.cautions]
    width = COLUMN - PICTURE - 3
    text_h = sum(_height(pdf, width, text, size, bold) + 0.8 for text, size, bold in lines)
    return _Block(e, png, picture_h, lines, max(picture_h, text_h) + 5)


def _draw(pdf: FPDF, block: _Block, x: float, top: float) -> None:
    pdf.set_line_width(0.2)
    pdf.set_draw_color(120)
    pdf.line(x, top, x + COLUMN, top)
    pdf.set_draw_color(0)
    y = top + 2
    if block.png is not None:
        pdf.image(io.BytesIO(block.png), x=x, y=y, w=PICTURE, alt_text=block.entry.location)
    pdf.set_xy(x + PICTURE + 3, y)
    for text, size, bold in block.lines:
        pdf.set_font(FONT, "B" if bold else "", size)
        pdf.multi_cell(
            COLUMN - PICTURE - 3,
            size * 0.45,
            text,
            markdown=True,
            align="L",
            new_x="LEFT",
            new_y="NEXT",
        )
        pdf.set_xy(x + PICTURE + 3, pdf.get_y() + 0.8)
