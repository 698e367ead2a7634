"""What a voice pack needs for a routine, and how much of it a pack holds (pure, no audio)."""

from __future__ import annotations

from audio_guide.authoring.lexicon import Lexicon
from audio_guide.authoring.phrases import effective_phrases, languages, load_phrases
from audio_guide.authoring.script import Clock, compile_script, utterances
from audio_guide.model import Routine
from audio_guide.settings import Settings
from audio_guide.sound.packs import Pack, normal
from audio_guide.timeline import EventKind, Role

PACK_COUNTS = 60
"""Counts a pack is checked for in ``coverage`` ("1" ... "60"): holds of up to a minute."""


def recording_list(routine: Routine, settings: Settings) -> list[tuple[str, Role]]:
    """What a voice pack needs for ``routine`` (spoken forms): every distinct sentence in
    order of first use, then the counts from 1 up to the last second of its longest hold or
    phase, whatever the count style (counts are recorded once per pack)."""
    script = compile_script(routine, settings)
    ph = effective_phrases(settings.phrases, routine.language)
    lexicon = Lexicon(routine.lexicon)
    longest = 0.0
    counts: set[str] = set()
    for item in script.items:
        if isinstance(item, Clock):
            longest = max([longest, *(h.end - h.start for h in item.holds)])
            counts.update(c.spoken or c.text for c in item.cues if c.role is Role.COUNT)
    spoken = [lexicon.spoken(ph.say("count", n=n)) for n in range(1, int(longest - 1e-9) + 1)]
    sentences = [
        (text, Role.INSTRUCT)
        for kind, text in utterances(script)
        if kind is EventKind.SPEECH and text not in counts and text not in spoken
    ]
    return [*sentences, *((text, Role.COUNT) for text in dict.fromkeys(spoken))]


def count_coverage(pack: Pack) -> tuple[int, int]:
    """(recorded, asked) of the counts "1" ... ``PACK_COUNTS`` in the pack's language."""
    if pack.language not in languages():
        return 0, PACK_COUNTS
    ph = load_phrases(pack.language)
    texts = [normal(ph.say("count", n=n)) for n in range(1, PACK_COUNTS + 1)]
    return sum(pack.has(t) for t in texts), len(texts)


def routine_coverage(pack: Pack, routine: Routine, settings: Settings) -> tuple[int, int]:
    """(recorded, needed) of what ``routine`` needs (``recording_list``) in the pack."""
    texts = [normal(t) for t, _ in recording_list(routine, settings)]
    return sum(pack.has(t, routine.language) for t in texts), len(texts)
