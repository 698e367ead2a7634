"""Where a build writes: the audio file and its format, and the timeline beside it."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from audio_guide.errors import UsageError
from audio_guide.layers import DEFAULT_ORIGIN, located, position
from audio_guide.outputs.export import suffix_of
from audio_guide.settings import CHOICES, Settings


def output_format(
    settings: Settings, origins: dict[str, str], output: Path | None, name: str
) -> tuple[Path, Settings]:
    """The audio file to write and the settings with its format.

    Without ``output``: ``output/NAME.FORMAT``. With one, its suffix must be the format's when
    the format was set (flag, profile, routine; a ``UsageError`` naming where otherwise);
    when it was not, the suffix chooses it (``-o out.wav``).
    """
    if output is None:
        return Path("output") / f"{name}{suffix_of(settings.format)}", settings
    given = output.suffix.lower()[1:]
    if origins.get("format", DEFAULT_ORIGIN) == DEFAULT_ORIGIN:
        if given in CHOICES["format"]:
            return output, replace(settings, format=given)
        return output, settings
    if given != settings.format:
        origin = origins["format"]
        set_by = "here" if position(origin) else f"by the {origin}"
        exc = UsageError(
            f"the output {output} does not end in {suffix_of(settings.format)}, the format "
            f"{settings.format} set {set_by}; name it {output.stem}{suffix_of(settings.format)} "
            f"or set the format {given or 'its name ends in'}"
        )
        raise located(exc, origin)
    return output, settings


def timeline_path(output: Path) -> Path:
    """``NAME.timeline.json`` beside ``NAME.mp3``."""
    return output.with_name(output.stem + ".timeline.json")
