"""One Playwright driver and one Chromium per test process, shared by the browser tests.

Starting Playwright's driver and the system Chromium, opening a page and closing them took
~0.9 s of CPU, and the browser files did it eight times per worker. Each test now opens its own
browser context (its own storage, cookies, viewport and locale) in the shared Chromium and closes
it after, so nothing carries from one test to the next.

Playwright's sync API allows one driver per thread: a test that needs a Chromium started with
other flags launches it from ``playwright()``; code that starts a driver of its own (the docs
screenshot script) calls ``release()`` first. While the driver lives, Playwright keeps an asyncio
loop running in this thread, so conftest releases both before every test not marked ``browser``
sets up (the studio's ``asyncio.run`` would refuse to start) and at the end of the session.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--autoplay-policy=no-user-gesture-required",
]

_STATE: dict[str, Any] = {}


HEADLESS_SHELL = "/usr/lib/chromium/chromium-headless-shell"
"""Debian's ``chromium-headless-shell``: Chromium's headless shell, the browser Playwright itself
runs headless. The browser tests take a third less CPU in it than in the full ``chromium``
(all of them, two workers, two runs each: 73 and 78 core-seconds against 106 and 132; the
phone test 18.8 against 24.6), whose browser process spends seconds on autofill guessing what
the studio's 144 fields are for. The page's own work is the same Blink's."""


def chromium_path() -> str:
    """The system Chromium (the headless shell first), or skip saying how to get one."""
    for candidate in (
        os.environ.get("AUDIO_GUIDE_CHROMIUM"),
        HEADLESS_SHELL,
        shutil.which("chromium-headless-shell"),
        shutil.which("chromium"),
        shutil.which("chromium-browser"),
        "/usr/bin/chromium",
    ):
        if candidate and Path(candidate).is_file():
            return candidate
    pytest.skip(
        "no Chromium on this machine: install Debian's 'chromium-headless-shell' "
        "(apt-get install chromium-headless-shell) or 'chromium'"
    )


def playwright() -> Any:
    """This process's Playwright driver, started on first use."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    if "driver" not in _STATE:
        _STATE["driver"] = sync_api.sync_playwright().start()
    return _STATE["driver"]


def launch(*flags: str) -> Any:
    """A Chromium of its own (``CHROMIUM_FLAGS`` and ``flags``), or skip saying why not; the
    caller closes it."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    executable = chromium_path()
    try:
        return playwright().chromium.launch(
            executable_path=executable, args=[*CHROMIUM_FLAGS, *flags]
        )
    except sync_api.Error as exc:
        pytest.skip(f"Chromium at {executable} would not start: {str(exc).splitlines()[0]}")


def chromium() -> Any:
    """The shared Chromium, launched on first use."""
    if "browser" not in _STATE or not _STATE["browser"].is_connected():
        _STATE["browser"] = launch()
    return _STATE["browser"]


@contextlib.contextmanager
def new_page(**options: Any) -> Iterator[Any]:
    """A page in a browser context of its own in the shared Chromium (``options`` as
    Playwright's ``new_context`` takes them), closed with its context after."""
    context = chromium().new_context(**options)
    try:
        yield context.new_page()
    finally:
        context.close()


def release() -> None:
    """Close the shared Chromium and stop the driver (both start again when next asked for)."""
    browser = _STATE.pop("browser", None)
    if browser is not None and browser.is_connected():
        browser.close()
    driver = _STATE.pop("driver", None)
    if driver is not None:
        driver.stop()
