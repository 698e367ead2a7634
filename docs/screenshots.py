"""Take the documentation's pictures from the running program (``make docs`` runs this).

Usage: .venv/bin/python docs/screenshots.py [--out docs/img] [--only plan,studio,...]
       [--engine ENGINE]

Every picture the docs show comes from here, so none goes stale:

- ``back_pain.svg``: ``audio-guide plan back_pain --picture`` (the timeline on a time axis);
- ``studio.png``: the studio (served as ``audio-guide studio`` serves it, no default profile, so
  the default engine) with the shipped ``back_pain`` open, the rate at 120, after a build;
- ``record.png``: the *Record your voice* panel on ``back_pain``, part of it recorded (the takes
  are the default voice's, saved into a new pack as a recording would be);
- ``client.png``: a client's page of the example practice (``practice init``, then ``batch``);
- ``handout.png``: the printable handout of ``back_pain``, once there is an ``audio-guide
  handout`` command (until then the script says it is skipped).

Chromium is the system's (Debian's chromium-headless-shell, else chromium, or
$AUDIO_GUIDE_CHROMIUM), driven by Playwright.
Config and output folders are temporary; clips come from the user clip cache (or
$AUDIO_GUIDE_CACHE). ``--engine fake`` (for the tests) builds with the test-only engine.
Each picture appears at its path only when complete.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import shutil
import socket
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

FILES = {
    "plan": "back_pain.svg",
    "studio": "studio.png",
    "record": "record.png",
    "client": "client.png",
    "handout": "handout.png",
}
"""Each picture the script takes, by name, and its file in ``--out``."""
SHOTS = tuple(FILES)
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORT = {"width": 1500, "height": 1000}
RECORDED = 8
"""How many of back_pain's lines the pack in ``record.png`` holds: part recorded, part not."""


def chromium() -> str:
    """The system Chromium's path, its headless shell first (the same pictures for less CPU);
    exit with how to get one when there is none."""
    for candidate in (
        os.environ.get("AUDIO_GUIDE_CHROMIUM"),
        "/usr/lib/chromium/chromium-headless-shell",
        shutil.which("chromium-headless-shell"),
        "/usr/bin/chromium",
        shutil.which("chromium"),
    ):
        if candidate and Path(candidate).is_file():
            return candidate
    sys.exit(
        "screenshots: no Chromium; install Debian's 'chromium-headless-shell' "
        "(apt-get install chromium-headless-shell) or 'chromium'"
    )


def run_cli(*argv: str) -> str:
    """Run ``audio-guide ARGV`` in this process; its output, or exit with its errors."""
    from audio_guide.cli import main

    out, err = io.StringIO(), io.StringIO()
    if main(list(argv), out, err) != 0:
        sys.exit(f"screenshots: audio-guide {' '.join(argv)} failed:\n{err.getvalue()}")
    return out.getvalue()


def commands() -> set[str]:
    """The commands ``audio-guide`` has."""
    from audio_guide.cli.reference import command_parsers

    return {words for words, _, _ in command_parsers()}


