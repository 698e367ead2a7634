"""Point pictures: every shipped point is marked on its region figure where its WHO 2008
definition puts it (checked against the figure's landmarks), renders to PNG like the golden
images, and own points get a picture from ``figure:`` (a place or an image file).

Regenerate the golden PNGs after an intended change to a figure with
``UPDATE_GOLDEN=1 python -m pytest tests/test_figures.py`` and look at them before committing.
"""

from __future__ import annotations

import io
import json
import math
import os
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from conftest import FIXTURES
from PIL import Image

from audio_guide.authoring.points import assemble, load_point_file
from audio_guide.cli import main
from audio_guide.errors import RoutineError
from audio_guide.figures import (
    figure_of,
    picture_png,
    picture_svg,
    place_from_click,
    region_figures,
    region_svg,
)
from audio_guide.figures.regions import Region, marks_of, region, resolve
from audio_guide.model import FigurePlace, Point

GOLDEN = FIXTURES / "figures"
Xy = tuple[float, float]
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def shipped() -> dict[str, Point]:
    return dict(assemble(user_folder=False).points)


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


# --- geometry helpers: everything in the figure's own units, distances in its B-cun ----------


def lm(fig: Region, name: str) -> Xy:
    return fig.landmarks[name]


def cun(fig: Region, a: Xy, b: Xy) -> float:
    return math.dist(a, b) / fig.cun


def fraction_along(p: Xy, a: Xy, b: Xy) -> tuple[float, float]:
    """How far along a->b the point lies (0..1), and how far off that line (drawing units)."""
    ax, ay = b[0] - a[0], b[1] - a[1]
    t = ((p[0] - a[0]) * ax + (p[1] - a[1]) * ay) / (ax * ax + ay * ay)
    off = abs((p[0] - a[0]) * ay - (p[1] - a[1]) * ax) / math.hypot(ax, ay)
    return t, off


def x_on(a: Xy, b: Xy, y: float) -> float:
    """The x of line a-b at height y."""
    return a[0] + (b[0] - a[0]) * (y - a[1]) / (b[1] - a[1])


def mirror(fig: Region, p: Xy) -> Xy:
    assert fig.midline is not None
    return 2 * fig.midline - p[0], p[1]


Check = Callable[[Callable[[str], Xy], Region], None]


def _b23(at: Callable[[str], Xy], f: Region) -> None:
    p = at("B23")
    assert p[1] == pytest.approx(lm(f, "L2_lower")[1])  # level with the lower border of L2
    assert (p[0] - (f.midline or 0)) / f.cun == pytest.approx(1.5)  # 1.5 B-cun from midline


def _b47(at: Callable[[str], Xy], f: Region) -> None:
    p, b23, mid = at("B47"), at("B23"), f.midline or 0
    assert p[1] == pytest.approx(b23[1])  # on the level of B 23 ...
    assert p[0] - mid == pytest.approx(2 * (b23[0] - mid))  # ... twice as far from the midline
    assert (p[0] - mid) / f.cun == pytest.approx(3)


def _b48(at: Callable[[str], Xy], f: Region) -> None:
    p, s2 = at("B48"), lm(f, "S2_foramen")
    assert p[1] == pytest.approx(s2[1])  # level with the second posterior sacral foramen
    assert (p[0] - (f.midline or 0)) / f.cun == pytest.approx(3)  # 3 B-cun from the sacral crest
    assert p[0] > s2[0]


def _gb30(at: Callable[[str], Xy], f: Region) -> None:
    t, off = fraction_along(at("GB30"), lm(f, "greater_trochanter"), lm(f, "sacral_hiatus"))
    assert t == pytest.approx(1 / 3, abs=1e-3) and off < 0.5  # lateral third of that line


def _li4(at: Callable[[str], Xy], f: Region) -> None:
    p, base, head = at("LI4"), lm(f, "mc2_base"), lm(f, "mc2_head")
    t, _ = fraction_along(p, base, head)
    assert t == pytest.approx(0.5, abs=0.02)  # beside the midpoint of the second metacarpal
    assert 0 < x_on(base, head, p[1]) - p[0] < 0.6 * f.cun  # radial to it (thumb on the left)


