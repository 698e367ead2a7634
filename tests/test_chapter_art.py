"""Chapter art (issue 22.3): each point's chapter carries its picture in the MP3 (an APIC inside
its CHAP frame), the other chapters the cover when there is one."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from conftest import run
from mutagen.id3 import ID3
from PIL import Image

ROUTINE = """title: Two points
intro: ["Hello."]
steps:
  - point: LI4
    hold: 3
  - name: Stretch
    location: Stretch your arms.
    hold: 2
  - point: B23
    hold: 3
outro: ["Done."]
"""


def chapters(mp3: Path) -> list[tuple[str, list[bytes], int]]:
    tags = ID3(str(mp3))
    out = []
    for chap in sorted(tags.getall("CHAP"), key=lambda c: c.start_time):
        title = str(chap.sub_frames.getall("TIT2")[0])
        out.append((title, [a.data for a in chap.sub_frames.getall("APIC")], chap.start_time))
    return out


def test_every_point_chapter_carries_its_picture_and_the_rest_the_cover(tmp_path: Path) -> None:
    routine = tmp_path / "two.yaml"
    routine.write_text(ROUTINE)
    cover = tmp_path / "cover.png"
    Image.new("RGB", (64, 64), "navy").save(cover)
    out = tmp_path / "two.mp3"
    code, _, err = run(
        "build", str(routine), "--engine", "fake", "-o", str(out), "--cover", str(cover)
    )
    assert code == 0, err
    found = chapters(out)
    assert [t for t, _, _ in found] == [
        "Introduction",
        "LI 4 — web of the hand",
        "Stretch",
        "B 23 — Sea of Vitality, lower back",
        "Closing",
    ]
    point_pictures = [pics for title, pics, _ in found if title[:2] in ("LI", "B ")]
    for pics in point_pictures:
        (data,) = pics
        image = Image.open(io.BytesIO(data))
        assert image.format == "PNG" and image.width == 600
    assert point_pictures[0] != point_pictures[1], "each point its own picture"
    for title, pics, _ in found:
        if title in ("Introduction", "Stretch", "Closing"):
            assert pics == [cover.read_bytes()], title
    starts = [s for _, _, s in found]
    assert starts == sorted(starts) and starts[0] == 0


@pytest.fixture(scope="module")
def plain_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The routine built once without a cover."""
    folder = tmp_path_factory.mktemp("art")
    routine = folder / "two.yaml"
    routine.write_text(ROUTINE)
    out = folder / "two.mp3"
    code, _, err = run("build", str(routine), "--engine", "fake", "-o", str(out))
    assert code == 0, err
    return out


def test_without_a_cover_only_point_chapters_have_pictures(plain_build: Path) -> None:
    out = plain_build
    with_art = [title for title, pics, _ in chapters(out) if pics]
    assert with_art == ["LI 4 — web of the hand", "B 23 — Sea of Vitality, lower back"]


def test_ffmpeg_based_players_still_list_every_chapter(plain_build: Path) -> None:
    """ffmpeg (mpv, VLC) drops an ID3v2.4 chapter whose picture is larger than 127 bytes (it
    reads synchsafe sub-frame sizes as plain): the tag is ID3v2.3, where both agree."""
    import subprocess

    from audio_guide.runtime import ffmpeg_exe

    out = plain_build
    meta = subprocess.run(
        [ffmpeg_exe(), "-v", "error", "-i", str(out), "-f", "ffmetadata", "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert meta.count("[CHAPTER]") == 5
    assert ID3(str(out)).version[:2] == (2, 3)


def test_a_picture_is_drawn_once_per_process() -> None:
    """A second build in the same process (studio, batch) takes each point's picture from the
    last 64 drawn: the same bytes, and resvg is not asked again."""
    from audio_guide.build import chapter_art, load
    from audio_guide.figures.render import to_png

    routine = load("back_pain")
    to_png.cache_clear()
    first = chapter_art(routine)
    drawn = to_png.cache_info().misses
    assert drawn == len(first.pictures) == 8
    again = chapter_art(routine)
    assert to_png.cache_info().misses == drawn and to_png.cache_info().hits == drawn
    assert {k: v.data for k, v in again.pictures.items()} == {
        k: v.data for k, v in first.pictures.items()
    }


def test_a_rebuild_reads_the_pictures_kept_in_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the clip cache's store, each picture is drawn once and kept as a PNG file: a later
    build (another process: the in-process 64 emptied here) reads it instead of asking resvg.
    A kept file that is not a PNG is drawn again; another renderer (resvg-py, fonts) names
    other files."""
    from audio_guide import build
    from audio_guide.build import chapter_art, load
    from audio_guide.figures.render import to_png
    from audio_guide.sound.analysis import AnalysisStore

    routine = load("back_pain")
    store = AnalysisStore(tmp_path)
    to_png.cache_clear()
    first = chapter_art(routine, store=store)
    kept = sorted(tmp_path.glob("*.png"))
    assert len(kept) == len(first.pictures) == to_png.cache_info().misses == 8
    to_png.cache_clear()
    again = chapter_art(routine, store=store)
    assert to_png.cache_info().misses == 0
    assert {k: v.data for k, v in again.pictures.items()} == {
        k: v.data for k, v in first.pictures.items()
    }
    kept[0].write_bytes(b"not a picture")
    chapter_art(routine, store=store)
    assert to_png.cache_info().misses == 1
    assert kept[0].read_bytes() != b"not a picture"
    monkeypatch.setattr(build, "renderer", lambda: "resvg-py 9.9")
    to_png.cache_clear()
    chapter_art(routine, store=store)
    assert to_png.cache_info().misses == 8 and len(list(tmp_path.glob("*.png"))) == 16
