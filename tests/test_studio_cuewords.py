"""A step's cue words in the studio (issue 27 item 5): the keys, forms and defaults the step form
offers come from the server per language; YAML -> form -> YAML keeps a step's ``phrases:``; the
pipeline's problems land on the cue word's place; the Stretch template speaks the routine's
language (fake engine)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, plan, write
from starlette.testclient import TestClient

from audio_guide.authoring.phrases import load_phrases
from audio_guide.authoring.validate import load_routine
from audio_guide.model import Step
from audio_guide.studio import formedit, messages

EXAMPLE = ROOT / "examples" / "home_exercise.yaml"
CATALOGUES = Path(messages.__file__).parent / "static" / "i18n"


def cue_words(client: TestClient, lang: str) -> dict[str, Any]:
    res = client.get(f"/api/cuewords?lang={lang}")
    assert res.status_code == 200, res.text
    data: dict[str, Any] = res.json()
    return data


def test_the_keys_forms_and_defaults_come_from_the_server_per_language(
    client: TestClient,
) -> None:
    es, fr = cue_words(client, "es"), cue_words(client, "fr")
    # the keys are the ones the script reads for each kind of work, plans first
    assert es["works"] == {
        "hold": ["hold_plan", "press", "release"],
        "cycles": [
            "cycles_plan",
            "cycles_plan_once",
            "press",
            "release",
            "press_again",
            "release_last",
            "repetition",
            "repetition_last",
        ],
        "phases": [
            "phases_plan",
            "phases_plan_once",
            "phases_end",
            "repetition",
            "repetition_last",
        ],
    }
    assert fr["works"] == es["works"]
    table = load_phrases("es").texts
    assert es["keys"]["press"] == {"placeholders": [], "plural": [], "forms": {"": table["press"]}}
    assert es["keys"]["hold_plan"]["plural"] == ["seconds"]
    assert es["keys"]["hold_plan"]["forms"] == {
        "one": "Vamos a presionar durante un segundo.",
        "other": "Vamos a presionar durante {seconds} segundos.",
    }
    # the routine language's own forms: French says "une seconde" for exactly 1, nested twice
    assert list(fr["keys"]["hold_plan"]["forms"]) == ["1", "one", "other"]
    assert list(fr["keys"]["cycles_plan"]["forms"])[:3] == ["1.1", "1.one", "1.other"]
    assert fr["keys"]["press"]["forms"] == {"": "Appuyez."}
    assert cue_words(client, "en")["keys"]["release"]["forms"] == {"": "Release."}
    # each key the page shows is named in every page language (the key itself otherwise)
    for lang in ("en", "es", "de", "fr"):
        catalogue = json.loads((CATALOGUES / f"{lang}.json").read_text(encoding="utf-8"))
        for key in {k for keys in es["works"].values() for k in keys}:
            assert f"cue.key.{key}" in catalogue, (lang, key)
    bad = client.get("/api/cuewords?lang=xx")
    assert bad.status_code == 400 and "no phrases for language 'xx'" in bad.json()["error"]


@pytest.mark.parametrize(
    ("lang", "press", "release", "plan_other"),
    [
        ("en", "Stretch.", "Let go.", "We will stretch for {seconds} seconds."),
        ("es", "Estírate.", "Suelta.", "Vamos a estirar durante {seconds} segundos."),
        ("de", "Dehn dich.", "Lass los.", "Wir halten die Dehnung {seconds} Sekunden lang."),
        ("fr", "Étirez-vous.", "Relâchez.", "Nous allons nous étirer pendant {seconds} secondes."),
    ],
)
def test_the_stretch_templates_words_are_the_phrase_tables(
    client: TestClient, lang: str, press: str, release: str, plan_other: str
) -> None:
    words = cue_words(client, lang)["templates"]["stretch"]
    assert words["press"] == press == load_phrases(lang).texts["stretch_press"]
    assert words["release"] == release
    assert words["hold_plan"]["other"] == plan_other


def _flat(node: object, prefix: str = "") -> dict[str, str]:
    """A step's ``phrases:`` as the form holds them: dotted paths -> text (as cuewords.js)."""
    if not isinstance(node, dict):
        return {prefix: str(node)}
    out: dict[str, str] = {}
    for key, value in node.items():
        out.update(_flat(value, f"{prefix}.{key}" if prefix else key))
    return out


def _step_phrases(text: str, tmp_path: Path) -> list[tuple[tuple[str, str], ...]]:
    routine = load_routine(write(tmp_path, text))
    return [s.phrases for s in routine.steps if isinstance(s, Step)]