def _te3(at: Callable[[str], Xy], f: Region) -> None:
    p, mcp4 = at("TE3"), lm(f, "mcp4")
    assert x_on(lm(f, "mc4_base"), mcp4, p[1]) < p[0] < x_on(lm(f, "mc5_base"), lm(f, "mcp5"), p[1])
    assert 0 < (p[1] - mcp4[1]) / f.cun < 1  # just proximal to the fourth knuckle


def _b54(at: Callable[[str], Xy], f: Region) -> None:
    a, b = lm(f, "crease_medial_end"), lm(f, "crease_lateral_end")
    assert at("B54") == pytest.approx(((a[0] + b[0]) / 2, (a[1] + b[1]) / 2))  # mid crease


def _b53(at: Callable[[str], Xy], f: Region) -> None:
    p, b54, outer = at("B53"), at("B54"), lm(f, "crease_lateral_end")
    assert p[1] == pytest.approx(outer[1])  # on the crease ...
    assert b54[0] < p[0] < outer[0]  # ... toward its outer edge, lateral to B 54
    assert p == pytest.approx(lm(f, "biceps_tendon_medial"))  # at the biceps tendon's inner edge
    assert 0.5 < cun(f, p, b54) < 2


def _gb20(at: Callable[[str], Xy], f: Region) -> None:
    p = at("GB20")
    trap = x_on(lm(f, "trapezius_edge_top"), lm(f, "trapezius_edge_low"), p[1])
    scm = x_on(lm(f, "scm_edge_top"), lm(f, "scm_edge_low"), p[1])
    assert trap < p[0] < scm  # in the hollow between trapezius and sternocleidomastoid
    assert p[1] < at("BL10")[1]  # under the skull, above BL 10
    assert p[1] < lm(f, "C2_upper")[1]


def _bl10(at: Callable[[str], Xy], f: Region) -> None:
    p = at("BL10")
    assert p[1] == pytest.approx(lm(f, "C2_upper")[1])  # level with the top of C2's process
    assert p[0] > x_on(lm(f, "trapezius_edge_top"), lm(f, "trapezius_edge_low"), p[1])
    assert (p[0] - (f.midline or 0)) / f.cun == pytest.approx(1.3)


def _gb21(at: Callable[[str], Xy], f: Region) -> None:
    t, off = fraction_along(at("GB21"), lm(f, "C7"), lm(f, "acromion"))
    assert t == pytest.approx(0.5) and off < 0.5  # midway from C7 to the acromion


def _li11(at: Callable[[str], Xy], f: Region) -> None:
    t, off = fraction_along(at("LI11"), lm(f, "crease_lateral_end"), lm(f, "lateral_epicondyle"))
    assert t == pytest.approx(0.5) and off < 0.5  # midway from LU 5 to the lateral epicondyle


def _li10(at: Callable[[str], Xy], f: Region) -> None:
    p, li11 = at("LI10"), at("LI11")
    t, off = fraction_along(p, li11, lm(f, "wrist_radial"))
    assert cun(f, p, li11) == pytest.approx(2) and t > 0 and off < 0.5  # 2 B-cun toward LI 5


def _pc6(at: Callable[[str], Xy], f: Region) -> None:
    p, crease = at("PC6"), lm(f, "between_tendons")
    assert (p[1] - crease[1]) / f.cun == pytest.approx(2, abs=0.01)  # 2 B-cun above the crease
    assert lm(f, "palmaris_tendon")[0] < p[0] < lm(f, "fcr_tendon")[0]  # between the tendons


def _ht7(at: Callable[[str], Xy], f: Region) -> None:
    p = at("HT7")
    assert p[1] == pytest.approx(lm(f, "crease_ulnar_end")[1])  # on the wrist crease
    assert lm(f, "crease_ulnar_end")[0] < p[0] < lm(f, "palmaris_tendon")[0]  # ulnar side
    assert p[0] >= lm(f, "fcu_tendon_radial")[0]  # radial to the FCU tendon