def place(make: Callable[[Path], object], target: Path) -> None:
    """Make a picture into a temporary file beside ``target`` and rename it into place."""
    fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.stem}-", suffix=target.suffix)
    os.close(fd)
    try:
        make(Path(name))
        os.chmod(name, 0o644)
        os.replace(name, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(name)
    print(f"screenshots: wrote {target}")


@contextlib.contextmanager
def studio(routines: Path, output: Path, debug: bool) -> Iterator[str]:
    """The studio served on a free port of 127.0.0.1 in a thread; yields its address."""
    import uvicorn

    from audio_guide.studio.app import create_app
    from audio_guide.studio.workspace import Workspace

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    app = create_app(Workspace(routines, output), debug=debug)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            sys.exit("screenshots: the studio did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        server.should_exit = True
        thread.join(30)


def open_back_pain(page: Any, url: str) -> None:
    """Open the studio with the shipped back_pain in the editor and its plan shown."""
    page.goto(url)
    page.wait_for_function("document.querySelectorAll('#routine-picker option').length > 1")
    page.locator("#routine-picker").select_option("shipped:back_pain")
    page.wait_for_function("document.getElementById('editor').value.includes('back')")
    page.wait_for_function("document.getElementById('total').textContent !== '–'")


def shoot_studio(page: Any, url: str, target: Path) -> None:
    """back_pain open in the forms and as YAML, the rate at 120, after a build."""
    open_back_pain(page, url)
    before = page.locator("#total").text_content()
    page.locator("#ctl-rate").fill("120")
    page.locator("#ctl-rate").press("Tab")
    page.wait_for_function("t => document.getElementById('total').textContent !== t", arg=before)
    page.locator("#build").click()
    page.wait_for_function(
        "document.getElementById('build-status').textContent.startsWith('built')"
    )
    page.wait_for_function("document.getElementById('player').duration > 0")
    page.evaluate("window.scrollTo(0, 0)")
    place(lambda p: page.screenshot(path=str(p)), target)


def make_pack(engine_name: str) -> None:
    """A pack ``me`` holding the first ``RECORDED`` lines of back_pain, spoken by the engine."""
    from audio_guide import build as pipeline
    from audio_guide.authoring.effective import effective_settings
    from audio_guide.layers import Layer
    from audio_guide.sound.engines import VoiceParams, get_engine
    from audio_guide.sound.packs import create_pack
    from audio_guide.sound.recording import recording_list
    from audio_guide.sound.synth import trim

    routine = pipeline.load("back_pain")
    settings, _ = effective_settings(routine, [Layer("docs", {"engine": "recorded"})])
    texts = [text for text, _ in recording_list(routine, settings)][:RECORDED]
    pack = create_pack("me", "Ana García", "en", "I agree that my recorded voice is used.")
    engine = get_engine(engine_name)
    params = VoiceParams(engine.resolve_voice("en-us"), 150, 1.0, 50)
    for text in texts:
        pack.save(text, trim(engine.synthesize(text, params)), "en")


def shoot_record(page: Any, url: str, target: Path) -> None:
    """The *Record your voice* panel with the pack ``me``, the next missing line selected."""
    open_back_pain(page, url)
    page.wait_for_function(f"document.querySelectorAll('#takes li').length > {RECORDED}")
    page.locator("#takes").focus()
    for _ in range(RECORDED):  # to the first line still missing
        page.locator("#takes").press("ArrowDown")
    page.wait_for_function("document.getElementById('record-error').textContent === ''")
    page.locator("#record-pane").scroll_into_view_if_needed()
    place(lambda p: page.locator("#record-pane").screenshot(path=str(p)), target)


def shoot_client(page: Any, work: Path, target: Path) -> None:
    """The first client's page of the example practice, after a batch (a practice builds with
    its clients' own settings, so always with their engines)."""
    practice = work / "practice"
    run_cli("practice", "init", str(practice))
    run_cli("batch", str(practice), "--jobs", "1")
    client_page = sorted((practice / "site").glob("*/index.html"))[0]
    page.set_viewport_size({"width": 420, "height": 900})  # a phone
    page.goto(client_page.as_uri())
    page.wait_for_load_state("load")
    # a point's chapter chosen: its picture shows beside the player
    page.locator("button.chapter:not([data-img=''])").first.click()
    page.locator("figure.point:not([hidden]) img").first.wait_for(state="visible")
    page.wait_for_function("() => [...document.images].every(i => !i.src || i.complete)")
    page.evaluate("() => document.querySelectorAll('audio').forEach(a => a.pause())")
    place(lambda p: page.screenshot(path=str(p), full_page=False), target)


def shoot_handout(page: Any, work: Path, target: Path, engine: str | None) -> None:
    """The HTML handout of back_pain as printed, when ``audio-guide handout`` exists."""
    if "handout" not in commands():
        print("screenshots: handout skipped: there is no 'audio-guide handout' command yet")
        return
    made = work / "handout.html"
    run_cli("handout", "back_pain", "-o", str(made), *(["--engine", engine] if engine else []))
    page.emulate_media(media="print")
    page.goto(made.as_uri())
    page.wait_for_load_state("load")
    place(lambda p: page.screenshot(path=str(p), full_page=True), target)


def main(argv: list[str] | None = None) -> int:
    """Take the pictures asked for (all by default) into ``--out``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "img")
    parser.add_argument(
        "--only", default=",".join(SHOTS), help="comma-separated: " + ", ".join(SHOTS)
    )
    parser.add_argument("--engine", help="build with this engine instead of the default")
    args = parser.parse_args(argv)
    wanted = [s.strip() for s in args.only.split(",") if s.strip()]
    unknown = sorted(set(wanted) - set(SHOTS))
    if unknown:
        parser.error(f"unknown pictures: {', '.join(unknown)} (there are {', '.join(SHOTS)})")
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="docs-pictures-") as tmp:
        work = Path(tmp)
        config = work / "config"
        config.mkdir()
        os.environ["AUDIO_GUIDE_CONFIG_DIR"] = str(config)  # no default profile of the user's
        if args.engine:
            (config / "profile.yaml").write_text(f"voice:\n  engine: {args.engine}\n")
        if "plan" in wanted:
            engine = ["--engine", args.engine] if args.engine else []
            place(lambda p: run_cli("plan", "back_pain", *engine, "--picture", str(p)),
                  args.out / FILES["plan"])  # fmt: skip
        browser_shots = [s for s in wanted if s != "plan"]
        if browser_shots:
            take_in_browser(browser_shots, work, args.out, args.engine)
    return 0


def take_in_browser(shots: list[str], work: Path, out: Path, engine: str | None) -> None:
    """The pictures taken in Chromium, one fresh page each."""
    from playwright.sync_api import sync_playwright

    if "record" in shots:
        make_pack(engine or "pyttsx3")
    for sub in ("routines", "output"):
        (work / sub).mkdir()
    with (
        studio(work / "routines", work / "output", debug=bool(engine)) as url,
        sync_playwright() as pw,
    ):
        browser = pw.chromium.launch(executable_path=chromium(), args=CHROMIUM_FLAGS)
        try:
            for shot in shots:
                page = browser.new_page(viewport=VIEWPORT)  # type: ignore[arg-type]
                page.set_default_timeout(300_000)
                target = out / FILES[shot]
                if shot == "studio":
                    shoot_studio(page, url, target)
                elif shot == "record":
                    shoot_record(page, url, target)
                elif shot == "client":
                    shoot_client(page, work, target)
                elif shot == "handout":
                    shoot_handout(page, work, target, engine)
                page.close()
        finally:
            browser.close()


if __name__ == "__main__":
    sys.exit(main())
