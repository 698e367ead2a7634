"""Shared pieces of the studio tests: routines as the page sends them, waiting for a build."""

from __future__ import annotations

import time

from starlette.testclient import TestClient

from audio_guide.authoring.validate import data_dir

BACK_PAIN = (data_dir() / "back_pain.yaml").read_text(encoding="utf-8")
SMALL = """title: Hands and knees
intro:
  - "Sit comfortably."
steps:
  - point: LI4
    cycles: {press: 4, release: 2, times: 2}
    sides: each
  - point: B54
    hold: 8
outro:
  - "That is all."
"""
"""A short routine: builds of it take a second or two, so build tests stay quick."""


def small(settings: dict[str, object] | None = None, **extra: object) -> dict:
    """A request for ``SMALL`` as saved in the routines folder (``folder:small.yaml``)."""
    return {
        "routine": {"ref": "folder:small.yaml", "text": SMALL},
        "settings": {"engine": "fake", **(settings or {})},
        **extra,
    }


def body(
    settings: dict[str, object] | None = None, routine: str = BACK_PAIN, **extra: object
) -> dict:
    """A request as the page sends it: the editor's text for back_pain and the chosen settings."""
    return {
        "routine": {"ref": "shipped:back_pain", "text": routine},
        "settings": {"engine": "fake", **(settings or {})},
        **extra,
    }


def wait_for(client: TestClient, job_id: str, timeout: float = 120.0) -> dict:
    """Poll a build until it ends."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = client.get(f"/api/builds/{job_id}").json()
        if job["state"] not in ("queued", "running"):
            return job
        time.sleep(0.1)
    raise AssertionError(f"build {job_id} did not finish in {timeout} s")