def _lu7(at: Callable[[str], Xy], f: Region) -> None:
    p = at("LU7")
    assert (p[1] - lm(f, "crease_radial")[1]) / f.cun == pytest.approx(1.5, abs=0.01)
    assert abs(p[0] - lm(f, "radial_styloid")[0]) < 0.5 * f.cun  # over the radial styloid
    assert p[0] > lm(f, "fcr_tendon")[0]


def _te5(at: Callable[[str], Xy], f: Region) -> None:
    p, crease = at("TE5"), lm(f, "wrist_crease_mid")
    assert (p[1] - crease[1]) / f.cun == pytest.approx(2, abs=0.01)  # 2 B-cun above the crease
    between = (lm(f, "radius")[0] + lm(f, "ulna")[0]) / 2
    assert abs(p[0] - between) < 0.3 * f.cun  # midway between radius and ulna


def _sp6(at: Callable[[str], Xy], f: Region) -> None:
    p, malleolus = at("SP6"), lm(f, "medial_malleolus")
    assert cun(f, p, malleolus) == pytest.approx(3) and p[1] < malleolus[1]  # 3 B-cun above
    border = x_on(lm(f, "tibia_border_top"), lm(f, "tibia_border_low"), p[1])
    assert 0 < border - p[0] < f.cun  # just behind the medial border of the tibia


def _ki3(at: Callable[[str], Xy], f: Region) -> None:
    t, off = fraction_along(at("KI3"), lm(f, "medial_malleolus"), lm(f, "achilles_front"))
    assert 0 < t < 1 and off < 0.5  # between the medial malleolus and the calcaneal tendon


def _bl60(at: Callable[[str], Xy], f: Region) -> None:
    t, off = fraction_along(at("BL60"), lm(f, "lateral_malleolus"), lm(f, "achilles_front"))
    assert 0 < t < 1 and off < 0.5  # between the lateral malleolus and the calcaneal tendon


def _st36(at: Callable[[str], Xy], f: Region) -> None:
    p, st35 = at("ST36"), lm(f, "knee_eye_lateral")
    t, off = fraction_along(p, st35, lm(f, "ankle_front_mid"))
    assert cun(f, p, st35) == pytest.approx(3) and t > 0 and off < 0.5  # 3 B-cun below ST 35
    crest = x_on(lm(f, "tibia_crest_top"), lm(f, "tibia_crest_low"), p[1])
    assert 0.5 < (crest - p[0]) / f.cun < 1.5  # a finger width lateral to the tibial crest


def _gb34(at: Callable[[str], Xy], f: Region) -> None:
    p, head = at("GB34"), lm(f, "fibula_head")
    assert p[1] > head[1] and p[0] > head[0]  # distal and anterior to the fibular head
    assert cun(f, p, head) < 1


def _lr3(at: Callable[[str], Xy], f: Region) -> None:
    p, junction = at("LR3"), lm(f, "mt12_junction")
    first = x_on(junction, lm(f, "mt1_head"), p[1])
    second = x_on(junction, lm(f, "mt2_head"), p[1])
    assert first < p[0] < second  # between the first and second metatarsals
    assert 0 < (junction[1] - p[1]) / f.cun < 1  # just distal to where their bases meet


def _bl67(at: Callable[[str], Xy], f: Region) -> None:
    p, corner = at("BL67"), lm(f, "nail5_lateral_base")
    assert (p[0] - corner[0]) / f.cun == pytest.approx(0.1)  # 0.1 F-cun lateral ...
    assert (p[1] - corner[1]) / f.cun == pytest.approx(0.1)  # ... and proximal to the corner


def _ki1(at: Callable[[str], Xy], f: Region) -> None:
    t, off = fraction_along(at("KI1"), lm(f, "web_23"), lm(f, "heel_back"))
    assert t == pytest.approx(1 / 3, abs=1e-3) and off < 0.5  # front third of web to heel


