"""Outputs: the MP3/WAV exporters and side outputs read from the timeline."""
