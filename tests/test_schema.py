"""Editors and CI: JSON Schemas for routine, profile and point files, and ``audio-guide check``.

Every shipped routine, example profile and point file validates with the ``jsonschema`` library
and with the validator; every file under ``fixtures/bad`` is refused by both, and the validator's
message for it contains the fixture's ``# expect:`` line.
"""

from __future__ import annotations

import io
import itertools
import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from conftest import FIXTURES, ROOT, write

from audio_guide.authoring import schema
from audio_guide.authoring.config import PROFILE_KEYS
from audio_guide.authoring.phrases import key_specs, placeholder_problem
from audio_guide.authoring.points import FILE_KEYS, POINT_KEYS
from audio_guide.authoring.stepkinds import INLINE_KEYS, WORK_KEYS
from audio_guide.authoring.validate import ROUTINE_KEYS, STEP_KEYS
from audio_guide.check import detect_kind
from audio_guide.cli import main

BAD = FIXTURES / "bad"
SHIPPED = sorted(
    [*(ROOT / "scripts_data").glob("*.yaml"), *(ROOT / "scripts_data").glob("points/*.yaml")]
)
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
BAD_FILES = sorted(BAD.glob("*/*.yaml"))
FOLDER_KIND = {"routines": "routine", "profiles": "profile", "points": "points"}


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def validator(kind: str) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(json.loads(schema.shipped(kind)))


def schema_errors(path: Path, kind: str) -> list[str]:
    data: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [e.message for e in validator(kind).iter_errors(data)]


@pytest.mark.parametrize("kind", schema.KINDS)
def test_shipped_schema_is_valid_draft_2020_12_and_up_to_date(kind: str) -> None:
    shipped = json.loads(schema.shipped(kind))
    jsonschema.Draft202012Validator.check_schema(shipped)
    assert shipped["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema.shipped(kind) == schema.dumps(schema.build(kind)), (
        "run 'python -m audio_guide.authoring.schema' to regenerate the shipped schemas"
    )


def test_schemas_know_every_key_the_validator_knows() -> None:
    routine, profile, points = (schema.build(k) for k in ("routine", "profile", "points"))
    assert set(ROUTINE_KEYS) <= set(routine["properties"])
    assert set(PROFILE_KEYS) <= set(profile["properties"])
    assert set(FILE_KEYS) == set(points["properties"])
    assert set(POINT_KEYS) == set(routine["$defs"]["point"]["properties"])
    steps = routine["$defs"]
    kinds = ("pointStep", "namedStep", "sayStep", "pauseStep")
    assert set(STEP_KEYS) == set().union(*(steps[k]["properties"] for k in kinds))
    assert set(steps["pointStep"]["properties"]) == {"point", *WORK_KEYS}
    assert set(steps["namedStep"]["properties"]) == {*INLINE_KEYS, "figure", *WORK_KEYS}