def _gv20(at: Callable[[str], Xy], f: Region) -> None:
    p = at("GV20")
    assert p[0] == pytest.approx(f.midline)  # on the midline, at the top of the head
    assert p == pytest.approx(lm(f, "vertex"))
    assert p[1] < lm(f, "hairline_mid")[1] < lm(f, "ear_apex")[1]


def _exhn3(at: Callable[[str], Xy], f: Region) -> None:
    inner = lm(f, "brow_inner")
    other = mirror(f, inner)
    assert at("EXHN3") == pytest.approx(((inner[0] + other[0]) / 2, inner[1]))  # between brows


WHO: dict[str, tuple[str, Check]] = {
    "B23": ("lower_back", _b23),
    "B47": ("lower_back", _b47),
    "B48": ("lower_back", _b48),
    "GB30": ("lower_back", _gb30),
    "LI4": ("hand_back", _li4),
    "TE3": ("hand_back", _te3),
    "SI3": ("hand_back", lambda at, f: _si3(at, f)),
    "TE5": ("hand_back", _te5),
    "B54": ("knee_back", _b54),
    "B53": ("knee_back", _b53),
    "GB20": ("neck_back", _gb20),
    "BL10": ("neck_back", _bl10),
    "GB21": ("neck_back", _gb21),
    "LI11": ("arm_outer", _li11),
    "LI10": ("arm_outer", _li10),
    "PC6": ("forearm_front", _pc6),
    "HT7": ("forearm_front", _ht7),
    "LU7": ("forearm_front", _lu7),
    "SP6": ("ankle_inner", _sp6),
    "KI3": ("ankle_inner", _ki3),
    "BL60": ("ankle_outer", _bl60),
    "ST36": ("leg_front", _st36),
    "GB34": ("leg_front", _gb34),
    "LR3": ("foot_top", _lr3),
    "BL67": ("foot_top", _bl67),
    "KI1": ("foot_sole", _ki1),
    "GV20": ("head_front", _gv20),
    "EXHN3": ("head_front", _exhn3),
}


def _si3(at: Callable[[str], Xy], f: Region) -> None:
    p, knuckle = at("SI3"), lm(f, "mcp5_ulnar")
    edge = x_on(knuckle, lm(f, "wrist_crease_ulnar"), p[1])
    assert abs(p[0] - edge) < 0.2 * f.cun  # on the ulnar border of the hand ...
    assert 0 < (p[1] - knuckle[1]) / f.cun < 1  # ... just proximal to the fifth knuckle


def test_every_shipped_point_has_a_picture(shipped: dict[str, Point]) -> None:
    assert len(shipped) == 28 and set(WHO) == set(shipped)
    for pid, point in shipped.items():
        assert figure_of(point) == WHO[pid][0], pid
        svg = picture_svg(point)
        assert svg is not None
        root = ET.fromstring(svg)
        assert point.name in (root.findtext(f"{SVG}title") or "")
        assert root.findtext(f"{SVG}desc") == point.location
        assert point.name in svg.split('id="point-marks"')[1]  # the mark carries the code


@pytest.mark.parametrize("pid", list(WHO))
def test_mark_follows_the_who_definition(shipped: dict[str, Point], pid: str) -> None:
    def at(code: str) -> Xy:
        place = shipped[code].figure
        assert place is not None and place.region == WHO[pid][0]
        return resolve(place)

    fig = region(WHO[pid][0])
    WHO[pid][1](at, fig)
    x, y = at(pid)
    assert 0 <= x <= fig.width and 0 <= y <= fig.height  # and it is on the drawing


def test_paired_points_are_marked_on_both_sides(shipped: dict[str, Point]) -> None:
    b23 = shipped["B23"]
    assert b23.figure is not None
    (x, y), (mx, my) = marks_of(b23.figure, b23.bilateral)
    assert (x + mx) / 2 == pytest.approx(200) and y == my  # mirrored across the spine
    gv20 = shipped["GV20"]
    assert gv20.figure is not None and len(marks_of(gv20.figure, gv20.bilateral)) == 1
    assert len(marks_of(shipped["LI4"].figure, True)) == 1  # type: ignore[arg-type]  # one hand
    assert (picture_svg(b23) or "").count('r="4.5"') == 2


