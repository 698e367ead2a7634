"""Studio builds, downloads and profiles over HTTP (fake engine): concurrency, cancellation, and
the profile the studio saves reproducing its build through the CLI."""

from __future__ import annotations

import io
import json
import os
import threading
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import webvtt
import yaml
from starlette.testclient import TestClient
from studio_helpers import body, small, wait_for

from audio_guide.authoring.schema import shipped as shipped_schema
from audio_guide.cli import main
from audio_guide.sound.analysis import AnalysisStore
from audio_guide.sound.predict import Programme
from audio_guide.studio.jobs import Job
from audio_guide.studio.workspace import Workspace

TUNED = {
    "rate": "130",
    "pace": "brisk",
    "count": "countdown:5",
    "sides": "right",
    "chime": "off",
    "tick": "5",
    "loudness": "-19",
    "holds": ["B54=12"],
    "cycles": ["LI4=6/3/2"],
    "phrases": ["press=Now press firmly.", "hold_plan=Hold for {seconds} seconds."],
}


def test_two_builds_at_once_both_finish_with_their_files(
    client: TestClient, workspace: Workspace
) -> None:
    first = client.post("/api/builds", json=small({"rate": "150"}))
    second = client.post("/api/builds", json=small({"rate": "200", "sides": "left"}))
    assert first.status_code == second.status_code == 202
    jobs = [wait_for(client, r.json()["id"]) for r in (first, second)]
    for job, rate in zip(jobs, ("150", "200")):
        assert job["state"] == "done", job["error"]
        sides = "left" if rate == "200" else "both"
        plan = client.post("/api/plan", json=small({"rate": rate, "sides": sides})).json()
        assert job["timeline"]["duration"] == pytest.approx(plan["duration"], abs=1e-3)
        for key in ("mp3", "vtt", "timeline"):
            assert (workspace.output / job["files"][key]).is_file()
    assert jobs[0]["files"]["mp3"] != jobs[1]["files"]["mp3"]


def test_player_files_are_served_from_the_output_folder(client: TestClient) -> None:
    job = wait_for(client, client.post("/api/builds", json=small()).json()["id"])
    mp3 = client.get(f"/files/{job['files']['mp3']}")
    assert mp3.status_code == 200 and mp3.headers["content-type"] == "audio/mpeg"
    part = client.get(f"/files/{job['files']['mp3']}", headers={"Range": "bytes=100-199"})
    assert part.status_code == 206 and len(part.content) == 100, "the player can seek"
    vtt = client.get(f"/files/{job['files']['vtt']}")
    assert vtt.headers["content-type"].startswith("text/vtt")
    cues = webvtt.from_buffer(io.StringIO(vtt.text))
    assert len(cues) > 5
    saved = client.get(f"/files/{job['files']['timeline']}", params={"download": 1})
    assert saved.headers["content-disposition"].startswith("attachment")
    assert saved.json() == job["timeline"]
    assert client.get("/files/missing.mp3").status_code == 404
    assert client.get("/files/..%2F..%2Fetc%2Fpasswd").status_code in (400, 404)
    assert client.get("/files/.secret").status_code == 400


