"""The handout as one self-contained HTML page with a print stylesheet (A4, two pages at most
for the shipped routines): pictures and the QR code are inside the file, nothing is loaded
from elsewhere, so it prints, mails and opens from disk as it is."""

from __future__ import annotations

import base64
import html
import string
from importlib import resources

from audio_guide.outputs.handout import Entry, Handout, picture_svg, qr_svg


def handout_html(data: Handout) -> str:
    """The page (see the module docstring); its words are the handout's, in its language."""
    q = html.escape
    template = resources.files("audio_guide.outputs").joinpath("handout.html")
    safety = ""
    if data.safety:
        lines = "\n".join(f"<li>{q(line)}</li>" for line in data.safety)
        safety = (
            '<section class="safety" aria-labelledby="safety-h">\n'
            f'<h2 id="safety-h">{q(data.labels["safety"])}</h2>\n<ul>\n{lines}\n</ul>\n</section>'
        )
    return string.Template(template.read_text(encoding="utf-8")).substitute(
        language=q(data.language),
        title=q(data.title),
        length=q(data.length),
        rounds=f"<p>{q(data.rounds)}</p>\n" if data.rounds else "",
        description=f'<p class="description">{q(data.description)}</p>\n'
        if data.description
        else "",
        feed=_feed(data),
        safety=safety,
        points_label=q(data.labels["points"]),
        entries="\n".join(_entry(e, data) for e in data.entries),
    )


def _feed(data: Handout) -> str:
    if not data.feed_url:
        return ""
    q = html.escape
    return (
        f'<aside class="feed">{qr_svg(data.feed_url)}\n<p>{q(data.labels["feed"])}</p>\n'
        f'<p class="url">{q(data.feed_url)}</p></aside>\n'
    )


def _entry(e: Entry, data: Handout) -> str:
    q = html.escape
    svg = picture_svg(e.point)
    picture = (
        f'<img src="data:image/svg+xml;base64,{base64.b64encode(svg.encode()).decode()}" '
        f'alt="{q(e.heading)}">'
        if svg
        else "<div></div>"
    )
    number = f"{e.number}. " if e.number is not None else ""
    work = " · ".join(q(t) for t in (e.work, e.sides) if t)
    cautions = "".join(
        f'<p class="caution"><span class="label">{q(data.labels["cautions"])}</span> {q(c)}</p>'
        for c in e.cautions
    )
    return (
        f'<li class="point">{picture}<div>\n<h3>{q(number + e.heading)}</h3>\n'
        f'<p class="work">{work}</p>\n'
        f'<p class="where"><span class="label">{q(data.labels["where"])}</span> '
        f"{q(e.location)}</p>\n{cautions}</div></li>"
    )
