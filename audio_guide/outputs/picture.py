"""A picture of a routine on a time axis (matplotlib, drawn off-screen).

Steps are labelled bands, holds are bars with their seconds, spoken counts are ticks, chimes
are marks, and the total length is written at the end. SVG keeps its text as text. Its words
come from the phrase table (``picture_*`` keys) the timeline was compiled with, so the picture
is in the routine's language.
"""

from __future__ import annotations

import hashlib
import io
import threading
from pathlib import Path

from audio_guide.errors import UsageError
from audio_guide.outputs.files import atomic_path
from audio_guide.outputs.report import fmt_time
from audio_guide.outputs.tags import phrase_table
from audio_guide.timeline import EventKind, Role, Side, Timeline

FORMATS = (".svg", ".png")
_ROWS = {"speech": 3.0, "holds": 2.0, "counts": 1.0, "chimes": 0.0}
"""Row positions by the phrase key suffix of their labels (``picture_speech`` ...)."""
_SIDE_COLOURS = {Side.LEFT: "#4c78a8", Side.RIGHT: "#f58518", Side.BOTH: "#54a24b"}


def draw(timeline: Timeline, path: Path) -> None:
    """Draw ``timeline`` to ``path`` (``.svg`` or ``.png``), written atomically."""
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise UsageError(f"--picture: cannot draw '{path.name}'; use a .svg or .png name")
    with atomic_path(path) as tmp:
        tmp.write_bytes(picture_bytes(timeline, suffix[1:]))


def picture_bytes(timeline: Timeline, fmt: str = "svg") -> bytes:
    """The picture of ``timeline`` as ``svg`` or ``png`` bytes (thread-safe).

    The last ``KEEP`` pictures are kept, keyed by a digest of the whole timeline (its repr: every
    field, the phrases and language its words come from included): the studio asks for a plan,
    picture included, after each change and language switch, and most of those plans come back
    to a timeline it has drawn before (27 of 42 in the browser tests). Drawing one takes ~0.16 s
    of CPU for back_pain; the digest ~2 ms.
    """
    key = (hashlib.blake2b(repr(timeline).encode(), digest_size=16).digest(), fmt)
    with _LOCK:
        made = _KEPT.pop(key, None)
        if made is None:
            made = _render(timeline, fmt)
        _KEPT[key] = made
        while len(_KEPT) > KEEP:
            _KEPT.pop(next(iter(_KEPT)))
        return made


KEEP = 8
"""Pictures kept (a back_pain SVG is ~100 KB)."""
_KEPT: dict[tuple[bytes, str], bytes] = {}
"""The last pictures drawn, oldest first."""
_LOCK = threading.Lock()
"""matplotlib's rc settings are process-wide: one picture at a time (and one hand on _KEPT)."""


def _render(timeline: Timeline, fmt: str) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

    words = phrase_table(timeline)
    minutes = timeline.duration / 60
    with matplotlib.rc_context({"svg.fonttype": "none", "font.size": 9}):
        fig = Figure(figsize=(max(10.0, min(40.0, minutes * 1.4)), 5.2), layout="constrained")
        ax = fig.add_subplot()
        _bands(ax, timeline)
        _sounds(ax, timeline)
        _holds(ax, timeline)
        ax.set_xlim(0, minutes)
        ax.set_ylim(-0.6, 6.9)
        ax.set_yticks(list(_ROWS.values()), [words[f"picture_{row}"] for row in _ROWS])
        ax.set_xlabel(words["picture_minutes"])
        ax.set_title(f"{timeline.title} — {fmt_time(timeline.duration)}", loc="left")
        ax.annotate(
            words["picture_end"].format(time=fmt_time(timeline.duration)),
            (minutes, -0.5),
            ha="right",
            va="bottom",
            fontsize=9,
            fontweight="bold",
        )
        sides = {h.side for h in timeline.holds}
        ax.legend(
            handles=[
                Patch(color=_SIDE_COLOURS[s], label=words[f"picture_hold_{s.value}"])
                for s in Side
                if s in sides
            ],
            loc="upper right",
            bbox_to_anchor=(1.0, -0.08),
            ncols=3,
            frameon=False,
            fontsize=8,
        )
        for spine in ("top", "right"):
            ax.spines[spine].set_visible(False)
        buffer = io.BytesIO()
        fig.savefig(buffer, format=fmt, dpi=110)
        return buffer.getvalue()


def _bands(ax, timeline: Timeline) -> None:  # type: ignore[no-untyped-def]
    for i, chapter in enumerate(timeline.chapters):
        x0, x1 = chapter.start / 60, chapter.end / 60
        ax.axvspan(x0, x1, color="#eef2f7" if i % 2 else "#f8f8f8", zorder=0)
        ax.text(
            (x0 + x1) / 2,
            6.8,
            chapter.title,
            rotation=90 if (x1 - x0) < 1.2 else 0,
            ha="center",
            va="top",
            fontsize=8,
            clip_on=True,
        )


def _sounds(ax, timeline: Timeline) -> None:  # type: ignore[no-untyped-def]
    speech = [
        (e.start / 60, (e.end - e.start) / 60)
        for e in timeline.events
        if e.kind is EventKind.SPEECH and e.role is not Role.COUNT
    ]
    ax.broken_barh(speech, (_ROWS["speech"] - 0.25, 0.5), color="#9aa5b1")
    counts = [e.start / 60 for e in timeline.events if e.role is Role.COUNT]
    ax.vlines(counts, _ROWS["counts"] - 0.3, _ROWS["counts"] + 0.3, color="#333", lw=0.6)
    chimes = [e for e in timeline.events if e.kind is EventKind.CHIME]
    for roles, marker in (
        ((Role.PRESS, Role.PHASE), "v"),
        ((Role.RELEASE,), "^"),
        ((Role.TICK,), "|"),
    ):
        xs = [e.start / 60 for e in chimes if e.role in roles]
        if xs:
            ax.plot(xs, [_ROWS["chimes"]] * len(xs), marker, color="#b279a2", ms=6, ls="none")


def _holds(ax, timeline: Timeline) -> None:  # type: ignore[no-untyped-def]
    for hold in timeline.holds:
        x0, width = hold.start / 60, (hold.end - hold.start) / 60
        edge = {"edgecolor": "white", "linewidth": 1.0} if hold.phase else {}
        ax.broken_barh(
            [(x0, width)], (_ROWS["holds"] - 0.3, 0.6), color=_SIDE_COLOURS[hold.side], **edge
        )
        ax.text(
            x0 + width / 2, _ROWS["holds"] + 0.38, f"{hold.seconds:g} s", ha="center", fontsize=7
        )
