"""``python -m audio_guide``."""

from __future__ import annotations

from audio_guide.cli import entry

entry()
