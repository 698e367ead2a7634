"""``python -m audio_guide``."""

from __future__ import annotations

from audio_guide.interrupts import entry

if __name__ == "__main__":  # spawned synthesis workers import this module as __mp_main__
    entry()