def test_step_phrases_round_trip_yaml_form_yaml(client: TestClient, tmp_path: Path) -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    form = client.post("/api/form", json={"text": text, "edits": []}).json()
    steps = form["doc"]["steps"]
    # the form model: each step's cue words as the page shows them, field by field
    fields = [_flat(s["phrases"]) if "phrases" in s else {} for s in steps]
    assert fields[1] == {
        "hold_plan.one": "Stretch for one second.",
        "hold_plan.other": "Stretch for {seconds} seconds.",
        "press": "Stretch.",
        "release": "Let go.",
    }
    # cleared one by one as the form does (a key, then phrases:, left empty goes too) ...
    bare = text
    for i, given in enumerate(fields):
        for path in given:
            bare = formedit.apply(
                bare,
                [{"op": "set", "path": ["steps", i, "phrases", *path.split(".")], "value": None}],
            )
        if given:
            bare = formedit.apply(
                bare, [{"op": "set", "path": ["steps", i, "phrases"], "value": None}]
            )
    assert not any("phrases" in s for s in formedit.describe(bare)["doc"]["steps"])
    # ... and typed back in field by field: the same words, read by the pipeline
    edits = [
        {"op": "set", "path": ["steps", i, "phrases", *path.split(".")], "value": value}
        for i, given in enumerate(fields)
        for path, value in given.items()
    ]
    again = client.post("/api/form", json={"text": bare, "edits": edits}).json()
    assert [
        _flat(s.get("phrases", {})) if "phrases" in s else {} for s in again["doc"]["steps"]
    ] == fields
    assert _step_phrases(again["text"], tmp_path) == _step_phrases(text, tmp_path)
    assert 'press: "Stretch."' in again["text"]  # spoken words quoted, as the examples write them


def test_a_whole_number_form_stays_one_key(tmp_path: Path) -> None:
    text = (
        "title: T\nlanguage: fr\nsteps:\n  - name: Étirement\n    hold: 20\n    phrases:\n"
        '      hold_plan:\n        1: "Une seconde."\n'
    )
    new = formedit.apply(
        text,
        [
            {"op": "set", "path": ["steps", 0, "phrases", "hold_plan", "1"], "value": "Juste une."},
            {
                "op": "set",
                "path": ["steps", 0, "phrases", "hold_plan", "other"],
                "value": "{seconds} s.",
            },
        ],
    )
    assert new.endswith(
        '      hold_plan:\n        1: "Juste une."\n        other: "{seconds} s."\n'
    )
    assert _step_phrases(new, tmp_path) == [
        (("hold_plan.1", "Juste une."), ("hold_plan.other", "{seconds} s."))
    ]


@pytest.mark.parametrize(
    ("path", "value", "says"),
    [
        (["pres"], "Go.", "unknown phrase key 'pres'"),
        (["hold_plan", "few"], "A few.", "'few' is not a plural form of en"),
        (["press"], "Go {n}.", "unknown placeholder '{n}'"),
    ],
)
def test_a_wrong_cue_word_is_the_pipelines_problem_at_its_place(
    client: TestClient, path: list[str], value: str, says: str
) -> None:
    text = "title: T\nsteps:\n  - name: Stretch\n    hold: 20\n"
    edit = {"op": "set", "path": ["steps", 0, "phrases", *path], "value": value}
    form = client.post("/api/form", json={"text": text, "edits": [edit]}).json()
    res = client.post("/api/validate", json={"routine": {"ref": None, "text": form["text"]}})
    problems = res.json()["problems"]
    assert len(problems) == 1 and says in problems[0]["message"], problems
    # the page marks the field at the problem's line (form.js pathAt): the cue word's own
    line = [p["path"] for p in form["positions"] if p["line"] == problems[0]["line"]]
    assert max(line, key=len) == ["steps", 0, "phrases", *path], (problems, form["positions"])


def test_the_stretch_template_speaks_the_routines_language(
    client: TestClient, tmp_path: Path
) -> None:
    words = cue_words(client, "es")["templates"]["stretch"]
    text = "title: Estiramientos\nlanguage: es\nsteps:\n  - point: LI4\n    hold: 5\n"
    step = {
        "name": "Cuello",
        "method": "Inclina la cabeza.",
        "hold": 6,
        "sides": "each",
        "phrases": words,
    }
    edit = {"op": "insert", "path": ["steps"], "index": 1, "value": step}
    new = client.post("/api/form", json={"text": text, "edits": [edit]}).json()["text"]
    tl = plan(str(write(tmp_path, new)), "--voice", "fake/en-us")
    said = [(e.get("point"), e["role"], e["text"]) for e in tl["events"] if e["kind"] == "speech"]
    cues = [(p, r, x) for p, r, x in said if r in ("press", "release")]
    assert cues == [
        *[("LI4", "press", "Presiona."), ("LI4", "release", "Suelta.")] * 2,
        *[("Cuello", "press", "Estírate."), ("Cuello", "release", "Suelta.")] * 2,
    ]
    assert any(
        x.startswith("Vamos a estirar durante 6 segundos.") for p, _, x in said if p == "Cuello"
    )
