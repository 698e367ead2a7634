"""The studio's practice panel API: a dry run and a batch of the practice folder, with progress."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from practice_helpers import make_practice
from starlette.testclient import TestClient

from audio_guide.studio.app import create_app


def finished(client: TestClient) -> dict[str, Any]:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        run: dict[str, Any] = client.get("/api/practice/batch").json()
        if run["done"]:
            return run
        time.sleep(0.1)
    raise AssertionError("the batch did not finish")


def test_studio_runs_a_batch_of_its_practice(workspace: Any, tmp_path: Path) -> None:
    root = make_practice(tmp_path / "p", clients=1)
    app = create_app(workspace, practice=root)
    with TestClient(app, base_url="http://127.0.0.1") as client:
        assert client.get("/api/practice").json() == {"folder": str(root), "run": None}
        assert client.post("/api/practice/batch", content=b"{}").status_code == 415
        assert client.post("/api/practice/batch", json={"dry_run": True}).status_code == 202
        run = finished(client)
        assert run["exit_code"] == 0 and [t["track"] for t in run["todo"]] == [
            "c0/r1.mp3",
            "c0/r2.mp3",
        ]
        assert not (root / "site").exists(), "a dry run builds nothing"
        assert client.post("/api/practice/batch", json={}).status_code == 202
        run = finished(client)
        assert run["exit_code"] == 0 and sorted(run["built"]) == ["c0/r1.mp3", "c0/r2.mp3"]
        assert any("[2/2]" in line for line in run["lines"])
        assert client.get("/static/practice.js").status_code == 200
    with TestClient(create_app(workspace), base_url="http://127.0.0.1") as client:
        assert client.get("/api/practice").json()["folder"] is None
        assert client.post("/api/practice/batch", json={}).status_code == 404
