"""The fitting stage: every spoken cue of a clock fits its slot, so no count is dropped.

It runs between synthesis and scheduling and never moves the clock. A cue's *slot* is the time
from its onset to the next spoken cue of the same clock, less the scheduler's gap
(``schedule.MIN_GAP``): a count every second has ``COUNT_SLOT`` (0.92 s). In order:

1. **Count rate.** Counts are spoken at a rate of their own, ``count_rate``: the engine's
   measured rate at which the longest count (up to 59) fills at most 95 % of a 0.92 s slot
   (``count_rates`` tables in ``sound/engines/``, from ``benchmarks/count_rates.py``), scaled to
   the build's tightest count slot, and never slower than the sentences. A count still too long
   (a voice that differs from the measured one) is said faster again, up to ``MAX_RATE``. A
   press or phase cue that would run into the first count is said at the count rate, or at
   most 1.4x the sentence rate when that is faster (``cue_rate_limit``).
2. **Time-scale modification.** What is still too long (an engine that cannot change its rate,
   such as given clips; a count at ``MAX_RATE``; a long cue) is shortened by ``sound.fit`` by
   the smallest factor that fits: a count by at most ``sound.fit.MAX_SPEEDUP`` (1.4x), a cue so
   that it is at most 1.4x faster than the count or sentence rate in all.
3. **Sparser counting.** Only beyond that, the counts of that clock are kept on every 2nd
   second (decided here, at plan time); each such clock is returned as a ``Thinned`` record
   (its step's ``FILE:LINE:COL``) for the warning and the timeline.

Fitted clips replace the bank's clips for their text (one clip per text and build: the tightest
slot decides) and are cached like any other clip. ``annotate`` records on each event the rate
(when not the sentence rate) and the speed-up (when stretched) it was made with.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace

from audio_guide.authoring.items import Clock, Cue, Script
from audio_guide.schedule import MIN_GAP
from audio_guide.sound import fit as tsm
from audio_guide.sound.engines import Samples, SpeechEngine, VoiceParams, count_rate_for
from audio_guide.sound.synth import ClipBank, ClipCache
from audio_guide.timeline import EventKind, Role, Thinned, Timeline

COUNT_SLOT = 1.0 - MIN_GAP
"""Seconds a count may sound when counts are one second apart."""
MAX_RATE = 400
"""The fastest count rate (the fastest rate the settings accept)."""
DURATION_EXPONENT = 0.7
"""A clip's length goes as rate ** -EXPONENT or faster: measured on counts at 80 and 160 wpm
(``benchmarks/count_rates.py``), espeak-ng's German 0.68, English 0.96, Piper Joe about 1.1;
the smallest (the surest guess of the rate that fits) is used to pick a faster rate."""
FASTER_TRIES = 3
"""Rates tried, each faster, for a clip still longer than its slot before it is stretched."""

Speak = Callable[[list[str], int], ClipBank]
"""Synthesize (cached) these texts at this rate, with the build's engine and voice."""


@dataclass(frozen=True, slots=True)
class Fit:
    """How the clip of a text was made to fit: a rate other than the sentence rate, a speed-up."""

    rate: int | None = None
    speedup: float | None = None


@dataclass
class Fitting:
    """The script (with any thinned clocks), and how each fitted text was made."""

    script: Script
    fits: dict[str, Fit] = field(default_factory=dict)
    thinned: list[Thinned] = field(default_factory=list)


def _spoken(cue: Cue) -> str:
    return cue.spoken or cue.text


def _clocks(script: Script) -> Iterable[Clock]:
    return (item for item in script.items if isinstance(item, Clock))


