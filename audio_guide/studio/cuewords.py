"""A step's cue words for the step form: which phrase keys a step's work says, each key's
placeholders and the forms the routine language's table gives it (with the table's text as the
default), and the words of the *Stretch* template, all in one language.

Nothing here lists keys by hand: a step's keys are the ones the script's own code
(``clock.plan_words`` and ``clock.clock_cues``) reads from the phrase table while compiling
sample work of each kind, plural forms come from the language's shipped table, and the
template's words are phrase keys (``stretch_*`` in ``scripts_data/phrases``). Validation of
what the form writes stays the pipeline's: a step's ``phrases:`` is read by ``stepkinds``.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from dataclasses import replace

from audio_guide.authoring.clock import clock_cues, plan_words
from audio_guide.authoring.phrases import Phrases, key_specs, load_phrases
from audio_guide.authoring.plurals import nest
from audio_guide.model import Cycles, Hold, Phase, Phased, Work
from audio_guide.settings import DEFAULTS, CountKind, CountStyle
from audio_guide.studio.controls import form_order

SAMPLES: dict[str, tuple[Work, ...]] = {
    "hold": (Hold(20),),
    "cycles": (Cycles(4, 2, 3), Cycles(4, 2, 1)),
    "phases": (Phased((Phase("In.", 4), Phase("Out.", 6)), 3), Phased((Phase("In.", 4),), 1)),
}
"""Work of each kind the form offers, repeated and once (the two read different keys)."""
STRETCH = {"hold_plan": "stretch_plan", "press": "stretch_press", "release": "stretch_release"}
"""The *Stretch* template's step phrases: step key -> the phrase key holding its words."""


class _Reads(Mapping[str, str]):
    """A phrase table that notes which keys the script reads (by their key, not their form)."""

    def __init__(self, texts: Mapping[str, str]) -> None:
        self.texts = texts
        self.read: dict[str, None] = {}

    def __getitem__(self, name: str) -> str:
        self.read.setdefault(name.split(".")[0])
        return self.texts[name]

    def get(self, name: str, default: object = None) -> object:  # type: ignore[override]
        return self.texts.get(name, default)  # the decimal mark: not a step's word

    def __iter__(self) -> Iterator[str]:
        return iter(self.texts)

    def __len__(self) -> int:
        return len(self.texts)


@functools.cache
def work_keys(kind: str) -> tuple[str, ...]:
    """The phrase keys a step whose work is ``kind`` (hold, cycles, phases) may say, in the
    order they are first said: its plans, then its cues with repetitions announced or not
    (counts are the routine's pacing, not the step's words)."""
    reads = _Reads(load_phrases().texts)
    phrases = Phrases("en", reads)
    quiet = replace(DEFAULTS, count=CountStyle(CountKind.NONE))
    for work in SAMPLES[kind]:
        plan_words(work, phrases)
    for work in SAMPLES[kind]:
        for announce in (False, True):
            clock_cues(work, quiet, phrases, announce)
    return tuple(reads.read)


def forms(language: str, key: str) -> dict[str, str]:
    """The texts of ``key`` in ``language``'s table by form (``{"": text}`` for a key without
    plural forms; ``{"one": ..., "other": ...}`` or nested ``one.other``), forms in CLDR order."""
    found = load_phrases(language).forms(key)
    return {f: found[f] for f in sorted(found, key=lambda f: form_order(f"{key}.{f}"))}


def stretch(language: str) -> dict[str, object]:
    """The *Stretch* template's ``phrases:`` in ``language``: one text, or plural forms."""
    flat = {
        f"{key}.{form}" if form else key: text
        for key, source in STRETCH.items()
        for form, text in forms(language, source).items()
    }
    return nest(flat)


def describe(language: str) -> dict[str, object]:
    """Everything the step form's cue words need in ``language`` (see the module doc)."""
    kinds = {kind: list(work_keys(kind)) for kind in SAMPLES}
    used = dict.fromkeys(k for keys in kinds.values() for k in keys)
    specs = key_specs()
    return {
        "language": language,
        "works": kinds,
        "keys": {
            key: {
                "placeholders": list(specs[key].placeholders),
                "plural": list(specs[key].plural),
                "forms": forms(language, key),
            }
            for key in used
        },
        "templates": {"stretch": stretch(language)},
    }
