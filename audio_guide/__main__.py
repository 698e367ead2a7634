"""``python -m audio_guide``."""

from __future__ import annotations

from audio_guide.interrupts import entry

entry()
