from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(autouse=True)
def _isolated_cache(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Tests never touch the user's clip cache or config."""
    shared = tmp_path_factory.getbasetemp() / "clip-cache"
    monkeypatch.setenv("AUDIO_GUIDE_CACHE", str(shared))
    monkeypatch.setenv("AUDIO_GUIDE_CONFIG_DIR", str(tmp_path_factory.getbasetemp() / "no-config"))
    os.environ.pop("AUDIO_GUIDE_DEBUG", None)


def write(tmp_path: Path, text: str, name: str = "routine.yaml") -> Path:
    """Write a routine file for a test."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path