def slots(script: Script) -> dict[str, float]:
    """The tightest slot, in seconds, of each spoken clock cue (by spoken text) that is a count
    or is followed by one: the cues fitted here. A press cue followed by its release is left
    to the scheduler (a hold shorter than its cue is an error, not something to speed up)."""
    out: dict[str, float] = {}
    for clock in _clocks(script):
        speech = sorted((c for c in clock.cues if c.kind is EventKind.SPEECH), key=lambda c: c.at)
        for i, cue in enumerate(speech):
            j = i + 1  # the first cue after this one (sorted: none before i comes later)
            while j < len(speech) and speech[j].at <= cue.at + 1e-9:
                j += 1
            nxt = speech[j] if j < len(speech) else None
            if nxt is None or Role.COUNT not in (cue.role, nxt.role):
                continue
            slot = nxt.at - cue.at - MIN_GAP
            text = _spoken(cue)
            out[text] = min(out.get(text, slot), slot)
    return out


def count_texts(script: Script) -> list[str]:
    """The spoken texts of every count, in first-use order."""
    seen: dict[str, None] = {}
    for clock in _clocks(script):
        for cue in clock.cues:
            if cue.role is Role.COUNT:
                seen.setdefault(_spoken(cue))
    return list(seen)


def count_rate(engine: SpeechEngine, language: str, rate: int, script: Script) -> int:
    """The rate the build's counts are spoken at: the engine's count rate for ``language``,
    scaled to the tightest count slot, never below ``rate``; ``rate`` itself when the engine
    cannot change its rate or nothing is counted."""
    floor = count_rate_for(engine, language)
    counts = set(count_texts(script))
    tight = [s for t, s in slots(script).items() if t in counts]
    if floor is None or not tight:
        return rate
    needed = math.ceil(floor * COUNT_SLOT / max(min(tight), 0.05) / 5) * 5
    return max(rate, min(needed, MAX_RATE))


def fit_script(
    script: Script,
    clips: ClipBank,
    engine: SpeechEngine,
    params: VoiceParams,
    cache: ClipCache,
    counts_at: int,
    speak: Speak,
    ready: Callable[[Samples], None] | None = None,
) -> Fitting:
    """Fit every spoken clock cue of ``script`` into its slot (see the module's docstring).

    ``clips`` holds every clip, counts made at ``counts_at``; fitted clips replace their
    entries. ``speak`` makes clips at another rate (cues that must go faster); ``ready`` is
    called with every new clip.
    """
    out = Fitting(script)
    takes_rate = count_rate_for(engine, "en") is not None
    counts = set(count_texts(script))
    if counts_at != params.rate:
        out.fits.update({t: Fit(rate=counts_at) for t in counts})
    for _ in range(2):
        over = _fit_pass(out, clips, engine, params, cache, counts_at, speak, ready, takes_rate)
        if not over:
            break
        out.script, thinned = thin(out.script, over)
        if not thinned:
            break
        out.thinned += thinned
    return out


def _fit_pass(
    out: Fitting,
    clips: ClipBank,
    engine: SpeechEngine,
    params: VoiceParams,
    cache: ClipCache,
    counts_at: int,
    speak: Speak,
    ready: Callable[[Samples], None] | None,
    takes_rate: bool,
) -> set[str]:
    """One pass over the slots; returns the texts that do not fit even sped up to the limit."""
    sr = clips.sample_rate
    table = {t: round(s * sr) for t, s in slots(out.script).items()}
    counts = set(count_texts(out.script))
    for _ in range(FASTER_TRIES if takes_rate else 0):
        if not _faster(out, clips, table, params.rate, counts_at, counts, speak, ready):
            break
    over: set[str] = set()
    for text, slot in table.items():
        clip = clips.get(EventKind.SPEECH, text)
        if len(clip) <= slot:
            continue
        made = out.fits.get(text, Fit())
        at = replace(params, rate=made.rate or params.rate)
        limit = tsm.MAX_SPEEDUP
        if text not in counts:  # a cue: at most 1.4x faster than the count or sentence rate
            limit = tsm.MAX_SPEEDUP * max(counts_at, params.rate) / at.rate
        fitted = tsm.fit_cached(clip, slot, sr, cache, cache.key(engine, at, text), limit)
        if fitted is None:
            over.add(text)
            continue
        clips.clips[(EventKind.SPEECH, text)] = fitted.samples
        out.fits[text] = Fit(made.rate, fitted.speedup)
        if ready:
            ready(fitted.samples)
    return over


