"""Authoring: read routine, profile and point files, validate them, compile the script."""
