"""The studio page in a real browser with the default engine: how long what a user does takes.

Usage: .venv/bin/python benchmarks/studio_page.py [--runs N] [--screenshot docs/img/studio.png]

Serves the studio (no default profile, so the engine is the default, pyttsx3) and drives the
system Chromium (/usr/bin/chromium or $AUDIO_GUIDE_CHROMIUM) with Playwright. Reports medians
of N (default 5): the page up (load to the plan's total shown, back_pain open); a form edit (a
hold changed in its field, to the new YAML in the text view); the YAML typed (to the form
re-read); a form edit to the new total length (validation and plan after it); then one build
of back_pain at rate 120 (clips from the user clip cache when there). --screenshot saves a
picture after that build (the docs' own pictures come from docs/screenshots.py). Uses the user
clip cache unless $AUDIO_GUIDE_CACHE says otherwise; figures from a busy machine are not
comparable.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import uvicorn
from playwright.sync_api import Page, sync_playwright

from audio_guide.studio.app import create_app
from audio_guide.studio.workspace import Workspace

FLAGS = ["--no-sandbox", "--disable-gpu", "--autoplay-policy=no-user-gesture-required"]


def timed(label: str, runs: int, once: Callable[[int], None]) -> None:
    took = []
    for i in range(runs):
        started = time.perf_counter()
        once(i)
        took.append(time.perf_counter() - started)
    print(f"{label:<40} {statistics.median(took):6.3f} s  (median of {runs})")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--screenshot", type=Path)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="studio-page-"))
    for sub in ("r", "o", "c"):
        (folder / sub).mkdir()
    os.environ["AUDIO_GUIDE_CONFIG_DIR"] = str(folder / "c")  # no default profile
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(Workspace(folder / "r", folder / "o")), port=8791, log_level="warning"
        )
    )
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    url = "http://127.0.0.1:8791/"
    chromium = os.environ.get("AUDIO_GUIDE_CHROMIUM") or shutil.which("chromium") or ""
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=FLAGS)
        page: Page = browser.new_page(viewport={"width": 1500, "height": 1000})
        page.set_default_timeout(300_000)

        def load(i: int) -> None:
            page.goto(url)
            page.wait_for_function("document.getElementById('total').textContent !== '–'")

        timed("page up, back_pain planned", args.runs, load)

        def form_edit(i: int) -> None:
            page.locator("#step-0-hold").fill(str(61 + i))
            page.locator("#step-0-hold").press("Enter")
            page.wait_for_function(
                "s => document.getElementById('editor').value.includes(s)", arg=f"hold: {61 + i}"
            )

        timed("form edit -> YAML text", args.runs, form_edit)

        def yaml_typed(i: int) -> None:
            editor = page.locator("#editor")
            text = re.sub(r"title: \d*Acu", f"title: {i}Acu", editor.input_value(), count=1)
            editor.fill(text)
            page.wait_for_function(
                "s => document.getElementById('f-title').value.startsWith(s)", arg=f"{i}Acu"
            )

        timed("YAML typed -> form (400 ms debounce)", args.runs, yaml_typed)

        def replanned(i: int) -> None:
            before = page.locator("#total").text_content()
            page.locator("#step-1-hold").fill(str(41 + i))
            page.locator("#step-1-hold").press("Enter")
            page.wait_for_function(
                "t => document.getElementById('total').textContent !== t", arg=before
            )

        timed("form edit -> new total (debounces)", args.runs, replanned)
        page.locator("#routine-picker").select_option("shipped:back_pain")
        page.wait_for_function("document.getElementById('editor').value.includes('hold: 60')")
        page.locator("#ctl-rate").fill("120")
        page.locator("#ctl-rate").press("Tab")
        page.wait_for_timeout(1500)

        def build(i: int) -> None:
            page.locator("#build").click()
            page.wait_for_function(
                "document.getElementById('build-status').textContent.startsWith('built')"
            )

        timed("build back_pain, rate 120 (click to player)", 1, build)
        if args.screenshot:
            page.evaluate("() => window.scrollTo(0, 0)")
            page.wait_for_function("() => document.getElementById('player').duration > 0")
            page.screenshot(path=str(args.screenshot))
            print(f"saved {args.screenshot}")
        browser.close()
    server.should_exit = True


if __name__ == "__main__":
    main()
