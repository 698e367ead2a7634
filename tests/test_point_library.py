"""The shipped point library: enough points, sourced, cautioned, speakable, usable in a routine."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import write

from audio_guide.authoring.effective import effective_settings
from audio_guide.authoring.points import Library, load_point_file, shipped_points_path
from audio_guide.authoring.script import Say, compile_script
from audio_guide.build import load
from audio_guide.layers import Layer
from audio_guide.model import Point
from audio_guide.timeline import Role

COMMON = (
    *("GB20", "GB21", "LI11", "PC6", "HT7", "SP6", "ST36", "LR3", "KI1", "GV20"),
    *("EXHN3", "SI3", "LU7", "TE5", "BL60", "BL67", "GB34", "LI10", "KI3", "BL10"),
)
PREGNANCY = ("LI4", "SP6", "GB21", "BL60", "BL67")
SPOKEN = ("location", "method", "purpose", "alternative")


def load_points() -> dict[str, Point]:
    """The shipped point file alone (no user folder, profile or routine on top)."""
    return dict(load_point_file(shipped_points_path(), "shipped").points)


def test_library_has_the_common_self_care_points() -> None:
    points = load_points()
    assert len(points) >= 25
    assert set(COMMON) <= set(points)


def test_ids_and_who_codes_are_unique() -> None:
    text = shipped_points_path().read_text(encoding="utf-8")
    ids = re.findall(r"^  ([A-Z][A-Z0-9]*):\s*$", text, flags=re.MULTILINE)
    assert len(ids) == len(set(ids)) == len(load_points())
    who = [(p.who or p.id).replace("-", "") for p in load_points().values()]
    assert len(who) == len(set(who))


@pytest.mark.parametrize("pid", COMMON)
def test_new_points_cite_the_who_standard(pid: str) -> None:
    point = load_points()[pid]
    assert "WHO" in (point.source_of("location") or "")
    assert "Deadman" in (point.source_of("purpose") or "")


@pytest.mark.parametrize("pid", PREGNANCY)
def test_pregnancy_caution_where_standard_references_give_it(pid: str) -> None:
    assert any("pregnan" in c.lower() for c in load_points()[pid].cautions)


@pytest.mark.parametrize("pid", COMMON)
def test_new_point_texts_are_plain_speech(pid: str) -> None:
    point = load_points()[pid]
    texts = [getattr(point, k) for k in SPOKEN if getattr(point, k)] + list(point.cautions)
    for text in texts:
        assert not re.search(r"[0-9/&%()\[\];:+=<>]", text), text
        assert not re.search(r"\b(cun|cm|mm|approx|e\.g|i\.e|etc)\b", text, re.IGNORECASE), text
        assert text.endswith("."), text
        longest = max(len(s.split()) for s in re.split(r"[.?!]\s", text))
        assert longest <= 20, f"{pid}: a sentence of {longest} words is hard to follow by ear"


@pytest.mark.parametrize("pid", [p for p in COMMON if p != "EXHN3"])
def test_the_voice_spells_each_new_code(pid: str) -> None:
    layer = load_point_file(shipped_points_path(), "shipped")
    voice = Library().overlay(layer).voice()
    name = load_points()[pid].name
    assert re.fullmatch(r"(?:[A-Z] )+[0-9]+", voice.spoken(name)), (name, voice.spoken(name))


def test_midline_points_are_not_bilateral() -> None:
    points = load_points()
    assert not points["GV20"].bilateral and not points["EXHN3"].bilateral
    assert points["EXHN3"].who == "EX-HN3"


def _side_leads(tmp_path: Path, body: str) -> list[str]:
    path = write(tmp_path, f"title: t\nsteps:\n{body}")
    routine = load(str(path))
    settings, _ = effective_settings(routine, [Layer("test", {"engine": "fake"})])
    script = compile_script(routine, settings)
    return [i.text for i in script.items if isinstance(i, Say) and i.role is Role.SWITCH]


def test_side_leads_name_the_limb(tmp_path: Path) -> None:
    leads = _side_leads(
        tmp_path,
        "  - {point: SP6, hold: 5}\n  - {point: KI1, hold: 5}\n  - {point: PC6, hold: 5}\n"
        "  - {point: GB21, hold: 5}\n  - {point: LI11, hold: 5}\n",
    )
    assert leads == [
        "Left leg.",
        "Now the right leg.",
        "Left leg.",
        "Now the right leg.",
        "Left hand.",
        "Now the right hand.",
        "Left side.",
        "Now the right side.",
        "Left arm.",
        "Now the right arm.",
    ]


def test_a_neck_routine_builds_from_the_shipped_library(tmp_path: Path) -> None:
    leads = _side_leads(
        tmp_path,
        "  - {point: GB20, hold: 20}\n  - {point: GB21, hold: 20, sides: each}\n"
        "  - {point: LI4, cycles: {press: 10, release: 5, times: 3}, sides: each}\n",
    )
    assert leads.count("Left side.") == 1 and leads.count("Left hand.") == 1
