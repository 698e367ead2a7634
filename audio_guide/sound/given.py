"""Clips for an engine whose clips are given (a voice pack): every one read, none synthesized.

Everything the script needs is checked before anything is read or mixed: a missing utterance is
refused (``MissingClips``, exit 2, the list capped like other problem lists and how to record
it), unless a *fill* engine is given, which speaks the missing ones (through the usual cache),
levelled like the takes and at the pack's sample rate; their texts are returned so the timeline
and ``plan`` can mark them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

import numpy as np

from audio_guide.errors import MAX_SHOWN, UsageError
from audio_guide.sound.engines import Samples, SpeechEngine, VoiceParams
from audio_guide.sound.engines.recorded import RecordedEngine
from audio_guide.sound.packs import Pack
from audio_guide.sound.synth import ClipBank, ClipCache, trim
from audio_guide.timeline import EventKind, Timeline


class MissingClips(UsageError):
    """Utterances the pack lacks and no fill engine speaks."""

    def __init__(self, pack: str, missing: list[str], total: int, note: str = "") -> None:
        shown = [f"  {text!r}" for text in missing[:MAX_SHOWN]]
        rest = len(missing) - len(shown)
        if rest:
            shown.append(f"  ... and {rest} more")
        super().__init__(
            "\n".join(
                [
                    f"voice pack {pack!r} lacks {len(missing)} of the {total} utterances "
                    f"this routine needs{note}:",
                    *shown,
                    "record them in the studio's 'Record your voice' panel, or number them with "
                    f"'audio-guide pack status ROUTINE --voice {pack} --numbered', record them "
                    f"as N.wav and run 'audio-guide pack import {pack} FOLDER'; or speak the "
                    "missing ones with another engine: --fill pyttsx3 (or piper)",
                ]
            )
        )
        self.missing = missing


@dataclass
class Given:
    """The clips, and which texts a fill engine spoke."""

    bank: ClipBank
    pack: Pack
    filled: frozenset[str]
    fill_engine: str | None = None

    def mark(self, timeline: Timeline, settings: dict[str, object]) -> Timeline:
        """``timeline`` with the pack and speaker in ``settings`` and each sound a fill engine
        spoke marked with that engine (``filled``)."""
        settings = {**settings, "pack": self.pack.name, "speaker": self.pack.speaker}
        if self.fill_engine:
            settings["filled"] = len(self.filled)
        events = tuple(
            replace(e, filled=self.fill_engine)
            if e.kind is EventKind.SPEECH and e.voiced in self.filled
            else e
            for e in timeline.events
        )
        return replace(timeline, events=events, settings=settings)


def given_clips(
    texts: Iterable[str],
    engine: SpeechEngine,
    params: VoiceParams,
    language: str,
    fill: tuple[SpeechEngine, VoiceParams] | None = None,
    cache: ClipCache | None = None,
    progress: Callable[[int, int], None] | None = None,
    ready: Callable[[Samples], None] | None = None,
) -> Given:
    """Trimmed clips for ``texts`` in ``language`` from ``engine``'s pack (``fill`` speaking
    what it lacks). ``engine`` is a ``RecordedEngine`` whose voice is resolved."""
    if not isinstance(engine, RecordedEngine) or engine.pack is None:
        raise UsageError("no voice pack chosen; give one with --voice PACK")
    pack = engine.pack
    engine.language = language
    todo = list(dict.fromkeys(texts))
    missing = pack.missing(todo, engine.language)
    if missing and fill is None:
        note = f" (it is in {pack.language}, the routine in {language})"
        raise MissingClips(pack.name, missing, len(todo), note if pack.language != language else "")
    bank = ClipBank(pack.sample_rate)
    made: dict[str, Samples] = {}
    if missing and fill is not None:
        made = _filled(missing, fill[0], fill[1], cache or ClipCache(None), pack.sample_rate)
    for i, text in enumerate(todo, 1):
        clip = made[text] if text in made else trim(engine.synthesize(text, params))
        if clip.size == 0:
            raise UsageError(f"the recording of {text!r} in pack {pack.name!r} is silent")
        bank.clips[(EventKind.SPEECH, text)] = clip
        if ready:
            ready(clip)
        if progress:
            progress(i, len(todo))
    bank.synthesized = len(made)
    return Given(bank, pack, frozenset(made), fill[0].name if fill and made else None)


def _filled(
    texts: list[str], engine: SpeechEngine, params: VoiceParams, cache: ClipCache, rate: int
) -> dict[str, Samples]:
    """``texts`` spoken by ``engine``, levelled as takes are and at the pack's ``rate``."""
    from audio_guide.sound.parallel import synthesize
    from audio_guide.sound.takes import level_gain

    bank = synthesize(texts, engine, params, cache)
    out: dict[str, Samples] = {}
    for text in texts:
        x = bank.get(EventKind.SPEECH, text).astype(np.float64) / 32768.0
        if bank.sample_rate != rate:
            from math import gcd

            from scipy.signal import resample_poly  # only a fill at another rate pays for it

            g = gcd(rate, bank.sample_rate)
            x = resample_poly(x, rate // g, bank.sample_rate // g)
        x = x * level_gain(x, rate)
        out[text] = trim(np.round(np.clip(x, -1, 1) * 32767).astype(np.int16))
    return out
