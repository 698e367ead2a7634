"""The printable handout (fake engine): ``audio-guide handout`` for every shipped routine and
every language of the shipped routines and the example practice's clients, checked for each
point's name, picture, cautions and work, the safety lines and the total length (the plan's);
a practice client's QR code read back by a QR decoder; a PDF that parses; the studio's endpoint;
and ``batch`` writing each client's handouts beside the tracks."""

from __future__ import annotations

import base64
import html
import io
import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import pypdf
import pytest
import yaml
import zxingcpp
from conftest import plan, run
from practice_helpers import make_practice, tokens
from starlette.testclient import TestClient
from studio_helpers import body

from audio_guide import build as pipeline
from audio_guide.authoring.clients import CLIENT_KEYS as CLIENT
from audio_guide.authoring.phrases import load_phrases
from audio_guide.authoring.points import assemble
from audio_guide.authoring.validate import data_dir
from audio_guide.model import Step
from audio_guide.outputs.handout import picture_svg

TOKEN = "0123456789abcdef0123456789abcdef"
BASE = "https://example.org/care"
FEED = f"{BASE}/{TOKEN}/feed.xml"
OTHER_LANGUAGES = {
    "de": (
        "Drück fest, aber nie so fest, dass es wehtut.",
        "Wenn du schwanger bist, frag vorher deine Hebamme oder deine Ärztin.",
    ),
    "fr": (
        "Appuyez fermement, mais jamais jusqu'à la douleur.",
        "Si vous êtes enceinte, demandez d'abord l'avis de votre sage-femme ou de votre médecin.",
    ),
}


def other_language(tmp_path: Path, language: str) -> Path:
    """A routine in ``language`` on shipped points (their texts in that language)."""
    safety = "".join(f'  - "{line}"\n' for line in OTHER_LANGUAGES[language])
    path = tmp_path / f"routine_{language}.yaml"
    path.write_text(
        f"title: Routine {language}\nlanguage: {language}\nsafety:\n{safety}"
        "steps:\n  - point: B23\n    hold: 60\n  - point: LI4\n"
        "    cycles: {press: 10, release: 5, times: 3}\n    sides: each\n"
        "  - point: GB30\n    hold: 1\n",
        encoding="utf-8",
    )
    return path


def practice(tmp_path: Path) -> Path:
    """The example practice, with a feed token for every client (as after a first batch)."""
    root = tmp_path / "practice"
    assert run("practice", "init", str(root))[0] == 0
    (root / "state").mkdir()
    names = [p.stem for p in (root / "clients").glob("*.yaml")]
    data = {n: {"token": TOKEN, "feed": "9b2e7d1c-0000-4000-8000-000000000000"} for n in names}
    (root / "state" / "tokens.json").write_text(json.dumps(data), encoding="utf-8")
    return root


def shown(page: str) -> str:
    """The page's text, without its tags."""
    return html.unescape(re.sub(r"<[^>]+>", "", page))


def clock(seconds: float) -> str:
    whole = round(seconds)
    return f"{whole // 60}:{whole % 60:02d}"


def check(page: str, spec: str, duration: float, language: str, points: str = "") -> None:
    """Every point's name, picture, location and cautions, the safety lines and the total
    length are on the page, in ``language`` (``points``: a point file over the shipped ones)."""
    library = assemble((), [Path(points)] if points else [])
    routine = pipeline.load(spec, library)
    assert routine.language == language
    words = load_phrases(language)
    text = shown(page)
    assert f'<html lang="{language}">' in page
    assert words.say("handout_length", time=clock(duration)) in text
    for line in routine.safety:
        assert line in text
    steps = [s for s in routine.steps if isinstance(s, Step)]
    assert steps
    for step in steps:
        point = step.point
        assert point.name in text and point.location in text
        for caution in point.cautions:
            assert f"{words.say('handout_cautions')} {caution}" in text
        svg = picture_svg(point)
        if svg is not None:
            assert base64.b64encode(svg.encode()).decode() in page, point.id
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)
    assert "<script" not in page and "<link" not in page


def handout(tmp_path: Path, spec: str, name: str, *flags: str) -> str:
    out = tmp_path / name
    code, said, err = run("handout", spec, "--engine", "fake", "-o", str(out), *flags)
    assert code == 0, err
    assert said.startswith(f"wrote {out}")
    return out.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("spec", "language"), [("back_pain", "en"), ("back_pain_es", "es"), ("neck_shoulders", "en")]
)
def test_every_shipped_routine(tmp_path: Path, spec: str, language: str) -> None:
    page = handout(tmp_path, spec, "h.html")
    check(page, spec, plan(spec)["duration"], language)


