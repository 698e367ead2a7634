"""MkDocs hook: add the reference pages generated from the code (``audio_guide.cli.reference``)
to the build, so they are never stale and never kept in git."""

from __future__ import annotations

from typing import Any

from mkdocs.structure.files import File, Files

from audio_guide.cli.reference import pages


def on_files(files: Files, config: Any) -> Files:
    """Add every generated page (``reference/*.md``) to the site's files."""
    for path, text in pages().items():
        files.append(File.generated(config, path, content=text))
    return files