def test_a_cancelled_build_stops_the_encoder_and_leaves_nothing(
    client: TestClient, workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    encoding = threading.Event()
    original = Job.progress

    def progress(job: Job, stage: str, done: int, total: int) -> None:
        if stage == "encoding" and done > 0:  # blocks are flowing into ffmpeg: hold here
            encoding.set()
            job.cancel_event.wait(30)
        original(job, stage, done, total)

    monkeypatch.setattr(Job, "progress", progress)
    job_id = client.post("/api/builds", json=small({"loudness": "off"})).json()["id"]
    assert encoding.wait(60), "the build never started encoding"
    assert [p.suffix for p in workspace.output.iterdir()] == [".part"], "mid-encode"
    assert client.delete(f"/api/builds/{job_id}").status_code == 202
    job = wait_for(client, job_id)
    assert job["state"] == "cancelled"
    assert list(workspace.output.iterdir()) == [], "no MP3, no .part file, no side files"


def test_a_failed_build_reports_its_error(client: TestClient, workspace: Workspace) -> None:
    (workspace.output / "blocker").mkdir()
    bad = Workspace(workspace.routines, workspace.output / "blocker" / "file")
    (workspace.output / "blocker" / "file").write_text("not a folder")
    from audio_guide.studio.app import create_app

    with TestClient(create_app(bad), base_url="http://127.0.0.1") as c:
        job = wait_for(c, c.post("/api/builds", json=small()).json()["id"])
    assert job["state"] == "failed" and job["error"]


def test_the_saved_profile_rebuilds_the_same_timeline_with_the_cli(
    client: TestClient, workspace: Workspace, tmp_path: Path
) -> None:
    studio = wait_for(client, client.post("/api/builds", json=small(TUNED)).json()["id"])
    assert studio["state"] == "done", studio["error"]
    res = client.post("/api/profile", json=small(TUNED, name="client"))
    assert res.status_code == 200
    assert res.headers["content-disposition"] == 'attachment; filename="client.yaml"'
    profile = tmp_path / "client.yaml"
    profile.write_bytes(res.content)
    out = tmp_path / "cli" / "small.mp3"
    routine = str(workspace.routines / "small.yaml")
    err = io.StringIO()
    code = main(["build", routine, "--profile", str(profile), "-o", str(out)], io.StringIO(), err)
    assert code == 0, err.getvalue()
    cli = json.loads(out.with_name("small.timeline.json").read_text())
    assert cli == studio["timeline"]
    assert cli["settings"]["rate"] == 130 and cli["settings"]["holds"] == {"B54": 12}
    assert "Now press firmly." in {e["text"] for e in cli["events"]}
    schema = jsonschema.Draft202012Validator(json.loads(shipped_schema("profile")))
    assert [e.message for e in schema.iter_errors(yaml.safe_load(profile.read_text()))] == []


def test_profile_honours_the_default_profile_and_saves_into_the_config_folder(
    client: TestClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "config"
    config.mkdir()
    (config / "profile.yaml").write_text("voice:\n  pitch: 30\n")
    monkeypatch.setenv("AUDIO_GUIDE_CONFIG_DIR", str(config))
    plan = client.post("/api/plan", json=body({"rate": "140"})).json()
    assert plan["settings"]["pitch"] == "30"
    assert plan["origins"]["pitch"].startswith("default profile")
    res = client.post("/api/profile", json=body({"rate": "140"}, name="anna", target="config"))
    assert res.status_code == 201
    saved = config / "anna.yaml"
    assert Path(res.json()["path"]) == saved
    text = saved.read_text()
    assert "rate: 140" in text and "pitch: 30" in text and "engine: fake" in text
    for bad in ({"name": "../evil"}, {"name": "/tmp/x"}, {"target": "disk"}, {"name": 5}):
        res = client.post("/api/profile", json=body({"rate": "140"}, **{"target": "config", **bad}))
        assert res.status_code == 400, bad
    assert sorted(os.listdir(config)) == ["anna.yaml", "profile.yaml"]


def test_a_cancel_during_mastering_stops_the_build(
    client: TestClient, workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Mastering predicts the loudness from the clips (no pass over the track; levels kept from
    an earlier build are not used here); a cancel that arrives meanwhile stops the build at its
    first block."""
    measuring, known = threading.Event(), threading.Event()
    original = Programme.loudness
    blocks: list[int] = []

    def loudness(self: Programme, *args: Any, **kwargs: Any) -> float:
        measuring.set()
        # under load the build can get here before the test has looked its job up
        assert known.wait(30), "the test never looked the job up"
        job.cancel_event.wait(30)  # the cancel arrives while the gain is being found
        return original(self, *args, **kwargs)

    def progress(job_: Job, stage: str, done: int, total: int) -> None:
        if stage == "encoding":
            blocks.append(done)
        original_progress(job_, stage, done, total)

    original_progress = Job.progress
    monkeypatch.setattr(Programme, "loudness", loudness)
    monkeypatch.setattr(AnalysisStore, "recall", lambda self, name: None)  # no kept levels
    monkeypatch.setattr(Job, "progress", progress)
    job_id = client.post("/api/builds", json=small()).json()["id"]
    job = client.app.state.jobs.get(job_id)  # type: ignore[attr-defined]
    known.set()
    assert measuring.wait(60), "mastering never started"
    assert client.delete(f"/api/builds/{job_id}").status_code == 202
    assert wait_for(client, job_id)["state"] == "cancelled"
    assert len(blocks) <= 1, "stopped at the first block"
    assert list(workspace.output.iterdir()) == []


def test_a_build_cancelled_at_once_ends_cancelled(client: TestClient, workspace: Workspace) -> None:
    job_id = client.post("/api/builds", json=body({"repeat": "2"})).json()["id"]
    client.delete(f"/api/builds/{job_id}")
    assert wait_for(client, job_id)["state"] == "cancelled"
    assert list(workspace.output.iterdir()) == []
    again = client.delete(f"/api/builds/{job_id}")
    assert again.status_code == 202 and again.json()["state"] == "cancelled"


def test_build_files_are_named_from_the_routines_title(client: TestClient) -> None:
    from audio_guide.studio.jobs import output_stem

    assert output_stem("Manos", "pasted") == "manos"
    assert output_stem("Rücken & Schultern: 5 Übungen", "x") == "rucken-schultern-5-ubungen"
    assert output_stem("Спина", "pasted") == "routine"  # no Latin letters, no file name
    assert output_stem("", "my_back") == "my-back"
    text = "title: Manos\nsteps:\n  - point: LI 4\n    hold: 3\n"
    request = {"routine": {"ref": "", "text": text}, "settings": {"engine": "fake"}}
    names = [
        wait_for(client, client.post("/api/builds", json=request).json()["id"])["files"]["mp3"]
        for _ in range(2)
    ]
    assert names == ["manos.mp3", "manos-2.mp3"]
