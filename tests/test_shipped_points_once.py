"""The shipped point files are validated once per process for the same bytes (the studio
assembles the library on every plan), and read again when their bytes change."""

from __future__ import annotations

from pathlib import Path

import pytest

from audio_guide.authoring import points
from audio_guide.errors import RoutineError


def test_a_second_library_reads_no_shipped_file_again() -> None:
    first = points.assemble(user_folder=False)
    misses = points._shipped_once.cache_info().misses
    again = points.assemble(user_folder=False)
    assert points._shipped_once.cache_info().misses == misses, "validated again"
    assert again.points == first.points and again.lexicons == first.lexicons
    assert again.points["B54"].translations == first.points["B54"].translations


def test_changed_bytes_are_read_again_and_a_broken_file_is_refused_each_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shipped = points.shipped_points_path().read_text(encoding="utf-8")
    copy = tmp_path / "points.yaml"
    monkeypatch.setattr(points, "shipped_points_path", lambda: copy)
    monkeypatch.setattr(points, "shipped_translation_paths", lambda: [])
    copy.write_text(shipped, encoding="utf-8")
    assert points.assemble(user_folder=False).points["LI4"].title == "web of the hand"
    changed = shipped.replace('title: "web of the hand"', "title: the changed title", 1)
    copy.write_text(changed, encoding="utf-8")
    assert points.assemble(user_folder=False).points["LI4"].title == "the changed title"
    copy.write_text(shipped + "\nunknown_key: 1\n", encoding="utf-8")
    for _ in range(2):  # a problem is never kept as an answer
        with pytest.raises(RoutineError, match="unknown_key"):
            points.assemble(user_folder=False)
