"""The studio's picture endpoints (issue 22.5): a point's picture for search results and step
cards, the blank region figures, and placing an own point by a click on one."""

from __future__ import annotations

from typing import Any

import yaml
from conftest import run

OWN = """title: Own
steps:
  - name: Behind my knee
    location: In the middle of the knee crease.
    hold: 2
  - point: LI4
    hold: 2
"""


def test_library_points_name_their_picture(client: Any) -> None:
    points = {p["id"]: p for p in client.get("/api/points").json()["points"]}
    assert points["LI4"]["figure"] == "hand_back"
    assert points["LI4"]["picture"] == "/api/points/LI4/picture"
    res = client.get("/api/points/LI4/picture", params={"lang": "es"})
    assert res.status_code == 200 and res.headers["content-type"].startswith("image/svg+xml")
    assert "<title>LI 4" in res.text and "Pega el pulgar" in res.text  # the Spanish location
    assert client.get("/api/points/NOPE/picture").status_code == 404
    assert client.get("/api/points/..%2F..%2Fetc/picture").status_code == 404


def test_an_own_point_placed_by_a_click_builds_with_its_picture(client: Any, tmp_path: Any) -> None:
    figures = client.get("/api/figures").json()["figures"]
    assert "knee_back" in figures
    svg = client.get("/api/figures/knee_back")
    assert svg.status_code == 200 and "<svg" in svg.text
    assert client.get("/api/figures/../x").status_code == 404
    bad = client.post("/api/figures/knee_back/place", json={"x": "a", "y": 1})
    assert bad.status_code == 400
    placed = client.post("/api/figures/knee_back/place", json={"x": 150, "y": 120}).json()
    figure = placed["figure"]
    assert figure["region"] == "knee_back" and isinstance(figure["at"], str)
    points = tmp_path / "mine.yaml"
    points.write_text(
        yaml.safe_dump(
            {"points": {"MINE": {"name": "Mine", "location": "Behind the knee.", "figure": figure}}}
        )
    )
    out = tmp_path / "mine.png"
    code, _, err = run("points", "MINE", "--points", str(points), "--picture", str(out))
    assert code == 0, err
    assert out.read_bytes().startswith(b"\x89PNG")


OWN_STEP = "title: t\nsteps:\n  - name: My spot\n    location: On the hand.\n    hold: 3\n"


def test_an_own_step_placed_by_a_click_builds_with_its_picture(client: Any, tmp_path: Any) -> None:
    from mutagen.id3 import ID3

    figure = client.post("/api/figures/hand_back/place", json={"x": 140, "y": 200}).json()["figure"]
    text = client.post(
        "/api/form",
        json={
            "text": OWN_STEP,
            "edits": [{"op": "set", "path": ["steps", 0, "figure"], "value": figure}],
        },
    ).json()["text"]
    assert "figure:" in text
    routine = tmp_path / "r.yaml"
    routine.write_text(text)
    out = tmp_path / "r.mp3"
    code, _, err = run("build", str(routine), "--engine", "fake", "-o", str(out))
    assert code == 0, err
    (chap,) = [
        c for c in ID3(str(out)).getall("CHAP") if str(c.sub_frames.getall("TIT2")[0]) == "My spot"
    ]
    assert chap.sub_frames.getall("APIC")[0].data.startswith(b"\x89PNG")


def test_a_step_of_the_routine_being_edited_shows_its_picture(client: Any) -> None:
    """The studio's route: click on a region figure, the form editor writes ``figure:`` into
    the own step, and its card and *Hear step* get the picture (by step index or chapter point)."""
    figure = client.post("/api/figures/knee_back/place", json={"x": 150, "y": 120}).json()["figure"]
    edit = {"op": "set", "path": ["steps", 0, "figure"], "value": figure}
    text = client.post("/api/form", json={"text": OWN, "edits": [edit]}).json()["text"]
    assert yaml.safe_load(text)["steps"][0]["figure"] == figure
    request = {"routine": {"ref": "folder:own.yaml", "text": text}, "settings": {"engine": "fake"}}
    for which in ({"step": 0}, {"point": "Behind my knee"}, {"step": 1}):
        res = client.post("/api/steps/picture", json={**request, **which})
        assert res.status_code == 200 and res.text.lstrip().startswith(("<svg", "<?xml")), which
    assert (
        "In the middle of the knee crease."
        in client.post("/api/steps/picture", json={**request, "step": 0}).text
    )
    unplaced = {**request, "routine": {"ref": "folder:own.yaml", "text": OWN}, "step": 0}
    assert client.post("/api/steps/picture", json=unplaced).status_code == 404
    assert client.post("/api/steps/picture", json={**request, "step": 9}).status_code == 400
