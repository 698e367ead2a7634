"""Plural forms of phrases (issue 16): CLDR forms per language, their validation and overrides,
and the wording fixes that live in the phrase tables. Fake engine: only the words matter."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conftest import plan, run, write

from audio_guide.authoring.phrases import load_phrases, phrases_dir, read_table
from audio_guide.authoring.plurals import needed
from audio_guide.errors import RoutineError

FRENCH = ("--voice", "fake/en-us")
"""The fake engine has no French voice: the words are French, the voice does not matter."""

ONES = """\
title: Ones
language: {language}
steps:
  - {{name: Hold, hold: 1, find: 1}}
  - {{name: Cycle, cycles: {{press: 1, release: 1, times: 1}}, find: 1}}
  - name: Round
    cycles: {{phases: [{{say: In., seconds: 0.5}}, {{say: Out., seconds: 0.5}}], times: 1}}
    find: 1
  - {{name: Cycles, cycles: {{press: 3, release: 1, times: 2}}, find: 1}}
  - {{name: Long, hold: 2.5, find: 1}}
"""

EXPECTED = {
    "en": [
        "We will hold for 1 second.",
        "We will press once, for 1 second.",
        "We will do one round of 1 second.",
        "We will press for 3 seconds, then rest for 1 second. We do this 2 times.",
        "We will hold for 2.5 seconds.",
    ],
    "es": [
        "Vamos a presionar durante un segundo.",
        "Vamos a presionar una sola vez, durante un segundo.",
        "Haremos un ciclo de un segundo.",
        "Vamos a presionar 3 segundos y descansar un segundo. Lo haremos 2 veces.",
        "Vamos a presionar durante 2,5 segundos.",
    ],
    "de": [
        "Wir halten den Druck eine Sekunde lang.",
        "Wir drücken einmal, eine Sekunde lang.",
        "Wir machen einen Durchgang von einer Sekunde.",
        "Wir drücken 3 Sekunden, dann machen wir eine Sekunde Pause. Das machen wir 2-mal.",
        "Wir halten den Druck 2,5 Sekunden lang.",
    ],
    "fr": [
        "Nous allons appuyer pendant une seconde.",
        "Nous allons appuyer une seule fois, pendant une seconde.",
        "Nous allons faire un cycle d'une seconde.",
        "Nous allons appuyer 3 secondes, puis relâcher pendant une seconde. Nous le ferons 2 fois.",
        "Nous allons appuyer pendant 2,5 secondes.",
    ],
}


def plans(tl: dict[str, Any]) -> list[str]:
    """The plan sentences, without the "get ready" that follows each."""
    ready = {load_phrases(lang).texts["ready"] for lang in EXPECTED}
    out = []
    for e in tl["events"]:
        if e["role"] == "find":
            text = e["text"]
            for r in ready:
                text = text.removesuffix(" " + r)
            out.append(text)
    return out


@pytest.mark.parametrize("language", sorted(EXPECTED))
def test_one_second_one_time_and_one_round_read_correctly(language: str, tmp_path: Path) -> None:
    routine = write(tmp_path, ONES.format(language=language))
    assert plans(plan(str(routine), *FRENCH)) == EXPECTED[language]


def test_a_french_form_for_one_and_a_half_is_singular(tmp_path: Path) -> None:
    routine = write(tmp_path, "title: x\nlanguage: fr\nsteps:\n  - {name: a, hold: 1.5, find: 1}\n")
    assert plans(plan(str(routine), *FRENCH)) == ["Nous allons appuyer pendant 1,5 seconde."]


def test_the_languages_need_their_cldr_forms() -> None:
    # 'many' (a million and more in es and fr) is out of reach of any routine's numbers
    assert {lang: needed(lang) for lang in EXPECTED} == {
        "en": ("one", "other"),
        "es": ("one", "other"),
        "de": ("one", "other"),
        "fr": ("one", "other"),
    }


def table_with(tmp_path: Path, language: str, old: str, new: str) -> Path:
    text = (phrases_dir() / f"{language}.yaml").read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / f"{language}.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_a_table_missing_a_form_is_refused_at_its_position(tmp_path: Path) -> None:
    path = table_with(tmp_path, "es", '    one: "Vamos a presionar durante un segundo."\n', "")
    with pytest.raises(RoutineError) as caught:
        read_table(path, "es")
    (problem,) = caught.value.problems
    line = path.read_text().splitlines().index("  hold_plan:") + 2
    assert (problem.line, problem.col) == (line, 5)
    assert (
        "phrases.hold_plan: missing plural form one (chosen by {seconds}); es needs one, other"
        in (problem.message)
    )


def test_a_table_with_one_text_for_a_plural_key_or_a_foreign_form_is_refused(
    tmp_path: Path,
) -> None:
    path = table_with(
        tmp_path,
        "en",
        '  phases_plan_once:\n    one: "We will do one round of {seconds} second."\n',
        '  phases_plan_once: "One round of {seconds} seconds."\n  phases_plan:\n    few: "x"\n',
    )
    path.write_text(
        path.read_text().replace("  phases_plan:\n    one:", "  phases_plan_x:\n    one:")
    )
    with pytest.raises(RoutineError) as caught:
        read_table(path, "en")
    messages = [f"{p.line}:{p.col}: {p.message}" for p in caught.value.problems]
    assert any("phrases.phases_plan_once: missing plural forms one, other" in m for m in messages)
    assert any("'few' is not a plural form of en (its forms: one, other" in m for m in messages)


def test_overrides_give_single_forms_or_one_text(tmp_path: Path) -> None:
    routine = write(
        tmp_path,
        "title: x\nsteps:\n  - {name: a, hold: 1, find: 1}\n  - {name: b, hold: 3, find: 1}\n"
        "phrases:\n  hold_plan:\n    one: Just one second.\n",
    )
    assert plans(plan(str(routine))) == ["Just one second.", "We will hold for 3 seconds."]
    profile = write(tmp_path, "phrases:\n  hold_plan: Hold {seconds} s.\n", "p.yaml")
    # one text replaces every form below it (the routine's 'one' too)
    tl = plan(str(routine), "--profile", str(profile))
    assert plans(tl) == ["Hold 1 s.", "Hold 3 s."]
    tl = plan(str(routine), "--profile", str(profile), "--phrase", "hold_plan.one=One second.")
    assert plans(tl) == ["One second.", "Hold 3 s."]
    tl = plan(str(routine), "--phrase", "hold_plan.3=Three seconds, exactly.")
    assert plans(tl) == ["Just one second.", "Three seconds, exactly."]


@pytest.mark.parametrize(
    ("flag", "message"),
    [
        ("hold_plan.few=x", "--phrase hold_plan.few: 'few' is not a plural form of en"),
        (
            "hold_plan.oen=x",
            "--phrase hold_plan.oen: 'oen' is not a plural form (did you mean 'one'",
        ),
        ("press.one=x", "--phrase press.one: press holds no number, so it has no plural forms"),
        ("hold_plan.one.one=x", "--phrase hold_plan.one.one: hold_plan has 1 level(s) of forms"),
    ],
)
def test_bad_form_flags_exit_2(flag: str, message: str) -> None:
    code, out, err = run("plan", "back_pain", "--engine", "fake", "--phrase", flag)
    assert code == 2 and out == "", err
    assert message in err, err


def test_bad_forms_in_files_are_refused_at_their_position(tmp_path: Path) -> None:
    routine = write(
        tmp_path,
        "title: x\nsteps:\n  - {name: a, hold: 1, find: 1}\n"
        "phrases:\n  press: {one: Go.}\n  hold_plan:\n    few: x\n",
    )
    code, _, err = run("plan", str(routine), "--engine", "fake")
    assert code == 2
    assert f"{routine}:5:10: phrases.press: press holds no number" in err
    assert f"{routine}:7:5: phrases.hold_plan: 'few' is not a plural form of en" in err
    # a profile's forms are checked against the routine's language once it is known
    ok = write(tmp_path, "title: x\nsteps:\n  - {name: a, hold: 1, find: 1}\n", "ok.yaml")
    profile = write(tmp_path, "phrases:\n  hold_plan:\n    few: Hold.\n", "p.yaml")
    code, _, err = run("plan", str(ok), "--engine", "fake", "--profile", str(profile))
    assert code == 2
    assert f"{profile}:3:10: phrases.hold_plan.few: 'few' is not a plural form of en" in err


REVIEWED = """\
title: x
language: {language}
steps:
  - {{name: a, cycles: {{press: 10, release: 5, times: 3}}, find: 1}}
  - name: b
    cycles: {{phases: [{{say: "1.", seconds: 3.25}}, {{say: "2.", seconds: 3.25}}], times: 2}}
    find: 1
