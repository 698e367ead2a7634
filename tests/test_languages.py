"""A routine's language: its phrase table, its voice, its chapters and picture; the errors.

Logic on the fake engine (which has an ``es`` and a ``de`` voice); the real Spanish render with
espeak-ng is in ``test_languages_real.py``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from conftest import FIXTURES, plan, run, write

from audio_guide.authoring.phrases import key_specs, languages, load_phrases

GERMAN = str(FIXTURES / "routines" / "de_short.yaml")
ENGLISH_WORDS = {
    "the", "and", "press", "release", "point", "hold", "seconds", "now", "left", "right",
    "hand", "side", "sides", "find", "both", "this", "will", "routine", "breathe", "round",
    "again", "last", "rest", "we", "of", "for", "is", "that", "was", "then", "times", "ready",
    "get", "your", "you", "with", "slowly", "introduction", "closing", "end", "minutes",
}  # fmt: skip


def english_left(texts: list[str], language: str) -> list[tuple[str, str]]:
    """(text, what) for every text holding a phrase of the English table (whole words) or a
    common English word that is not also a word of ``language``'s table ("Hand" in German)."""
    fragments = set()
    for phrase in load_phrases("en").texts.values():
        fragments |= {f.strip(" .,:") for f in re.split(r"\{[a-z_]+\}", phrase)}
    patterns = {f: re.compile(rf"\b{re.escape(f)}\b", re.I) for f in fragments if len(f) >= 4}
    own = {w.lower() for t in load_phrases(language).texts.values() for w in words(t)}
    found = []
    for text in texts:
        found += [(text, f) for f, pattern in patterns.items() if pattern.search(text)]
        found += [(text, w) for w in words(text) if w.lower() in ENGLISH_WORDS - own]
    return found


def words(text: str) -> list[str]:
    return re.findall(r"[^\W\d_]+", text)


def spoken_and_shown(timeline: dict[str, Any]) -> list[str]:
    texts = [e["text"] for e in timeline["events"] if e["kind"] == "speech"]
    return texts + [c["title"] for c in timeline["chapters"]]


def test_the_english_check_finds_english() -> None:
    """The check below can fail: it finds the English table's phrases in back_pain."""
    found = english_left(spoken_and_shown(plan("back_pain")), "es")
    assert {"Press", "Release", "Introduction", "Closing"} <= {w for _, w in found}


def test_back_pain_es_speaks_only_spanish_with_a_spanish_voice() -> None:
    tl = plan("back_pain_es")
    assert tl["settings"]["language"] == "es"
    assert tl["settings"]["voice_id"] == "fake/es"
    assert english_left(spoken_and_shown(tl), "es") == []
    es = load_phrases("es")
    texts = [e["text"] for e in tl["events"]]
    assert texts.count(es.say("press")) == 8 + 2  # 8 steady holds, LI 4's first press each side
    assert texts.count(es.say("press_again")) == 4
    assert es.say("release_last") in texts
    assert tl["chapters"][0]["title"] == "Introducción"
    assert tl["chapters"][-1]["title"] == "Cierre"
    assert len(tl["holds"]) == 14


def test_back_pain_es_has_the_clock_of_back_pain() -> None:
    es, en = plan("back_pain_es"), plan("back_pain")
    assert [(h["point"], h["side"], h["seconds"]) for h in es["holds"]] == [
        (h["point"], h["side"], h["seconds"]) for h in en["holds"]
    ]


def test_a_german_routine_gets_german_phrases_and_a_german_voice() -> None:
    tl = plan(GERMAN)
    assert tl["settings"]["voice_id"] == "fake/de"
    texts = [e["text"] for e in tl["events"]]
    assert "Punkt 1 von 3: Gb 20." in texts
    assert {"Drück.", "Lass los.", "Die linke Hand.", "Jetzt die rechte Hand."} <= set(texts)
    assert english_left(spoken_and_shown(tl), "de") == []
    code, out, err = run("plan", GERMAN, "--settings")
    assert code == 0, err
    assert re.search(r"^voice\s+de \(gmw/de\)\s+the routine's language de", out, re.M), out


def test_a_voice_given_wins_over_the_language() -> None:
    tl = plan("back_pain_es", "--voice", "fake/en-gb")
    assert tl["settings"]["voice_id"] == "fake/en-gb"
    assert tl["settings"]["language"] == "es"


def test_english_stays_the_default_and_keeps_its_voice() -> None:
    tl = plan("back_pain")
    assert tl["settings"]["language"] == "en"
    assert tl["settings"]["voice_id"] == "fake/en-us"


def test_an_unknown_language_exits_2_listing_the_languages(tmp_path: Path) -> None:
    routine = write(tmp_path, "title: t\nlanguage: esp\nsteps:\n  - point: LI4\n    hold: 5\n")
    code, _, err = run("plan", str(routine), "--engine", "fake")
    assert code == 2
    assert err.strip() == (
        f"{routine}:2:11: language: unknown language 'esp' (did you mean 'es'?); "
        f"languages: {', '.join(languages())}"
    )
    assert languages() == ["de", "en", "es", "fr"]


def test_an_engine_without_a_voice_of_the_language_exits_2_naming_its_voices(
    tmp_path: Path,
) -> None:
    routine = write(tmp_path, "title: t\nlanguage: fr\nsteps:\n  - point: LI4\n    hold: 5\n")
    code, _, err = run("plan", str(routine), "--engine", "fake")
    assert code == 2
    assert err.strip() == (
        "audio-guide: the routine's language is 'fr' but no fake voice speaks it (voices: "
        "fake/en-us (en-us/en), fake/en-gb (en-gb), fake/es (es), fake/de (de)); "
        "add one or give a voice with --voice"
    )


def test_every_shipped_table_has_every_key_with_its_placeholders() -> None:
    for language in languages():
        table = load_phrases(language)
        assert {name.split(".")[0] for name in table.texts} == set(key_specs()), language
        for name, text in table.texts.items():
            key = name.split(".")[0]
            used = set(re.findall(r"\{([a-z_]+)\}", text))
            assert used <= set(key_specs()[key].placeholders), (language, key)
            # forms only where a number chooses them, as deep as keys.yaml says
            assert name.count(".") == len(key_specs()[key].plural), (language, name)


def test_the_picture_is_in_the_routine_language(tmp_path: Path) -> None:
    svg = tmp_path / "es.svg"
    code, _, err = run("plan", "back_pain_es", "--engine", "fake", "--picture", str(svg))
    assert code == 0, err
    text = svg.read_text()
    for word in ("minutos", "campanas", "presión, izquierda", "presión, ambos lados", "fin 1"):
        assert word in text, word
    assert "Introducción" in text
    for word in ("minutes", "chimes", "hold, left", "Introduction", ">end "):
        assert word not in text, word


def test_numbers_in_phrases_use_the_language_decimal_mark(tmp_path: Path) -> None:
    text = "title: t\nlanguage: {}\nsteps:\n  - point: LI4\n    hold: 2.5\n"
    for language, expected in (("es", "durante 2,5 segundos"), ("en", "for 2.5 seconds")):
        routine = write(tmp_path, text.format(language), f"{language}.yaml")
        spoken = " ".join(e["text"] for e in plan(str(routine))["events"])
        assert expected in spoken, spoken