@pytest.mark.parametrize("path", SHIPPED + EXAMPLES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_shipped_and_example_files_validate_with_schema_and_check(path: Path) -> None:
    kind = detect_kind(path)
    assert kind is not None
    assert schema_errors(path, kind) == []
    points = [str(p) for p in EXAMPLES if detect_kind(p) == "points"]
    code, out, err = run("check", str(path), *[a for p in points for a in ("--points", p)])
    assert (code, err) == (0, ""), err
    first, *notes = out.splitlines()
    assert first == f"{path}: ok ({kind})"
    assert all(": note: " in line for line in notes)  # a point without a picture


def test_the_full_spec_syntax_validates_with_the_schema(tmp_path: Path) -> None:
    routine = write(
        tmp_path,
        """\
title: Neck and shoulders
language: en
phrases: {press: "Now press."}
lexicon: {"LI 4": "L I 4"}
points:
  SHOULDER1: {name: the shoulder well, location: On top of the shoulder.}
steps:
  - say: ["Sit tall.", "Let the shoulders drop."]
  - name: Calm breathing
    location: Rest one hand on your belly.
    cycles:
      phases:
        - {say: "Breathe in.", seconds: 4}
        - {say: "Hold.", seconds: 4}
        - {say: "Breathe out.", seconds: 6}
      times: 5
  - pause: 10
  - name: Neck stretch
    location: Tilt your head towards one shoulder.
    method: Let the weight of the head do the work.
    hold: 20
    sides: each
  - point: SHOULDER1
    cycles: {press: 10, release: 5, times: 3}
    find: 8
    say: Breathe out as you press.
""",
    )
    assert schema_errors(routine, "routine") == []
    # the validator takes the same file; 'language:' is issue 9's (SPEC-8), not read yet
    routine.write_text(routine.read_text().replace("language: en\n", ""))
    points = write(tmp_path, "points:\n  GB99: {name: GB 99, location: x}\n", "pts.yaml")
    code, out, err = run("check", str(routine), str(points))
    assert code == 0 and err == "" and out.count(": ok (") == 2, err
    profile = write(
        tmp_path,
        "points: [pts.yaml]\nlexicon: {GB: G B}\nphrases: {release: Let go.}\n"
        "sound: {loudness: off, chime: false}\npacing: {pace: slow, count: 'every:5'}\n",
        "p.yaml",
    )
    assert schema_errors(profile, "profile") == []
    code, out, err = run("check", str(profile))
    assert (code, err, out) == (0, "", f"{profile}: ok (profile)\n"), err


@pytest.mark.parametrize("path", BAD_FILES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_bad_fixture_is_refused_by_schema_and_validator(path: Path) -> None:
    kind = FOLDER_KIND[path.parent.name]
    assert schema_errors(path, kind), "the schema accepted a bad file"
    expect = path.read_text(encoding="utf-8").splitlines()[0].removeprefix("# expect: ")
    code, out, err = run("check", "--kind", kind, str(path))
    assert code == 2 and out == ""
    problems = err.strip().splitlines()[:-1]
    assert problems and all(line.startswith(f"{path}:") for line in problems), err
    assert expect in err, err


def test_check_reports_every_problem_of_every_file(tmp_path: Path) -> None:
    one = BAD / "routines" / "hold_too_long.yaml"
    two = BAD / "points" / "missing_location.yaml"
    good = ROOT / "scripts_data" / "back_pain.yaml"
    code, out, err = run("check", str(one), str(good), str(two))
    assert code == 2
    assert out == f"{good}: ok (routine)\n"
    assert f"{one}:5:11:" in err and f"{two}:4:5:" in err
    assert err.strip().splitlines()[-1] == "2 of 3 files have problems"


def test_check_uses_point_files_checked_with_the_routine(tmp_path: Path) -> None:
    routine = ROOT / "examples" / "shoulder.yaml"
    points = ROOT / "examples" / "my_points.yaml"
    code, _, err = run("check", str(routine))
    assert code == 2 and "unknown point 'SHOULDER1'" in err
    code, out, err = run("check", str(routine), str(points))
    assert code == 0 and out.count(": ok (") == 2, err


def test_check_refuses_overrides_that_name_no_step(tmp_path: Path) -> None:
    routine = write(
        tmp_path, "title: T\npacing:\n  holds: {B53: 40}\nsteps:\n  - point: BL40\n    hold: 9\n"
    )
    code, _, err = run("check", str(routine))
    assert code == 2 and "the routine has no point 'B53'" in err


def test_check_says_when_it_cannot_tell_the_kind(tmp_path: Path) -> None:
    odd = write(tmp_path, "colour: blue\n", "odd.yaml")
    code, _, err = run("check", str(odd))
    assert code == 2 and f"{odd}:1:1: cannot tell whether" in err and "--kind" in err


@pytest.mark.parametrize(
    ("text", "name", "kind"),
    [
        ("title: x\nsteps: []\n", "a.yaml", "routine"),
        ("points:\n  X: {name: x, location: y}\n", "a.yaml", "points"),
        ("lexicon: {LI: L I}\n", "a.yaml", "points"),
        ("voice: {rate: 120}\n", "a.yaml", "profile"),
        ("points: [a.yaml]\n", "a.yaml", "profile"),
        ("{}\n", "profile.yaml", "profile"),
        ("{}\n", "points-extra.yaml", "points"),
    ],
)
def test_detect_kind(tmp_path: Path, text: str, name: str, kind: str) -> None:
    assert detect_kind(write(tmp_path, text, name)) == kind


def test_schema_command_prints_the_shipped_schema() -> None:
    for kind in schema.KINDS:
        code, out, _ = run("schema", kind)
        assert code == 0 and json.loads(out)["title"].startswith("audio-guide")
        assert out == schema.shipped(kind)
    code, out, _ = run("schema", "routine", "--path")
    assert code == 0 and Path(out.strip()).is_file()
    code, _, _ = run("schema", "recipe")
    assert code == 2


def test_phrase_patterns_agree_with_the_placeholder_check() -> None:
    """Every short text over braces, a placeholder letter and others: schema == validator."""
    phrases = json.loads(schema.shipped("profile"))["$defs"]["phrases"]["properties"]
    pattern = re.compile(phrases["count"]["pattern"])  # count may use {n}
    texts = ["".join(t) for n in range(1, 6) for t in itertools.product("{}na ", repeat=n)]
    for text in texts:
        valid = placeholder_problem("count", text) is None and bool(text.strip())
        assert bool(pattern.search(text)) == valid, text
    assert set(phrases) == set(key_specs())
