"""Points from anywhere: shipped < user folder < profile/--points < routine, merged point by point;
steps and overrides name points by id, WHO code or written name; ``audio-guide points``."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from conftest import write

from audio_guide.authoring.pointnames import lookup
from audio_guide.authoring.points import assemble
from audio_guide.cli import main


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def plan(routine: Path | str, *argv: str) -> dict[str, Any]:
    code, out, err = run("plan", str(routine), "--engine", "fake", "--json", *argv)
    assert code == 0, err
    data: dict[str, Any] = json.loads(out)
    return data


def said(tl: dict[str, Any], point: str | None = None) -> list[str]:
    return [
        e["text"]
        for e in tl["events"]
        if e["kind"] == "speech" and (point is None or e.get("point") == point)
    ]


SHOULDER = """\
points:
  SHOULDER1:
    name: "the shoulder well"
    location: On the top of the shoulder, halfway between the neck and the shoulder tip.
    method: Press straight down with the middle finger of the other hand.
steps:
  - point: SHOULDER1
    hold: 20
    sides: each
  - point: BL40
    hold: 15
title: Shoulder and knee
"""


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "config"
    (folder / "points").mkdir(parents=True)
    monkeypatch.setenv("AUDIO_GUIDE_CONFIG_DIR", str(folder))
    return folder


def test_routine_with_its_own_point_and_a_who_code_builds(tmp_path: Path) -> None:
    tl = plan(write(tmp_path, SHOULDER))
    assert [(h["point"], h["side"], h["seconds"]) for h in tl["holds"]] == [
        ("SHOULDER1", "left", 20),
        ("SHOULDER1", "right", 20),
        ("B54", "both", 15),
    ]
    lines = said(tl, "SHOULDER1")
    assert lines[0] == "Point 1 of 2: the shoulder well."
    assert "Press straight down with the middle finger of the other hand." in lines
    assert "Left side." in lines and "Now the right side." in lines
    # no purpose or title given: nothing said for them, the chapter is just the name
    assert [c["title"] for c in tl["chapters"]][:2] == [
        "the shoulder well",
        "B 54 — center of the knee crease",
    ]
    assert all(line.strip() for line in lines)


@pytest.mark.parametrize("name", ["bl40", "BL 40", "B54", "b 54", "B 54", "Bl40"])
def test_a_step_names_a_point_by_id_who_code_or_written_name(tmp_path: Path, name: str) -> None:
    routine = write(tmp_path, f"title: T\nsteps:\n  - point: {name}\n    hold: 9\n")
    assert [h["point"] for h in plan(routine)["holds"]] == ["B54"]


def test_li_4_with_a_space_and_lowercase_find_li4(tmp_path: Path) -> None:
    routine = write(tmp_path, 'title: T\nsteps:\n  - point: "li 4"\n    hold: 9\n')
    assert {h["point"] for h in plan(routine)["holds"]} == {"LI4"}


def test_unknown_point_has_file_line_col_and_did_you_mean(tmp_path: Path) -> None:
    routine = write(tmp_path, "title: T\nsteps:\n  - point: BL41\n    hold: 9\n")
    code, out, err = run("plan", str(routine), "--engine", "fake")
    assert code == 2 and out == ""
    assert err.startswith(f"{routine}:3:12: step 1: unknown point 'BL41' (did you mean 'BL40'")


def test_ambiguous_name_is_refused(tmp_path: Path) -> None:
    text = (
        "points:\n  K1:\n    name: knee\n    location: here\n    who: BL40\n"
        "title: T\nsteps:\n  - point: BL40\n    hold: 9\n"
    )
    code, _, err = run("plan", str(write(tmp_path, text)), "--engine", "fake")
    assert code == 2 and ":8:12: step 1: 'BL40' names 2 points (B54, K1); use the id" in err


@pytest.mark.parametrize("flag", ["BL40=45", "bl 40=45", "B 54=45"])
def test_hold_override_resolves_like_a_step(flag: str) -> None:
    tl = plan("back_pain", "--hold", flag)
    assert [h["seconds"] for h in tl["holds"] if h["point"] == "B54"] == [45]
    assert tl["settings"]["holds"] == {"B54": 45}


def test_cycles_override_by_written_name() -> None:
    tl = plan("back_pain", "--cycles", "LI 4=8/4/5")
    li4 = [h for h in tl["holds"] if h["point"] == "LI4"]
    assert len(li4) == 10 and {h["seconds"] for h in li4} == {8}


def test_profile_override_by_who_code_shows_its_file_position(tmp_path: Path) -> None:
    profile = write(tmp_path, "pacing:\n  holds: {BL40: 44}\n", "client.yaml")
    code, out, err = run(
        "plan", "back_pain", "--engine", "fake", "--settings", "--profile", str(profile)
    )
    assert code == 0, err
    assert any(
        line.split()[:2] == ["holds.B54", "44"] and line.endswith(f"{profile}:2:17")
        for line in out.splitlines()
    ), out


def test_override_naming_no_step_still_refused() -> None:
    code, _, err = run("plan", "back_pain", "--engine", "fake", "--hold", "BL41=30")
    assert code == 2 and "the routine has no point 'BL41'" in err


POINT_FILE = """\
lexicon:
  Ah Shi: Ah She
