"""Pictures in a practice's delivery (issue 22.4): JSON chapters name each point's picture,
which is published beside the track; the feed carries Podlove Simple Chapters, which gPodder's
podcastparser (and AntennaPod) read, with the same pictures."""

from __future__ import annotations

import io
import json
from pathlib import Path

import feedparser
import pytest
from conftest import run
from PIL import Image
from practice_helpers import make_practice, tokens


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = make_practice(tmp_path_factory.mktemp("pics") / "p", clients=1)
    code, _, err = run("batch", str(root), "--jobs", "1", "--base-url", "https://example.org/care")
    assert code == 0, err
    return root / "site" / tokens(root)["c0"]


def test_every_point_chapter_has_a_picture_in_the_clients_folder(site: Path) -> None:
    for name in ("r1", "r2"):
        timeline = json.loads((site / f"{name}.timeline.json").read_text())
        chapters = json.loads((site / f"{name}.chapters.json").read_text())["chapters"]
        assert [c["title"] for c in chapters] == [c["title"] for c in timeline["chapters"]]
        for chapter, source in zip(chapters, timeline["chapters"], strict=True):
            if source.get("point") == "LI4":  # a shipped point: it has a picture
                prefix = f"https://example.org/care/{site.name}/"
                assert chapter["img"].startswith(prefix)
                picture = site / chapter["img"].removeprefix(prefix)
                assert picture.is_file()
                assert Image.open(io.BytesIO(picture.read_bytes())).format == "PNG"
            else:  # the intro, closing and the practice's own MYPT: no picture
                assert "img" not in chapter, chapter


def test_podcastparser_lists_each_tracks_chapters_from_psc(site: Path) -> None:
    podcastparser = pytest.importorskip("podcastparser", reason="podcastparser (test extra)")
    feed_path = site / "feed.xml"
    with feed_path.open("rb") as fh:
        parsed = podcastparser.parse(feed_path.as_uri(), fh)
    episodes = {e["title"]: e for e in parsed["episodes"]}
    assert set(episodes) == {"The shoulder", "The hand"}
    for name, title in (("r1", "The shoulder"), ("r2", "The hand")):
        timeline = json.loads((site / f"{name}.timeline.json").read_text())
        chapters = episodes[title]["chapters"]
        assert [c["title"] for c in chapters] == [c["title"] for c in timeline["chapters"]]
        starts = [c["start"] for c in chapters]
        assert starts == [int(c["start"]) for c in timeline["chapters"]]  # it keeps whole seconds
    feed = feedparser.parse(feed_path.read_bytes())
    assert len(feed.entries) == 2 and all(e.enclosures for e in feed.entries)
    xml = feed_path.read_text()
    assert 'image="https://example.org/care/' in xml and "r2.point-LI4.png" in xml