def test_back_pain_work_and_sides_follow_the_settings(tmp_path: Path) -> None:
    page = shown(handout(tmp_path, "back_pain", "h.html", "--hold", "B54=45"))
    assert "Press for 10 s, rest for 5 s; 3 times · Left hand, then right hand" in page
    assert "Hold for 60 seconds · Both sides at once" in page
    assert "8. B 53" in page and "Hold for 45 seconds" in page
    assert clock(plan("back_pain", "--hold", "B54=45")["duration"]) in page
    right = shown(handout(tmp_path, "back_pain", "r.html", "--sides", "right"))
    assert "Right hand only" in right and "Left hand" not in right


@pytest.mark.parametrize("language", sorted(OTHER_LANGUAGES))
def test_german_and_french(tmp_path: Path, language: str) -> None:
    spec = str(other_language(tmp_path, language))
    flags = ("--voice", "en-us") if language == "fr" else ()  # the fake engine has no French
    page = handout(tmp_path, spec, "h.html", *flags)
    check(page, spec, plan(spec, *flags)["duration"], language)
    words = load_phrases(language)
    text = shown(page)
    assert words.say("handout_hold", seconds=1) in text  # "eine Sekunde", "une seconde"
    hand = words.say("handout_each", first=words.text("left_hand"), second=words.text("right_hand"))
    assert hand in text and words.say("handout_safety") in text


def feed_of_svg(page: str) -> str:
    """Draw the QR code's SVG (segno's runs of dark modules) and read it with zxing-cpp."""
    svg = re.search(r'<svg viewBox="0 0 (\d+) \1" class="qr">.*?</svg>', page, re.S)
    assert svg, "no QR code"
    size = int(svg.group(1))
    grid = np.full((size, size), 255, np.uint8)
    x = y = 0.0
    for op, args in re.findall(r"([MmHh])([^MmHh]*)", re.search(r' d="([^"]+)"', svg.group(0))[1]):
        nums = [float(n) for n in args.replace(",", " ").split()]
        if op == "M":
            x, y = nums
        elif op == "m":
            x, y = x + nums[0], y + nums[1]
        else:
            grid[int(y), int(x) : int(x + nums[0])] = 0
            x += nums[0]
    found = zxingcpp.read_barcodes(np.kron(grid, np.ones((8, 8), np.uint8)))
    assert len(found) == 1
    return str(found[0].text)


def feeds_of_pdf(data: bytes) -> list[str]:
    reader = pypdf.PdfReader(io.BytesIO(data))
    texts = []
    for image in reader.pages[0].images:
        texts += [b.text for b in zxingcpp.read_barcodes(image.image)]
    return texts


@pytest.mark.parametrize(
    ("client", "routine", "flags"),
    [
        ("ana", "hands", ("--voice", "en-us")),  # her voice is an espeak variant; not the test's
        ("ana", "neck", ("--voice", "en-us")),
        ("ben", "neck", ()),
        ("carla", "hands", ()),
        ("carla", "neck", ()),
    ],
)
def test_example_practice_clients_get_a_qr_code_of_their_feed(
    tmp_path: Path, client: str, routine: str, flags: tuple[str, ...]
) -> None:
    root = practice(tmp_path)
    args = ("--client", str(root / "clients" / f"{client}.yaml"), *flags)
    page = handout(tmp_path, routine, "h.html", *args, "--base-url", BASE)
    spec = str(root / "routines" / f"{routine}.yaml")
    as_profile = yaml.safe_load((root / "clients" / f"{client}.yaml").read_text())
    profile = tmp_path / "profile.yaml"  # the client file less its client keys
    profile.write_text(yaml.safe_dump({k: v for k, v in as_profile.items() if k not in CLIENT}))
    points = str(root / "points" / "practice.yaml")  # the practice's own points
    data = plan(spec, "--profile", str(profile), "--points", points, *flags)
    check(page, spec, data["duration"], "en", points)
    assert feed_of_svg(page) == FEED and FEED in page
    if client == "ana":  # pacing: sides: right
        assert "Right hand only" in page or routine == "neck"
    if client == "ben":  # pacing: holds: {GB20: 30}
        assert "1. GB 20" in page and "Hold for 30 seconds" in page


def test_without_a_feed_or_base_url_there_is_no_qr_code(tmp_path: Path) -> None:
    root = practice(tmp_path)
    ben = str(root / "clients" / "ben.yaml")
    out = tmp_path / "x.html"
    code, _, err = run("handout", "neck", "--client", ben, "--engine", "fake", "-o", str(out))
    assert code == 0 and "give --base-url" in err and 'class="qr"' not in out.read_text()
    (root / "state" / "tokens.json").write_text("{}")
    out = tmp_path / "y.html"
    code, _, err = run(
        "handout", "neck", "--client", ben, "--engine", "fake", "--base-url", BASE, "-o", str(out)
    )
    assert code == 0 and "ben has no feed yet" in err and 'class="qr"' not in out.read_text()


