"""A routine's effective settings: defaults < the routine's own < profiles and flags.

Also which phrase overrides stay global over a step's own ``phrases:`` (``pinned_phrases``).
"""

from __future__ import annotations

import re
from dataclasses import replace

from audio_guide.authoring.phrases import DEFAULT_LANGUAGE, form_problem, load_phrases
from audio_guide.authoring.plurals import split
from audio_guide.authoring.validate import check_overrides, resolve_overrides
from audio_guide.errors import UsageError
from audio_guide.layers import (
    DEFAULT_ORIGIN,
    LANGUAGE_ORIGIN,
    ROUTINE_SOURCE,
    Layer,
    combine,
    located,
)
from audio_guide.model import Routine
from audio_guide.settings import Settings


def effective_settings(routine: Routine, layers: list[Layer]) -> tuple[Settings, dict[str, str]]:
    """Built-in defaults < the routine's own sections < ``layers`` (lowest first).

    Hold/cycles overrides may name a step's point by id, WHO code or written name; every one
    must name a step of the routine.

    A routine in another language than English that names no voice gets its language as the
    voice (``es``): the engine's voice for it (see ``sound.voicing.resolve_voice``).

    Phrase overrides equal to the phrase table are dropped, so ``settings.phrases`` (and
    ``plan --settings``) lists only the phrases that differ from the defaults.
    """
    own = Layer(f"{ROUTINE_SOURCE}{routine.source}", routine.settings, routine.settings_origins)
    settings, origins = combine(resolve_overrides(routine, [own, *layers]))
    check_overrides(routine, settings, origins)
    if routine.language != DEFAULT_LANGUAGE and origins.get("voice") == DEFAULT_ORIGIN:
        settings = replace(settings, voice=routine.language)
        origins["voice"] = f"{LANGUAGE_ORIGIN} {routine.language} (routine {routine.source})"
    _check_forms(settings, origins, routine.language)
    table = load_phrases(routine.language).texts
    differ = tuple((key, text) for key, text in settings.phrases if text != table.get(key))
    for key, _ in set(settings.phrases) - set(differ):
        origins.pop(f"phrases.{key}", None)
    return replace(settings, phrases=differ), origins


def _check_forms(settings: Settings, origins: dict[str, str], language: str) -> None:
    """Refuse plural forms the routine's language does not use (``few`` in English), each at
    the file position it was given (profiles are read before the language is known)."""
    problems = []
    for name, _ in settings.phrases:
        key, forms = split(name)
        problem = form_problem(key, forms, language) if forms else None
        if problem is not None:
            where = origins.get(f"phrases.{name}", "")
            in_file = re.search(r":[0-9]+:[0-9]+$", where)
            label = f"phrases.{name}" if in_file else f"--phrase {name}"
            problems.append(str(located(UsageError(f"{label}: {problem}"), where)))
    if problems:
        raise UsageError("\n".join(problems))


def pinned_phrases(settings: Settings, origins: dict[str, str]) -> frozenset[str]:
    """The phrase overrides set above the routine file (profiles, flags, the studio's fields):
    they stay global, over a step's own ``phrases:``."""
    return frozenset(
        key
        for key, _ in settings.phrases
        if not origins.get(f"phrases.{key}", "").startswith(ROUTINE_SOURCE)
    )