def _faster(
    out: Fitting,
    clips: ClipBank,
    table: dict[str, int],
    rate: int,
    counts_at: int,
    counts: set[str],
    speak: Speak,
    ready: Callable[[Samples], None] | None,
) -> bool:
    """Speak each clip still longer than its slot faster: a cue first at the count rate, then
    (and a count beyond the count rate, for a voice that differs from the measured one) at the
    rate its length says should fit; False when none is left that the engine can speed up."""
    todo: dict[int, list[str]] = {}
    for text, slot in table.items():
        n = len(clips.get(EventKind.SPEECH, text))
        now = out.fits.get(text, Fit()).rate or rate
        top = MAX_RATE if text in counts else cue_rate_limit(rate, counts_at)
        if n <= slot or now >= top:
            continue
        guess = math.ceil(now * (n / slot) ** (1 / DURATION_EXPONENT) / 5) * 5
        faster = counts_at if now < counts_at else min(top, max(guess, now + 5))
        todo.setdefault(faster, []).append(text)
    for faster, texts in todo.items():
        bank = speak(texts, faster)
        for text in texts:
            clips.clips[(EventKind.SPEECH, text)] = bank.get(EventKind.SPEECH, text)
            out.fits[text] = Fit(rate=faster)
            if ready:
                ready(bank.get(EventKind.SPEECH, text))
    return bool(todo)


def cue_rate_limit(rate: int, counts_at: int) -> int:
    """The fastest a cue before a count is said: the count rate, or 1.4x (``fit.MAX_SPEEDUP``)
    the sentence rate when that is faster (numbers may go faster: they are short and few)."""
    return max(counts_at, min(MAX_RATE, math.floor(rate * tsm.MAX_SPEEDUP / 5) * 5))


def thin(script: Script, over: set[str]) -> tuple[Script, list[Thinned]]:
    """Count every 2nd second in each clock where a text of ``over`` is spoken: in each run
    of counts one second apart, the 1st, 3rd, ... are dropped (so 2, 4, 6 ... remain)."""
    items = list(script.items)
    thinned: list[Thinned] = []
    for i, item in enumerate(items):
        if not isinstance(item, Clock) or not any(_spoken(c) in over for c in item.cues):
            continue
        counts = sorted((c for c in item.cues if c.role is Role.COUNT), key=lambda c: c.at)
        runs: list[list[Cue]] = []
        for cue in counts:
            if runs and abs(cue.at - runs[-1][-1].at - 1.0) < 1e-9:
                runs[-1].append(cue)
            else:
                runs.append([cue])
        drop = {id(c) for run in runs if len(run) > 1 for c in run[::2]}
        if not drop:
            continue
        cues = tuple(c for c in item.cues if id(c) not in drop)
        items[i] = replace(item, cues=cues)
        cause = next(
            _spoken(c) for c in sorted(item.cues, key=lambda c: c.at) if _spoken(c) in over
        )
        thinned.append(Thinned(str(item.origin), item.point, item.side, 2, len(drop), cause))
    return replace(script, items=tuple(items)), thinned


def annotate(timeline: Timeline, fitting: Fitting) -> Timeline:
    """``timeline`` with each fitted event's rate and speed-up, the thinned clocks, and their
    dropped counts added to ``skipped_counts``."""
    events = tuple(
        replace(e, rate=f.rate, speedup=f.speedup)
        if e.kind is EventKind.SPEECH and (f := fitting.fits.get(e.voiced)) is not None
        else e
        for e in timeline.events
    )
    dropped = sum(t.dropped for t in fitting.thinned)
    return replace(
        timeline,
        events=events,
        thinned=tuple(fitting.thinned),
        skipped_counts=timeline.skipped_counts + dropped,
    )
