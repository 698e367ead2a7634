"""A client's index.html, opened from disk (offline, no server) in the system's Chromium: it lists
the tracks with their chapters, and a chapter button plays the track from that chapter."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from browser_session import new_page
from conftest import run
from practice_helpers import make_practice, tokens
from test_studio_forms_browser import serious

pytestmark = pytest.mark.browser


def test_index_page_lists_and_plays_tracks_with_chapters(tmp_path: Path) -> None:
    root = make_practice(tmp_path / "p", clients=1)
    assert run("batch", str(root), "--jobs", "1")[0] == 0
    folder = root / "site" / tokens(root)["c0"]
    timeline = json.loads((folder / "r1.timeline.json").read_text())
    with new_page() as tab:
        tab.set_default_timeout(60_000)
        requests: list[str] = []
        tab.on("request", lambda r: requests.append(r.url))
        tab.goto((folder / "index.html").as_uri())
        assert tab.locator("h2").all_text_contents() == ["The shoulder", "The hand"]
        first = tab.locator("article").first
        titles = first.locator("button.chapter .title").all_text_contents()
        assert titles == [c["title"] for c in timeline["chapters"]]
        first.locator("button.chapter").nth(1).click()
        start = timeline["chapters"][1]["start"]
        tab.wait_for_function(
            "s => { const a = document.querySelector('audio');"
            " return !a.paused && a.currentTime > s + 0.2 }",
            arg=start,
        )
        duration = tab.evaluate("() => document.querySelector('audio').duration")
        assert duration == pytest.approx(timeline["duration"], abs=0.05)
        assert "now" in (first.locator("button.chapter").nth(1).get_attribute("class") or "")
        # the hand's LI 4 chapter: its picture beside the player, the location as its words
        hand = tab.locator("article").nth(1)
        figure = hand.locator("figure.point")
        assert figure.is_hidden()
        hand.locator("button.chapter", has_text="LI 4").click()
        figure.wait_for(state="visible")
        image = figure.locator("img")
        assert (image.get_attribute("src") or "").endswith("r2.point-LI4.png")
        tab.wait_for_function(
            "() => document.querySelectorAll('figure.point img')[1].naturalWidth > 0"
        )
        hand_timeline = json.loads((folder / "r2.timeline.json").read_text())
        events = hand_timeline["events"]
        li4 = [e for e in events if e.get("point") == "LI4" and e["role"] == "locate"]
        assert image.get_attribute("alt") == li4[0]["text"]
        assert figure.locator("figcaption").text_content() == "LI 4 — web of the hand"
        assert all(u.startswith("file://") for u in requests), "nothing from elsewhere"
        pytest.importorskip("axe_playwright_python", reason="axe-playwright-python (test extra)")
        serious(tab, "client page", {})
