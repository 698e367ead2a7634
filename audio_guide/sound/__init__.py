"""Sound: speech engines, clip synthesis, bells, bed, loudness and the block mixer."""