points:
  {pid}:
    name: {name}
    location: {location}
"""


def point_file(path: Path, pid: str, name: str, location: str = "Right here.") -> Path:
    path.write_text(POINT_FILE.format(pid=pid, name=name, location=location), encoding="utf-8")
    return path


def test_layers_merge_point_by_point_with_their_origins(config: Path, tmp_path: Path) -> None:
    point_file(config / "points" / "mine.yaml", "B54", "the knee")
    point_file(config / "points" / "more.yaml", "ASHI", "Ah Shi")
    flag = point_file(tmp_path / "flag.yaml", "ASHI", "Ah Shi point", "Where it hurts.")
    lib = assemble(files=[flag])
    assert lib.points["B54"].name == "the knee"
    assert lib.layer_of["B54"] == "user folder"
    assert lib.replaced["B54"][0].startswith("shipped ")
    assert lib.points["ASHI"].location == "Where it hurts."
    assert lib.layer_of["ASHI"] == "--points"
    assert str(lib.points["ASHI"].origin) == f"{flag}:4:3"
    assert lib.points["LI4"].name == "LI 4" and lib.layer_of["LI4"] == "shipped"
    assert lib.lexicon["Ah Shi"] == "Ah She" and lib.lexicon_from["Ah Shi"].startswith("--points")
    assert lib.lexicon["LI"] == "L I"


def test_points_flag_adds_a_point_to_build_and_plan(tmp_path: Path) -> None:
    extra = point_file(tmp_path / "extra.yaml", "ASHI", "Ah Shi")
    routine = write(tmp_path, "title: T\nsteps:\n  - point: ashi\n    hold: 9\n")
    code, _, err = run("plan", str(routine), "--engine", "fake")
    assert code == 2 and "unknown point 'ashi'" in err
    tl = plan(routine, "--points", str(extra))
    assert tl["holds"][0]["point"] == "ASHI"
    step = next(e for e in tl["events"] if e["role"] == "step")
    assert step["text"] == "Point 1 of 1: Ah Shi." and step["spoken"] == "Point 1 of 1: Ah She."
    out = tmp_path / "o.wav"
    code, _, err = run(
        "build", str(routine), "--engine", "fake", "--points", str(extra), "-o", str(out)
    )
    assert code == 0 and out.stat().st_size > 1000, err


def test_profile_points_are_relative_to_the_profile_and_read_before_the_routine(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "client"
    folder.mkdir()
    point_file(folder / "pts.yaml", "ASHI", "Ah Shi")
    profile = write(folder, "points: [pts.yaml]\nlexicon: {Ah Shi: Ah Sheee}\n", "p.yaml")
    routine = write(tmp_path, "title: T\nsteps:\n  - point: ASHI\n    hold: 9\n")
    tl = plan(routine, "--profile", str(profile))
    step = next(e for e in tl["events"] if e["role"] == "step")
    assert step["spoken"] == "Point 1 of 1: Ah Sheee."  # profile lexicon over its point file


def test_routine_points_and_lexicon_win_over_points_flag(tmp_path: Path) -> None:
    extra = point_file(tmp_path / "extra.yaml", "ASHI", "Ah Shi", "From the file.")
    routine = write(
        tmp_path,
        "title: T\nlexicon: {Ah Shi: Ah Shy}\npoints:\n  ASHI:\n    name: Ah Shi\n"
        "    location: From the routine.\nsteps:\n  - point: ASHI\n    hold: 9\n",
    )
    tl = plan(routine, "--points", str(extra))
    assert "From the routine." in said(tl)
    step = next(e for e in tl["events"] if e["role"] == "step")
    assert step["spoken"] == "Point 1 of 1: Ah Shy."


def test_profile_naming_a_missing_point_file_points_at_its_line(tmp_path: Path) -> None:
    profile = write(tmp_path, "voice:\n  rate: 150\npoints:\n  - nope.yaml\n", "p.yaml")
    code, _, err = run("plan", "back_pain", "--engine", "fake", "--profile", str(profile))
    assert code == 2 and f"{profile}:4:5: points: no point file 'nope.yaml'" in err


def test_bad_point_file_reports_every_problem(tmp_path: Path) -> None:
    bad = write(
        tmp_path,
        "points:\n  X1:\n    name: x\n  X2:\n    location: y\n    sides: maybe\n"
        "  X3:\n    name: z\n    location: w\n    colour: red\nlexicon:\n  LI: ''\n",
        "bad.yaml",
    )
    code, _, err = run("plan", "back_pain", "--engine", "fake", "--points", str(bad))
    assert code == 2
    lines = err.strip().splitlines()
    assert f"{bad}:3:5: point X1: missing required key 'location'" in lines
    assert any(
        line.startswith(f"{bad}:5:5: point X2: missing required key 'name'") for line in lines
    )
    assert any(line.startswith(f"{bad}:6:12: X2.sides: 'maybe' is not one of") for line in lines)
    assert any(line.startswith(f"{bad}:10:5: point X3: unknown key 'colour'") for line in lines)
    assert any(line.startswith(f"{bad}:12:7: lexicon.LI is empty") for line in lines)


def test_lookup_prefers_id_then_who_then_name() -> None:
    points = assemble().points
    assert [p.id for p in lookup(points, "B54")] == ["B54"]
    assert [p.id for p in lookup(points, "bl 40")] == ["B54"]
    assert [p.id for p in lookup(points, "gb 30")] == ["GB30"]
    assert lookup(points, "nothing") == []


def test_points_command_lists_the_library_and_sources(config: Path, tmp_path: Path) -> None:
    point_file(config / "points" / "mine.yaml", "ASHI", "Ah Shi")
    extra = point_file(tmp_path / "extra.yaml", "B53", "outer knee")
    code, out, err = run("points", "--points", str(extra))
    assert code == 0, err
    rows = {line.split()[0]: line for line in out.splitlines() if line.strip()}
    assert "shipped" in rows["LI4"] and "LI 4" in rows["LI4"]
    assert f"user folder {config / 'points' / 'mine.yaml'}:4:3" in rows["ASHI"]
    assert f"--points {extra}:4:3" in rows["B53"]
    code, out, _ = run("points", "--json", "--points", str(extra))
    data = json.loads(out)
    by_id = {p["id"]: p for p in data["points"]}
    assert by_id["B53"]["name"] == "outer knee" and by_id["B53"]["replaces"][0].startswith(
        "shipped"
    )
    assert data["lexicon"]["GB"]["spoken"] == "G B"
    code, out, _ = run("points", "bl40", "--json")
    assert json.loads(out)["id"] == "B54"
    code, out, _ = run("points", "li 4")
    assert code == 0 and re.search(r"^spoken +L I 4$", out, re.M), out
    code, _, err = run("points", "BL41")
    assert code == 2 and "did you mean 'BL40'" in err


def test_points_command_with_a_routine_shows_its_own_points(tmp_path: Path) -> None:
    routine = write(tmp_path, SHOULDER)
    code, out, err = run("points", "SHOULDER1", "--routine", str(routine), "--json")
    assert code == 0, err
    assert json.loads(out)["from"] == f"routine {routine}:2:3"


def test_gb20_gb21_each_side_and_li4_cycles_build_from_the_shipped_library(
    tmp_path: Path,
) -> None:
    routine = write(
        tmp_path,
        "title: Neck\nsteps:\n  - point: GB20\n    hold: 20\n    sides: each\n"
        "  - point: gb 21\n    hold: 15\n    sides: each\n"
        "  - point: LI4\n    cycles: {press: 6, release: 3, times: 2}\n",
    )
    tl = plan(routine)
    assert [(h["point"], h["side"], h["seconds"]) for h in tl["holds"]] == [
        ("GB20", "left", 20),
        ("GB20", "right", 20),
        ("GB21", "left", 15),
        ("GB21", "right", 15),
        ("LI4", "left", 6),
        ("LI4", "left", 6),
        ("LI4", "right", 6),
        ("LI4", "right", 6),
    ]
    steps = [e for e in tl["events"] if e["role"] == "step"]
    assert [e["text"] for e in steps] == [
        "Point 1 of 3: GB 20.",
        "Point 2 of 3: GB 21.",
        "Point 3 of 3: LI 4.",
    ]
    assert [e["spoken"] for e in steps] == [
        "Point 1 of 3: G B 20.",
        "Point 2 of 3: G B 21.",
        "Point 3 of 3: L I 4.",
    ]