def _pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("L"), dtype=np.int16)


@pytest.mark.parametrize("pid", list(WHO))
def test_picture_matches_golden_png(shipped: dict[str, Point], pid: str) -> None:
    png = picture_png(shipped[pid], width=300)
    assert png is not None and png.startswith(b"\x89PNG")
    path = GOLDEN / f"{pid}.png"
    if os.environ.get("UPDATE_GOLDEN") or not path.exists():
        path.write_bytes(png)
        if not os.environ.get("UPDATE_GOLDEN"):
            pytest.fail(f"wrote missing golden image {path.name}; look at it and commit it")
    actual, expected = _pixels(png), _pixels(path.read_bytes())
    assert actual.shape == expected.shape
    differ = np.abs(actual - expected) > 64
    # a renderer patch may move antialiased edges; a moved mark or line changes far more
    assert differ.mean() < 0.004, f"{pid}: {differ.sum()} pixels differ from {path.name}"


def test_region_figures_and_click_placement() -> None:
    ids = region_figures()
    assert {"lower_back", "knee_back", "hand_back", "head_front"} <= set(ids)
    for fid in ids:
        ET.fromstring(region_svg(fid))
    # a click on B 23's spot gives a place that resolves back to that spot
    place = place_from_click("lower_back", 227, 109)
    assert place["region"] == "lower_back" and place["at"] == "L2_lower"
    resolved = resolve(
        FigurePlace(region="lower_back", at="L2_lower", dx=float(place["dx"]))  # type: ignore[arg-type]
    )
    assert resolved == pytest.approx((227, 109))
    mirrored = place_from_click("lower_back", 173, 109)  # the left side counts as the right
    assert mirrored == place


# --- own points -------------------------------------------------------------------------------


def _point_file(folder: Path, figure: str) -> Path:
    path = folder / "points.yaml"
    path.write_text(
        "points:\n"
        "  MINE:\n"
        '    name: "My 1"\n'
        "    location: A hand width above the hip bone.\n"
        f"    figure: {figure}\n",
        encoding="utf-8",
    )
    return path


def test_own_point_placed_on_a_region(tmp_path: Path) -> None:
    path = _point_file(tmp_path, "{region: lower_back, from: psis, to: L4_spinous, fraction: 1/3}")
    point = load_point_file(path, "mine").points["MINE"]
    assert point.figure is not None and figure_of(point) == "lower_back"
    assert point.figure.fraction == pytest.approx(1 / 3)
    svg = picture_svg(point) or ""
    assert "My 1" in svg and svg.count('r="4.5"') == 2
    png = picture_png(point, width=200) or b""
    assert Image.open(io.BytesIO(png)).size[0] == 200


def test_own_point_with_an_image_file(tmp_path: Path) -> None:
    Image.new("RGB", (40, 30), "white").save(tmp_path / "spot.png")
    path = _point_file(tmp_path, "{image: spot.png}")
    point = load_point_file(path, "mine").points["MINE"]
    assert figure_of(point) == "image"
    svg = picture_svg(point) or ""
    assert 'viewBox="0 0 40 30"' in svg and "data:image/png;base64," in svg
    assert Image.open(io.BytesIO(picture_png(point, width=80) or b"")).size == (80, 60)


