"""Voice lookup shared by engines: id, variant, display name or language code."""

from __future__ import annotations

import difflib

from audio_guide.errors import UsageError
from audio_guide.sound.engines import VoiceInfo


def resolve(spec: str, voices: list[VoiceInfo], variants: list[str]) -> str:
    """Resolve ``spec`` against ``voices`` (and ``+variant`` suffixes); raise on no match."""
    base, _, variant = spec.strip().partition("+")
    if variant and variant not in variants:
        raise UsageError(
            f"unknown voice variant '{variant}' in '{spec}'{_close(variant, variants)}; "
            "run 'audio-guide voices' to list voices"
        )
    found = _find(base, voices)
    if found is None:
        names = (
            [v.id for v in voices]
            + [v.name for v in voices]
            + [lang for v in voices for lang in v.languages]
        )
        raise UsageError(
            f"unknown voice '{spec}'{_close(base, names)}; run 'audio-guide voices' to list voices"
        )
    return f"{found.id}+{variant}" if variant else found.id


def speaks(voice: VoiceInfo, language: str) -> bool:
    """Whether ``voice`` speaks ``language`` (a code such as ``es``, or a prefix of ``es-419``)."""
    lang = language.lower().replace("_", "-")
    return any(
        code.lower() == lang or code.lower().startswith(lang + "-") for code in voice.languages
    )


def _find(base: str, voices: list[VoiceInfo]) -> VoiceInfo | None:
    key = base.lower()
    for match in (
        lambda v: v.id.lower() == key,
        lambda v: v.id.lower().rsplit("/", 1)[-1] == key,
        lambda v: v.name.lower() == key,
        lambda v: key in (lang.lower() for lang in v.languages),
    ):
        hits = [v for v in voices if match(v)]
        if hits:
            return hits[0]
    return None


def _close(word: str, options: list[str]) -> str:
    close = difflib.get_close_matches(
        word.lower(), sorted({o.lower() for o in options}), n=4, cutoff=0.6
    )
    return f" (closest: {', '.join(close)})" if close else ""
