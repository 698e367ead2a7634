"""Captions beside the MP3: WebVTT (one cue per spoken line) and LRC (timed lyric lines)."""

from __future__ import annotations

from collections.abc import Callable

from audio_guide.timeline import Event, EventKind, Timeline

FORMATS = ("vtt", "lrc")


def spoken(timeline: Timeline) -> list[Event]:
    """The speech events, in time order."""
    return sorted((e for e in timeline.events if e.kind is EventKind.SPEECH), key=lambda e: e.start)


def _vtt_time(seconds: float) -> str:
    ms = round(seconds * 1000)
    return f"{ms // 3600000:02d}:{ms // 60000 % 60:02d}:{ms // 1000 % 60:02d}.{ms % 1000:03d}"


def vtt(timeline: Timeline) -> str:
    """A WebVTT document with one cue per spoken line."""
    import webvtt

    doc = webvtt.WebVTT(
        captions=[
            webvtt.Caption(_vtt_time(e.start), _vtt_time(e.end), cue_text(e.text))
            for e in spoken(timeline)
        ]
    )
    return str(doc.content)


def cue_text(text: str) -> str:
    """``text`` as WebVTT cue text: '&', '<' and '>' escaped, so a '<b>' or '-->' in a routine
    is shown as written, never read as markup or the end of a cue."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def lrc(timeline: Timeline) -> str:
    """LRC lyrics: ``[mm:ss.xx]line`` per spoken line (centiseconds, rounded down).

    Rounding down means a line is never shown after it is heard.
    """
    head = [f"[ti:{timeline.title}]", f"[ar:{timeline.artist}]", f"[al:{timeline.album}]"]
    lines = []
    for e in spoken(timeline):
        cs = int(e.start * 100 + 1e-6)
        lines.append(f"[{cs // 6000:02d}:{cs // 100 % 60:02d}.{cs % 100:02d}]{e.text}")
    return "\n".join(head + lines) + "\n"


WRITERS: dict[str, Callable[[Timeline], str]] = {"vtt": vtt, "lrc": lrc}