@pytest.mark.parametrize(
    ("figure", "col", "message"),
    [
        (
            "{region: lower_bak, at: psis}",
            22,
            "unknown figure 'lower_bak' (did you mean 'lower_back'",
        ),
        ("{region: lower_back, at: psiss}", 38, "no landmark 'psiss' (did you mean 'psis'"),
        ("{image: ../outside.png}", 21, "outside the point file's folder"),
        ("{image: missing.png}", 21, "no file 'missing.png' beside the point file"),
        ("{region: lower_back, at: psis, level: L4_spinous}", 13, "exactly one of 'at', 'level'"),
        ("{region: hand_back, at: mcp4, fraction: 2}", 53, "fraction must be"),
    ],
)
def test_figure_errors_say_where(tmp_path: Path, figure: str, col: int, message: str) -> None:
    (tmp_path.parent / "outside.png").write_bytes(b"")
    path = _point_file(tmp_path, figure)
    with pytest.raises(RoutineError) as caught:
        load_point_file(path, "mine")
    assert f"{path}:5:{col}: " in str(caught.value) and message in str(caught.value)


# --- the command line ----------------------------------------------------------------------


def test_points_picture_writes_svg_and_png(tmp_path: Path) -> None:
    code, _, err = run("points", "GB30", "--picture", str(tmp_path / "gb30.svg"))
    assert code == 0, err
    root = ET.fromstring((tmp_path / "gb30.svg").read_text(encoding="utf-8"))
    assert "GB 30" in (root.findtext(f"{SVG}title") or "")
    code, _, err = run("points", "bl40", "--picture", str(tmp_path / "b54.png"), "--lang", "es")
    assert code == 0, err
    assert Image.open(tmp_path / "b54.png").size[0] == 600
    code, _, err = run("points", "GB30", "--picture", str(tmp_path / "gb30.gif"))
    assert code == 2 and ".svg or .png" in err and not (tmp_path / "gb30.gif").exists()


def test_points_json_names_each_figure(tmp_path: Path) -> None:
    code, out, err = run("points", "--json")
    assert code == 0, err
    figures = {p["id"]: p["figure"] for p in json.loads(out)["points"]}
    assert figures["B23"] == "lower_back" and figures["LI4"] == "hand_back"
    assert all(figures[pid] == fid for pid, (fid, _) in WHO.items())
    code, out, _ = run("points", "B23", "--json")
    assert json.loads(out)["figure_place"] == {
        "region": "lower_back",
        "level": "L2_lower",
        "lateral": 1.5,
    }


def test_check_notes_a_point_without_a_picture(tmp_path: Path) -> None:
    path = tmp_path / "points.yaml"
    path.write_text('points:\n  MINE:\n    name: "My 1"\n    location: Here.\n', encoding="utf-8")
    code, out, err = run("check", str(path))
    assert code == 0, err
    assert f"{path}:2:3: note: point MINE has no 'figure:'" in out
    code, _, err = run(
        "points", "MINE", "--points", str(path), "--picture", str(tmp_path / "a.svg")
    )
    assert code == 2 and "no picture" in err


def test_a_point_placed_by_a_click_builds_with_its_picture(tmp_path: Path) -> None:
    import yaml

    place = place_from_click("knee_back", 300, 230)
    path = tmp_path / "points.yaml"
    path.write_text(
        yaml.safe_dump(
            {
                "points": {
                    "MINE": {"name": "My knee", "location": "Below the crease.", "figure": place}
                }
            }
        ),
        encoding="utf-8",
    )
    point = load_point_file(path, "mine").points["MINE"]
    assert point.figure is not None and resolve(point.figure) == pytest.approx((300, 230), abs=0.2)
    assert picture_png(point, width=300) is not None


def test_own_point_with_an_svg_or_jpeg_image(tmp_path: Path) -> None:
    (tmp_path / "spot.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 50 100">'
        '<rect width="50" height="100" fill="#000"/></svg>',
        encoding="utf-8",
    )
    point = load_point_file(_point_file(tmp_path, "{image: spot.svg}"), "mine").points["MINE"]
    png = Image.open(io.BytesIO(picture_png(point, width=50) or b""))
    assert png.size == (50, 100) and png.convert("L").getpixel((25, 50)) == 0  # drawn, not blank
    Image.new("RGB", (30, 60), "white").save(tmp_path / "spot.jpg")
    point = load_point_file(_point_file(tmp_path, "{image: spot.jpg}"), "mine").points["MINE"]
    assert 'viewBox="0 0 30 60"' in (picture_svg(point) or "")
