"""Point texts: sourced, corrected (issue 16), and in every language; a missing language refused."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import plan, run, write
from test_languages import english_left, spoken_and_shown, words

from audio_guide.authoring.phrases import languages, load_phrases
from audio_guide.authoring.points import assemble, load_point_file, shipped_points_path
from audio_guide.model import TEXT_FIELDS, Point

ARTICLE = ("B23", "B47", "B48", "GB30", "LI4", "TE3", "B54", "B53")
ALL_STEPS = "".join(
    f"  - point: {pid}\n    hold: 5\n" for pid in (*ARTICLE, "GB20", "SP6", "EXHN3", "GV20")
)


def shipped() -> dict[str, Point]:
    """The shipped library with its translations, no user layer on top."""
    return dict(assemble().points)


def test_every_shipped_point_has_a_source_per_location_and_caution() -> None:
    points = dict(load_point_file(shipped_points_path(), "shipped").points)
    assert len(points) == 28
    for pid, point in points.items():
        assert dict(point.sources).get("location"), f"{pid}: location has no source"
        assert point.purpose is None or dict(point.sources).get("purpose"), pid
        assert len(point.caution_sources) == len(point.cautions), pid
        assert len(point.caution_editorial) == len(point.cautions), pid
        for i, text in enumerate(point.cautions):
            source, editorial = point.caution_sources[i], point.caution_editorial_note(i)
            assert bool(source) != bool(editorial), (
                f"{pid}: caution {text!r} needs a source of its own or an editorial label, "
                "not both and not neither"
            )


def test_the_source_check_can_fail(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "points:\n  X1:\n    name: x\n    location: Here.\n    cautions: [Careful.]\n"
        "    source: {location: Somewhere}\n",
        "p.yaml",
    )
    point = load_point_file(path, "--points").points["X1"]
    assert point.source_of("location") == "Somewhere"
    assert point.caution_source(0) is None and point.caution_sources == (None,)


@pytest.mark.parametrize("language", ["en", "es", "de", "fr"])
def test_every_shipped_point_has_every_text_in_every_language(language: str) -> None:
    for pid, point in shipped().items():
        shown = point.in_language(language)
        assert shown is not None, (pid, language)
        for field in TEXT_FIELDS[:-1]:
            assert bool(getattr(shown, field)) == bool(getattr(point, field)), (pid, field)
        assert len(shown.cautions) == len(point.cautions), pid
        for text in (shown.location, shown.method, shown.purpose, *shown.cautions):
            assert text is None or text.endswith("."), (pid, language, text)
            unnamed = re.sub(r"\b[A-Z]{1,2} \d+\b", "", text or "")  # "B 23" is a name
            assert not re.search(r"\d", unnamed), (pid, language, text)


def test_points_shows_the_corrected_texts_and_cautions() -> None:
    def show(pid: str, *flags: str) -> str:
        code, out, err = run("points", pid, *flags)
        assert code == 0, err
        return out

    b48 = show("B48")
    assert "second hole" in b48 and "four finger widths out from the middle of the sacrum" in b48
    assert "just 1 inch away" in b48  # the article's words, kept in the notes
    assert re.search(r"^source location +WHO Standard .*BL53", b48, re.M)
    gb30 = show("GB30")
    assert "one third of the way from the bump toward the base of the spine" in gb30
    assert "A large nerve runs deep here. Stop if you feel tingling, numbness or shooting" in gb30
    for pid in ("B23", "B47"):
        location = re.search(r"^location +(.*)$", show(pid), re.M)
        assert location and "two vertebrae" in location[1], pid
        assert "just above the hip bone" not in location[1]
    for pid in ("B54", "B53"):
        shown = show(pid)
        assert "Do not press over varicose veins, or if the knee or calf is swollen, hot" in shown
        assert "editorial (the project's own advice)" in shown
    for pid in ("B23", "B47", "B48", "GB30"):
        assert "ask your midwife or doctor" in show(pid)
    li4 = show("LI4")
    assert "endorphins" not in li4.split("notes")[0] and "may help" in li4
    es = show("B47", "--lang", "es")
    assert "Mantén los pulgares a la misma altura" in es and "Deslízalos hacia fuera" in es
    assert re.search(r"^language +es$", es, re.M)
    assert "cerca del extremo del pliegue" in show("LI4", "--lang", "es")
    assert "justo antes de los nudillos, hacia la muñeca" in show("TE3", "--lang", "es")


def test_points_lists_a_language_and_refuses_an_unknown_one() -> None:
    code, out, _ = run("points", "--lang", "de")
    assert code == 0
    assert re.search(r"^LI4 +LI 4 +LI4 +zwischen Daumen und Zeigefinger", out, re.M), out
    code, out, _ = run("points", "--lang", "fr", "--json")
    gb30 = next(p for p in json.loads(out)["points"] if p["id"] == "GB30")
    assert gb30["language"] == "fr" and gb30["title"] == "côté de la fesse"
    assert gb30["source"]["caution 1"].startswith("Deadman")
    code, _, err = run("points", "--lang", "sp")
    assert code == 2 and "--lang: unknown language 'sp'" in err


@pytest.mark.parametrize("language", ["en", "es", "de", "fr"])
def test_a_routine_of_library_points_speaks_only_its_language(
    tmp_path: Path, language: str
) -> None:
    routine = write(tmp_path, f"title: t\nlanguage: {language}\nsteps:\n{ALL_STEPS}")
    voice = {"fr": ("--voice", "fake/en-us")}.get(language, ())  # the fake engine has no fr
    tl = plan(str(routine), *voice)
    texts = spoken_and_shown(tl)
    table = language if language != "en" else "es"
    own = {w.lower() for t in load_phrases(table).texts.values() for w in words(t)}
    # an English phrase that is also a word of the language's own table ("Point") is not English
    left = [(t, w) for t, w in english_left(texts, table) if w.lower() not in own]
    if language == "en":
        assert {"the", "point"} <= {w.lower() for _, w in left}  # the check finds English
    else:
        assert left == [], left
        assert not any("B 48 — hip" in t or "web of the hand" in t for t in texts)


def test_the_spanish_routine_reads_the_review_corrections() -> None:
    texts = [e["text"] for e in plan("back_pain_es")["events"]]
    joined = "\n".join(texts)
    for wanted in (
        "detente si el dolor aumenta.",
        "Mantén los pulgares a la misma altura",
        "Deslízalos hacia fuera",
        "Pega el pulgar al costado del índice",
        "cerca del extremo del pliegue",
        "justo antes de los nudillos, hacia la muñeca",
        "pierdes el control de la orina o de las heces",
        "pregunta a tu matrona o a tu médico",
    ):
        assert wanted in joined, wanted
    for gone in ("Para si", "Quédate a la misma altura", "Junta el pulgar", "justo detrás de"):
        assert gone not in joined, gone


def test_a_point_without_the_routine_language_is_refused_at_its_step(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "config"
    (config / "points").mkdir(parents=True)
    monkeypatch.setenv("AUDIO_GUIDE_CONFIG_DIR", str(config))
    mine = config / "points" / "mine.yaml"
    mine.write_text("points:\n  LI4:\n    name: LI 4\n    location: Between thumb and finger.\n")
    routine = write(
        tmp_path,
        "title: t\nlanguage: de\nsteps:\n  - point: GB20\n    hold: 5\n"
        "  - point: LI4\n    hold: 5\n",
    )
    code, _, err = run("plan", str(routine), "--engine", "fake")
    assert code == 2
    assert err.startswith(
        f"{routine}:6:12: step 2: LI 4 has no text in the routine's language 'de' (only 'en'; "
        f"user folder {mine}:2:3)"
    ), err
    assert err.count("\n") == 1  # GB 20 (shipped, with German texts) is fine
    # a translation in a point file of its own gives it one
    (config / "points" / "mine_de.yaml").write_text(
        "translations:\n  de:\n    LI4:\n      location: Zwischen Daumen und Finger.\n"
    )
    texts = [e["text"] for e in plan(str(routine))["events"]]
    assert "Zwischen Daumen und Finger." in texts


def test_translation_problems_are_refused_with_their_position(tmp_path: Path) -> None:
    bad = write(
        tmp_path,
        "translations:\n  es:\n    NOPE1:\n      location: Aquí.\n"
        "    LI4:\n      location: Aquí.\n"
        "    GB21:\n      location: Aquí.\n      method: Así.\n      purpose: Sí.\n"
        "      cautions: [Una.]\n"
        "  xx:\n    LI4:\n      location: x.\n",
        "p.yaml",
    )
    code, _, err = run("points", "--points", str(bad))
    assert code == 2
    assert f"{bad}:12:3: translations: unknown language 'xx'" in err
    code, _, err = run("points", "--points", str(write(tmp_path, _fixed(bad), "q.yaml")))
    assert code == 2
    q = tmp_path / "q.yaml"
    assert f"{q}:3:5: translations.es.NOPE1: no point 'NOPE1' to translate" in err
    assert f"{q}:5:5: translations.es.LI4: give its title, method, purpose too" in err
    assert f"{q}:7:5: translations.es.GB21: give its title too" in err


def _fixed(bad: Path) -> str:
    return bad.read_text().split("  xx:")[0]


def test_a_routine_own_points_are_in_its_language(tmp_path: Path) -> None:
    routine = write(
        tmp_path,
        "title: t\nlanguage: es\npoints:\n  MIO:\n    name: mío\n    location: Aquí.\n"
        "steps:\n  - point: MIO\n    hold: 5\n",
    )
    assert "Aquí." in [e["text"] for e in plan(str(routine))["events"]]
    assert languages() == ["de", "en", "es", "fr"]