def test_pdf_parses_with_names_safety_and_qr_code(tmp_path: Path) -> None:
    root = practice(tmp_path)
    carla = str(root / "clients" / "carla.yaml")
    out = tmp_path / "carla.pdf"
    code, _, err = run(
        "handout", "hands", "--client", carla, "--engine", "fake", "--base-url", BASE,
        "-o", str(out),
    )  # fmt: skip
    assert code == 0, err
    data = out.read_bytes()
    assert data.startswith(b"%PDF-")
    reader = pypdf.PdfReader(io.BytesIO(data))
    assert 1 <= len(reader.pages) <= 2
    text = " ".join((p.extract_text() or "") for p in reader.pages)
    flat = " ".join(text.split())
    for name in ("LI 4", "PC 6", "HT 7", "Total length:", "Press firmly, but never"):
        assert name in flat, name
    assert feeds_of_pdf(data) == [FEED]
    es = tmp_path / "es.pdf"
    assert run("handout", "back_pain_es", "--engine", "fake", "-o", str(es))[0] == 0
    text = " ".join(" ".join(p.extract_text().split()) for p in pypdf.PdfReader(es).pages)
    assert "Duración total" in text and "B 23" in text
    assert len(pypdf.PdfReader(es).pages) <= 2


def test_bad_input_exits_2_at_its_position_and_writes_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("title: x\nsteps:\n  - point: NOPE\n    hold: 5\n", encoding="utf-8")
    out = tmp_path / "h.html"
    code, _, err = run("handout", str(bad), "--engine", "fake", "-o", str(out))
    assert code == 2 and f"{bad}:3:12:" in err and not out.exists()
    code, _, err = run("handout", "back_pain", "-o", str(tmp_path / "h.txt"))
    assert code == 2 and "use a .html or .pdf name" in err
    code, _, err = run("handout", "back_pain", "--base-url", BASE, "-o", str(out))
    assert code == 2 and "give it with --client" in err
    code, _, err = run("handout", "back_pain", "--base-url", "ftp://x", "-o", str(out))
    assert code == 2 and "should be an http(s) address" in err
    assert list(tmp_path.iterdir()) == [bad]


def test_studio_offers_the_handout(client: TestClient) -> None:
    res = client.post("/api/handout", json=body({"holds": ["B54=45"]}, format="html"))
    assert res.status_code == 200, res.text
    assert res.headers["content-type"].startswith("text/html")
    page = shown(res.text)
    assert "1. B 23" in page and "Total length:" in page and "Hold for 45 seconds" in page
    pdf = client.post("/api/handout", json=body(format="pdf"))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    assert 'filename="back_pain.handout.pdf"' in pdf.headers["content-disposition"]
    spanish = (data_dir() / "back_pain_es.yaml").read_text(encoding="utf-8")
    es = client.post("/api/handout", json=body(routine=spanish, format="html"))
    assert es.status_code == 200 and "Duración total" in es.text and 'lang="es"' in es.text
    wrong = client.post("/api/handout", json=body(format="doc"))
    assert wrong.status_code == 400 and "'format'" in wrong.json()["error"]


def test_batch_writes_each_clients_handouts_beside_the_tracks(tmp_path: Path) -> None:
    root = make_practice(tmp_path / "p", clients=2)
    code, _, err = run("batch", str(root), "--jobs", "1", "--base-url", BASE)
    assert code == 0, err
    for token in tokens(root).values():
        folder = root / "site" / token
        for routine in ("r1", "r2"):
            assert (folder / f"{routine}.mp3").is_file()
            page = (folder / f"{routine}.handout.html").read_text(encoding="utf-8")
            assert feed_of_svg(page) == f"{BASE}/{token}/feed.xml"
            timeline: dict[str, Any] = json.loads(
                (folder / f"{routine}.timeline.json").read_text()
            )
            assert clock(timeline["duration"]) in page
        assert 'href="./r1.handout.html"' in (folder / "index.html").read_text()
        assert "the well" in (folder / "r1.handout.html").read_text()
    stamps = {p: p.stat().st_mtime_ns for p in (root / "site").rglob("*.handout.*")}
    assert run("batch", str(root), "--jobs", "1", "--base-url", BASE)[0] == 0
    assert {p: p.stat().st_mtime_ns for p in (root / "site").rglob("*.handout.*")} == stamps
