"""``python -m audio_guide``."""

from __future__ import annotations

from .cli import entry

entry()
