"""audio-guide: compile guided self-care routines into precisely timed spoken MP3s."""

from __future__ import annotations

__version__ = "0.1.0"
