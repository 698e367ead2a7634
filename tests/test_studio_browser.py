"""The studio in a real browser: headless Chromium from the system's packages, driven by Playwright.

Opens the page, uploads a routine into the routines folder, picks back_pain, changes the rate,
sees the picture and the total length update, builds (fake engine, set in a default profile),
and checks that the audio element reports the timeline's duration and the page lists its
chapters. Skipped, saying why, when no browser can be had (Playwright's own browser download
is not used: Debian's ``chromium-headless-shell``, or ``chromium``, is).
Set ``AUDIO_GUIDE_SCREENSHOT=docs/img/studio.png`` to save the docs' screenshot from this run.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_session import new_page

from audio_guide.cli import main
from audio_guide.outputs.report import fmt_time
from audio_guide.studio.app import create_app

pytestmark = pytest.mark.browser

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def studio_url(workspace: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A real uvicorn server on 127.0.0.1 in a thread; the default profile picks the fake engine."""
    import uvicorn

    config = tmp_path / "config"
    config.mkdir()
    (config / "profile.yaml").write_text("voice:\n  engine: fake\n")
    monkeypatch.setenv("AUDIO_GUIDE_CONFIG_DIR", str(config))
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(workspace, debug=True), host="127.0.0.1", port=port, log_level="warning"
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "the studio did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}/"
    server.should_exit = True
    thread.join(30)


@contextlib.contextmanager
def chromium_page() -> Iterator[Any]:
    """A page of the system Chromium, in a browser context of its own (skipped, saying why,
    when there is no Chromium)."""
    with new_page(viewport={"width": 1500, "height": 1000}) as tab:
        tab.set_default_timeout(120_000)
        yield tab


@pytest.fixture
def blank_page(studio_url: str) -> Iterator[Any]:
    """A page of the system Chromium, the studio not opened in it yet."""
    with chromium_page() as tab:
        yield tab


@pytest.fixture
def page(studio_url: str) -> Iterator[Any]:
    """The studio opened in a page of the system Chromium."""
    with chromium_page() as tab:
        tab.goto(studio_url)
        yield tab


def cli_plan(*flags: str, routine: str = "back_pain") -> dict[str, Any]:
    """The timeline ``plan --json`` gives with the fake engine and ``flags``."""
    out = io.StringIO()
    assert main(["plan", routine, "--json", "--engine", "fake", *flags], out, io.StringIO()) == 0
    return dict(json.loads(out.getvalue()))


def wait_total(page: Any, timeline: dict[str, Any]) -> None:
    """Wait until the page shows ``timeline``'s total length."""
    page.wait_for_function(
        "t => document.getElementById('total').textContent === t",
        arg=fmt_time(timeline["duration"]),
    )


def a_pick_while_starting_is_kept(tab: Any, url: str) -> None:
    """A routine picked while the page is still opening its first one stays open: the first
    one's answer, held back here until after the pick, does not replace it (seen in CI: the
    editor went back to back_pain under a pick made a moment too early). The page is the
    test's own, opened here (a page of its own for this cost a second start of the studio)."""
    held: list[Any] = []

    def shipped(u: str) -> bool:
        return "/api/routine?ref=shipped" in u

    tab.route(shipped, lambda route: held.append(route))
    tab.goto(url)
    tab.wait_for_function("document.querySelectorAll('#routine-picker option').length > 2")
    tab.locator("#routine-picker").select_option("folder:small.yaml")
    tab.wait_for_function("document.getElementById('editor').value.includes('Hands and knees')")
    for route in held:
        route.continue_()
    tab.unroute(shipped)  # (and lets through any asked for since)
    tab.wait_for_selector("body[data-ready]")
    tab.wait_for_timeout(300)  # anything still arriving would land now
    assert "Hands and knees" in tab.locator("#editor").input_value()
    assert tab.locator("#routine-picker").input_value() == "folder:small.yaml"