"""


@pytest.mark.parametrize(
    ("language", "wanted", "gone"),
    [
        ("es", ["Presiona de nuevo."], ["Y presiona."]),
        (
            "de",
            ["Drück noch einmal.", "Das machen wir 3-mal.", "2 Durchgänge zu je 6,5 Sekunden."],
            ["Drück wieder.", "Das Ganze", "Durchgänge, je"],
        ),
        (
            "fr",
            ["Appuyez de nouveau.", "puis relâcher pendant 5 secondes", "Conclusion"],
            ["Et appuyez.", "Clôture"],
        ),
    ],
)
def test_the_reviewed_phrases_read_as_corrected(
    language: str, wanted: list[str], gone: list[str], tmp_path: Path
) -> None:
    tl = plan(str(write(tmp_path, REVIEWED.format(language=language))), *FRENCH)
    said = " | ".join([e["text"] for e in tl["events"]] + [c["title"] for c in tl["chapters"]])
    for text in wanted:
        assert text in said, (text, said)
    for text in gone:
        assert text not in said, text


def test_the_reviewed_picture_labels() -> None:
    de, fr = load_phrases("de").texts, load_phrases("fr").texts
    assert (de["picture_speech"], de["picture_chimes"]) == ("Ansagen", "Klänge")
    assert fr["picture_counts"] == "comptage"


def test_a_saved_profile_keeps_forms_and_the_repetitions_switch(tmp_path: Path) -> None:
    from audio_guide.authoring.config import load_profile, profile_text

    phrases = (("hold_plan", "H {seconds}."), ("hold_plan.one", "One."), ("press", "Go."))
    path = write(tmp_path, profile_text({"phrases": phrases, "repetitions": True}), "p.yaml")
    values = load_profile(path).values
    # one text beside a form is kept as the 'other' form: the same text for every number
    assert values["phrases"] == {
        "hold_plan.other": "H {seconds}.",
        "hold_plan.one": "One.",
        "press": "Go.",
    }
    assert values["repetitions"] is True
