"""Readable text for a terminal: the timeline as a table, the effective settings with sources."""

from __future__ import annotations

from collections.abc import Mapping

from audio_guide.settings import Settings
from audio_guide.timeline import Timeline
from audio_guide.words import fmt


def fmt_time(seconds: float) -> str:
    """``m:ss.mmm``."""
    ms = round(seconds * 1000)
    return f"{ms // 60000}:{ms // 1000 % 60:02d}.{ms % 1000:03d}"


def format_table(timeline: Timeline) -> str:
    """The timeline as a readable table."""
    lines = [
        f"{timeline.title} — {fmt_time(timeline.duration)}, "
        f"{len(timeline.events)} sounds, {len(timeline.holds)} holds",
        "",
    ]
    lines.append(
        f"{'start':>10} {'end':>10}  {'kind':<6} {'role':<8} {'point':<5} {'side':<5} text"
    )
    for e in timeline.events:
        lines.append(
            f"{fmt_time(e.start):>10} {fmt_time(e.end):>10}  {e.kind.value:<6} "
            f"{e.role.value:<8} {e.point or '':<5} {e.side.value if e.side else '':<5} "
            f"{e.text}" + (f"  [{e.filled}]" if e.filled else "")
        )
    lines += ["", "holds:"]
    lines += [
        f"{fmt_time(h.start):>10} {fmt_time(h.end):>10}  {h.point:<5} {h.side.value:<5} "
        f"{h.seconds:g} s" + (f"  {h.phase}" if h.phase else "")
        for h in timeline.holds
    ]
    lines += ["", "chapters:"]
    lines += [
        f"{fmt_time(c.start):>10} {fmt_time(c.end):>10}  {c.title}" for c in timeline.chapters
    ]
    filled = sum(1 for e in timeline.events if e.filled)
    if filled:
        lines += [
            "",
            f"{filled} sounds marked [ENGINE] are not in the voice pack "
            f"{timeline.settings.get('pack', '')!r}: the fill engine spoke them",
        ]
    if timeline.skipped_counts:
        lines += ["", *count_warnings(timeline)]
    return "\n".join(lines)


def count_warnings(timeline: Timeline) -> list[str]:
    """One ``FILE:LINE:COL: warning: ...`` line per clock counted more sparsely, and a line for
    any other count left out (none is expected: the fitting stage makes every count fit)."""
    lines = [
        f"{t.step}: warning: {t.point} ({t.side.value}): counting every {t.every} seconds, "
        f"{t.dropped} counts left out: '{t.cause}' does not fit its second at this voice and "
        "rate, even sped up as far as it stays clear; raise the rate, shorten it, or use "
        "--count every:2 (or --repetitions off, if it says which repetition this is)"
        for t in timeline.thinned
    ]
    other = timeline.skipped_counts - sum(t.dropped for t in timeline.thinned)
    if other:
        lines.append(
            f"warning: {other} spoken counts left out: they would not fit between their "
            "neighbours at this voice and rate"
        )
    return lines


def format_settings(
    settings: Settings, origins: Mapping[str, str], resolved: Mapping[str, str] | None = None
) -> str:
    """Each effective setting, its value and where it came from (flag, profile, routine...)."""

    def show(value: object) -> str:
        return fmt(value) if isinstance(value, float) else str(value)

    rows: list[tuple[str, str, str]] = []
    for name, value in settings.as_dict().items():
        if isinstance(value, dict):
            for pid, v in value.items():
                rows.append((f"{name}.{pid}", show(v), origins.get(f"{name}.{pid}", "?")))
            continue
        shown = show(value)
        if resolved and name in resolved:
            shown += f" ({resolved[name]})"
        rows.append((name, shown, origins.get(name, "?")))
    width = max(len(r[0]) for r in rows)
    vwidth = max(len(r[1]) for r in rows)
    return "\n".join(f"{n:<{width}}  {v:<{vwidth}}  {o}" for n, v, o in rows)