def test_pick_tune_see_build_play(
    blank_page: Any, workspace: Any, tmp_path: Path, studio_url: str
) -> None:
    page = blank_page
    a_pick_while_starting_is_kept(page, studio_url)
    picker = page.locator("#routine-picker")
    total = page.locator("#total")
    page.wait_for_function("document.querySelectorAll('#routine-picker option').length > 2")
    assert "folder:small.yaml" in page.locator("#routine-picker option").evaluate_all(
        "options => options.map(o => o.value)"
    ), "the routines folder is listed"
    upload = tmp_path / "uploaded.yaml"
    upload.write_text((workspace.routines / "small.yaml").read_text())
    page.locator("#upload").set_input_files(str(upload))
    # (small.yaml, the same text, is open already: the upload shows as the picker's choice)
    page.wait_for_function(
        "document.getElementById('routine-picker').value === 'folder:uploaded.yaml'"
        " && document.getElementById('editor').value.includes('Hands and knees')"
    )
    assert (workspace.routines / "uploaded.yaml").read_text() == upload.read_text()
    wait_total(page, cli_plan(routine=str(workspace.routines / "uploaded.yaml")))

    picker.select_option("shipped:back_pain")
    default = cli_plan()
    wait_total(page, default)
    before = page.locator("#picture-img").get_attribute("src")
    assert page.locator("#ctl-engine").input_value() == "fake", "the default profile's engine"

    rate = page.locator("#ctl-rate")
    rate.fill("120")
    rate.press("Tab")
    slower = cli_plan("--rate", "120")
    wait_total(page, slower)
    after = page.locator("#picture-img").get_attribute("src")
    assert after and after != before, "the picture was redrawn"
    svg = page.evaluate(
        "async () => (await fetch(document.getElementById('picture-img').src)).text()"
    )
    assert f"end {fmt_time(slower['duration'])}" in svg, "for the new rate"
    loaded = "() => { const i = document.getElementById('picture-img'); return i.naturalWidth > 0 }"
    page.wait_for_function(loaded)
    assert total.text_content() != fmt_time(default["duration"])

    page.locator("#build").click()
    page.wait_for_function(
        "n => document.querySelectorAll('#chapters li').length === n", arg=len(slower["chapters"])
    )
    page.wait_for_function("() => document.getElementById('player').duration > 0")
    duration = page.evaluate("() => document.getElementById('player').duration")
    print(f"audio element {duration:.4f} s, timeline {slower['duration']:.4f} s")
    assert duration == pytest.approx(slower["duration"], abs=0.02)
    titles = page.locator("#chapters li .title").all_text_contents()
    assert titles == [c["title"] for c in slower["chapters"]]
    for key in ("mp3", "vtt", "timeline"):
        assert page.locator(f"#download-{key}").get_attribute("href")

    third = slower["chapters"][2]
    page.locator("#chapters li").nth(2).click()
    page.wait_for_function(
        "s => Math.abs(document.getElementById('player').currentTime - s) < 1.0", arg=third["start"]
    )
    shot = os.environ.get("AUDIO_GUIDE_SCREENSHOT")
    if shot:
        page.evaluate("() => document.getElementById('player').pause()")
        page.screenshot(path=shot, full_page=True)

    # Bad input shows where it is: a setting with the CLI's message, a routine line at line:col.
    rate.fill("1000")
    rate.press("Tab")
    page.wait_for_function(
        "m => document.querySelector('#control-rate .msg').textContent === m",
        arg="--rate: must be >= 80 and <= 400 words per minute, got 1000",
    )
    editor = page.locator("#editor")
    text = editor.input_value()
    editor.fill(text.replace("hold: 60", "hold: 1:30", 1))
    page.wait_for_function(
        "() => /^\\d+:\\d+: .*1:30/.test(document.querySelector('#problems li').textContent)"
    )
    line = text[: text.index("hold: 60")].count("\n") + 1
    assert page.locator("#problems li").first.text_content().startswith(f"{line}:")


def test_the_shared_driver_is_released_for_asyncio() -> None:
    """While the shared Playwright driver lives, this thread cannot start an event loop (the
    studio's ``asyncio.run``); ``release`` (which conftest calls before every test not marked
    ``browser``) gives the thread back."""
    import asyncio

    from browser_session import playwright, release

    playwright()
    refused = asyncio.sleep(0)
    with pytest.raises(RuntimeError, match="running event loop"):
        asyncio.run(refused)
    refused.close()
    release()
    asyncio.run(asyncio.sleep(0))
