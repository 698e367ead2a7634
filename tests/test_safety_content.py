"""What the listener is told (issue 23): red flags, point cautions, honest sources, translations
and the spoken form of point codes in each language.

Each check reads the shipped files through the validator (or plans the routine with the fake
engine), so a wording that drops a symptom, a caution or a fix fails here.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import plan

from audio_guide.authoring.points import assemble, shipped_points_path, shipped_translation_paths
from audio_guide.model import Point

SCRIPTS = Path(__file__).resolve().parents[1] / "scripts_data"


def safety(routine: str) -> str:
    """The routine's safety lines as planned (before the first point), lower case."""
    events = plan(routine)["events"]
    first_point = min(e["start"] for e in events if e["role"] == "step")
    lines = [e["text"] for e in events if e["role"] == "safety"]
    assert lines and all(
        e["start"] < first_point for e in events if e["role"] == "safety"
    ), "safety is said before the first point"
    return " ".join(lines).lower()


# Back: NHS "Back pain" and NICE CKS "Back pain - low": each symptom, by language.
BACK_EMERGENCY = {
    "back_pain": (
        "emergency help",
        "numbness or tingling around your genitals or bottom",
        "difficulty peeing",
        "loss of bladder or bowel control",
        "weakness or numbness in both legs",
        "a leg getting weaker",
        "chest pain",
        "serious fall or accident",
    ),
    "back_pain_es": (
        "pide ayuda urgente",
        "entumecimiento u hormigueo en los genitales o en las nalgas",
        "te cuesta orinar",
        "pierdes el control de la orina o de las heces",
        "debilidad o entumecimiento en las dos piernas",
        "una pierna cada vez más débil",
        "dolor en el pecho",
        "una caída o un accidente grave",
    ),
}
BACK_SAME_DAY = {
    "back_pain": (
        "see a doctor the same day",
        "fever",
        "weight loss without trying",
        "history of cancer",
        "worse at night",
    ),
    "back_pain_es": (
        "ve al médico hoy mismo",
        "fiebre",
        "pierdes peso sin buscarlo",
        "has tenido cáncer",
        "empeora por la noche",
    ),
}
GENERAL_EN = ("blood thinners", "bruise easily", "press gently", "broken skin", "operation")
GENERAL = {
    "back_pain": GENERAL_EN,
    "back_pain_es": ("anticoagulantes", "moratones", "con suavidad", "heridas", "operación"),
    "neck_shoulders": GENERAL_EN,
}


@pytest.mark.parametrize("routine", sorted(BACK_EMERGENCY))
def test_back_red_flags_name_every_symptom(routine: str) -> None:
    said = safety(routine)
    for words in (*BACK_EMERGENCY[routine], *BACK_SAME_DAY[routine]):
        assert words in said, (routine, words)


def test_back_red_flags_are_two_sentences_not_a_lecture() -> None:
    """Emergency and same-day are one sentence each, so they can be heard and remembered."""
    for routine in BACK_EMERGENCY:
        lines = [e["text"] for e in plan(routine)["events"] if e["role"] == "safety"]
        flags = [t for t in lines if any(w in t.lower() for w in ("urgente", "emergency"))]
        flags += [t for t in lines if any(w in t.lower() for w in ("same day", "hoy mismo"))]
        assert len(flags) == 2, (routine, flags)
        assert all(t.count(".") == 1 for t in flags), flags


def test_neck_red_flags_name_every_symptom() -> None:
    said = safety("neck_shoulders")
    for words in (
        "emergency help",
        "sudden, severe headache",
        "stiff neck with a fever",
        "dizziness",
        "double vision",
        "slurred speech",
        "trouble swallowing",
        "after a fall or an accident, be checked by a doctor before you press on your neck",
    ):
        assert words in said, words


@pytest.mark.parametrize("routine", sorted(GENERAL))
def test_general_cautions_are_said_where_the_routine_starts(routine: str) -> None:
    said = safety(routine)
    for words in GENERAL[routine]:
        assert words in said, (routine, words)


def library() -> dict[str, Point]:
    return dict(assemble(user_folder=False).points)


# Point cautions (and GB 30's method) in all four languages: what each must say.
CAUTIONS: dict[str, dict[str, tuple[str, ...]]] = {
    "GB30": {
        "en": ("large nerve", "tingling, numbness or shooting pain down your leg", "stop"),
        "es": ("nervio grande", "hormigueo, entumecimiento", "descarga", "detente si"),
        "de": ("großer nerv", "kribbeln, taubheit oder einen einschießenden schmerz", "hör auf"),
        "fr": ("gros nerf", "fourmillements, un engourdissement", "décharge", "arrêtez"),
    },
    "B53": {
        "en": ("nerve", "tingling runs down the outside of your leg", "ease off",
               "knee or calf is swollen, hot or painful"),
        "es": ("nervio", "parte exterior de la pierna",
               "rodilla o la pantorrilla están hinchadas, calientes o te duelen"),
        "de": ("nerv", "außen am bein", "knie oder wade geschwollen, heiß oder schmerzhaft"),
        "fr": ("nerf", "l'extérieur de la jambe", "le mollet est enflé, chaud ou douloureux"),
    },
    "GB34": {
        "en": ("nerve", "tingling runs down the outside of your leg", "ease off"),
        "es": ("nervio", "parte exterior de la pierna"),
        "de": ("nerv", "außen am bein"),
        "fr": ("nerf", "l'extérieur de la jambe"),
    },
    "B54": {
        "en": ("varicose veins", "knee or calf is swollen, hot or painful"),
        "es": ("varices", "rodilla o la pantorrilla están hinchadas, calientes o te duelen"),
        "de": ("krampfadern", "knie oder wade geschwollen, heiß oder schmerzhaft"),
        "fr": ("varices", "genou ou le mollet est enflé, chaud ou douloureux"),
    },
}
GB30_METHOD = {
    "en": ("steady, moderate pressure", "do not dig in"),
    "es": ("presión constante y moderada", "sin hundir"),
    "de": ("gleichmäßigem, mäßigem druck", "bohr nicht"),
    "fr": ("pression régulière et modérée", "sans enfoncer"),
}
# One pregnancy wording for a point to skip, in each language: the point's caution and the
# routine line say "skip".
SKIP = {
    "en": "If you are pregnant, skip this point.",
    "es": "Si estás embarazada, sáltate este punto.",
    "de": "Wenn du schwanger bist, lass diesen Punkt aus.",
    "fr": "Si vous êtes enceinte, sautez ce point.",
}
PREGNANCY_SKIP = ("LI4", "GB21", "SP6", "BL60", "BL67")


@pytest.mark.parametrize("language", ["en", "es", "de", "fr"])
def test_point_cautions_in_every_language(language: str) -> None:
    points = library()
    for pid, wanted in CAUTIONS.items():
        shown = points[pid].in_language(language)
        assert shown is not None
        cautions = " ".join(shown.cautions).lower()
        for words in wanted[language]:
            assert words in cautions, (pid, language, words)
    gb30 = points["GB30"].in_language(language)
    assert gb30 is not None and gb30.method is not None
    for words in GB30_METHOD[language]:
        assert words in gb30.method.lower(), (language, words)
    assert "firm" not in gb30.method.lower() and "fest" not in gb30.method.lower()
    for pid in PREGNANCY_SKIP:
        shown = points[pid].in_language(language)
        assert shown is not None and SKIP[language] in shown.cautions, (pid, language)


def test_the_routines_say_skip_li4_as_the_point_does() -> None:
    assert "if you are pregnant, skip li 4" in safety("back_pain")
    assert "until they say it is fine" not in safety("back_pain")
    assert "si estás embarazada, sáltate el punto de la mano llamado li 4" in safety("back_pain_es")
    assert "if you are pregnant, skip the point on the shoulder called gb 21, and the point on " \
        "the hand called li 4" in safety("neck_shoulders")


def sources_of(point: Point) -> list[str]:
    return [s for _, s in point.sources] + [s for s in point.caution_sources if s] + (
        [point.source] if point.source else []
    )


def test_no_source_points_into_a_repository_path() -> None:
    path = re.compile(r"shared/|seed/|\b[\w.-]+/[\w.-]+\.(txt|yaml|md|json)\b")
    for pid, point in library().items():
        for source in sources_of(point):
            assert not path.search(source), (pid, source)
    for file in (shipped_points_path(), *shipped_translation_paths(), *SCRIPTS.glob("*.yaml")):
        assert "shared/seed" not in file.read_text(encoding="utf-8"), file


def test_sources_are_attributed_honestly() -> None:
    points = library()
    li4 = points["LI4"]
    assert not any("1999" in s for s in sources_of(li4)), "WHO 1999 names no points"
    assert "Deadman" in (li4.caution_source(0) or "")
    pc6 = points["PC6"]
    purpose = pc6.source_of("purpose") or ""
    assert "CD003281" in purpose and "Lee, Chan and Fan" in purpose
    assert "postoperative" in purpose and "not of travel sickness" in purpose
    assert "travel" not in (pc6.purpose or "")
    for pid in ("B54", "B53", "SP6", "KI3", "BL60", "LI11", "GV20", "EXHN3", "GB34"):
        point = points[pid]
        editorial = [
            point.cautions[i] for i in range(len(point.cautions)) if point.caution_editorial_note(i)
        ]
        assert editorial, f"{pid}: its project-own caution is labelled editorial"
    assert "2008" not in (points["EXHN3"].source_of("location") or "").split(";")[0]
    safety_docs = (SCRIPTS.parent / "docs" / "safety.md").read_text(encoding="utf-8")
    assert "NG59" not in safety_docs and "EX-HN3" in safety_docs


def test_routine_files_cite_the_nhs_and_nice_cks_not_ng59() -> None:
    for name in ("back_pain.yaml", "back_pain_es.yaml"):
        text = (SCRIPTS / name).read_text(encoding="utf-8")
        assert "NG59" not in text and "NHS" in text and "CKS" in text, name


# Translation review items: each text that was wrong is right now.
FIXED = {
    ("fr", "B23", "purpose"): ("appuyer dessus peut aider", "l'appuyer"),
    ("fr", "LI4", "purpose"): ("appuyer\ndessus peut aider", "l'appuyer"),
    ("fr", "B47", "purpose"): ("en même temps que sur B 23", "On l'appuie"),
    ("fr", "ST36", "purpose"): ("appuient dessus", "l'appuient"),
    ("fr", "BL60", "location"): ("doigt tout droit", "le doigt droit"),
    ("fr", "KI3", "location"): ("doigt tout droit", "le doigt droit"),
    ("fr", "B54", "method"): ("Maintenez une pression", "Tenez les points"),
    ("fr", "B53", "method"): ("Maintenez une pression", "Tenez les points"),
    ("fr", "LI11", "cautions"): ("Sautez ce point", "Passez ce point"),
    ("fr", "BL60", "cautions"): ("Sautez ce point", "Passez ce point"),
    ("fr", "GB30", "location"): ("l'os de la cuisse", "là où la cuisse est"),
    ("es", "EXHN3", "location"): ("los extremos interiores de las cejas", "el extremo interior"),
    ("es", "B23", "location"): ("borde superior", "sobre el borde de los huesos"),
    ("es", "B47", "location"): ("bordes superiores", "une los bordes de los huesos"),
    ("es", "B54", "method"): ("Mantén una presión", "Sostén los puntos"),
    ("es", "B53", "method"): ("Mantén una presión", "Sostén los puntos"),
    ("es", "GB30", "location"): ("hueso del muslo", "bulto"),
    ("es", "GB20", "location"): ("salientes de hueso", "bulto"),
    ("es", "GB21", "location"): ("saliente de hueso", "bulto"),
    ("es", "GB34", "location"): ("saliente redondo", "bulto"),
    ("es", "KI1", "location"): ("parte abultada que hay bajo\nlos dedos", "almohadilla"),
    ("es", "LR3", "purpose"): ("dolores menstruales", "calambres de la regla"),
    ("de", "GB30", "location"): ("Gesäßspalte", "Pofalte"),
    ("de", "GB30", "location "): ("Oberschenkelknochen", "ein Drittel des Weges vom Höcker"),
    # second native re-read (review branch)
    ("fr", "GB21", "method"): ("doucement, tout droit vers le bas", "doucement, droit vers"),
    ("fr", "GV20", "method"): ("Appuyez tout droit vers le bas", "Appuyez droit"),
    ("de", "B54", "method"): ("gleichmäßig und sanft auf die Punkte", "Halte die Punkte"),
    ("de", "B53", "method"): ("gleichmäßig und sanft auf die Punkte", "Halte die Punkte"),
    ("de", "GB34", "cautions"): ("Dicht am Knochen", "Am Knochen entlang"),
    ("es", "BL60", "location"): ("recto hacia atrás, hacia el tendón de Aquiles", "del talón"),
    ("es", "KI3", "location"): ("recto hacia atrás, hacia el tendón de Aquiles", "del talón"),
    ("es", "SI3", "location"): ("una línea de la palma", "un pliegue de la palma"),
}


@functools.cache
def _translation_file(path: Path) -> dict[str, Any]:
    """A shipped translation file as data, read once (libyaml where PyYAML has it)."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    data: dict[str, Any] = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
    return data


def translated(language: str, pid: str, field: str) -> str:
    for path in shipped_translation_paths():
        table = _translation_file(path).get("translations", {}).get(language)
        if table and pid in table:
            value = table[pid][field.strip()]
            return "\n".join(value) if isinstance(value, list) else value
    raise AssertionError((language, pid))


@pytest.mark.parametrize("item", sorted(FIXED), ids=lambda i: "-".join(i).strip())
def test_translation_review_item_is_fixed(item: tuple[str, str, str]) -> None:
    language, pid, field = item
    good, bad = FIXED[item]
    text = translated(language, pid, field)
    flat = " ".join(text.split())
    assert " ".join(good.split()) in flat, (item, text)
    assert " ".join(bad.split()) not in flat, (item, text)


def test_french_says_droit_only_where_it_cannot_be_heard_as_a_side() -> None:
    """A track names sides ("le bras droit"): "droit" alone in a point text could mean right."""
    text = (SCRIPTS / "points" / "fr.yaml").read_text(encoding="utf-8")
    body = text[text.index("translations:") :]
    bare = re.findall(r"(?<!tout )(?<!angle )\bdroite?\b", " ".join(body.split()))
    assert bare == [], bare


def test_german_pregnancy_names_both_doctors_and_french_says_one_more_time() -> None:
    de = (SCRIPTS / "points" / "de.yaml").read_text(encoding="utf-8")
    assert "deine Ärztin," not in de and de.count("deine Ärztin oder deinen Arzt") == 4
    fr = yaml.safe_load((SCRIPTS / "phrases" / "fr.yaml").read_text(encoding="utf-8"))
    assert fr["phrases"]["repetition_last"] == "{cue} Une dernière fois."


# Spoken codes: each language's own, the WHO code still written.
SPOKEN = {
    "back_pain": ("L I 4", "T E 3", "G B 30"),
    "back_pain_es": ("I G 4", "T R 3", "V B 30", "V 23"),
}


@pytest.mark.parametrize("routine", sorted(SPOKEN))
def test_point_codes_are_spoken_as_the_language_knows_them(routine: str) -> None:
    events = [e for e in plan(routine)["events"] if e["role"] == "step"]
    spoken = " ".join(e.get("spoken") or e["text"] for e in events)
    written = " ".join(e["text"] for e in events)
    for form in SPOKEN[routine]:
        assert form in spoken, (routine, form)
    assert "LI 4" in written and "GB 30" in written


@pytest.mark.parametrize(
    ("language", "li4", "b23", "te3"),
    [("de", "Di 4", "B L 23", "3 E 3"), ("fr", "G I 4", "V 23", "T R 3")],
)
def test_german_and_french_codes(language: str, li4: str, b23: str, te3: str) -> None:
    voice = assemble(user_folder=False).voice(language)
    assert voice.spoken("LI 4, B 23, TE 3") == f"{li4}, {b23}, {te3}"
    assert assemble(user_folder=False).voice("en").spoken("LI 4") == "L I 4"


def test_german_syllable_codes_are_said_as_syllables_letter_codes_spelled() -> None:
    """German charts write Di, Ma, He, Dü, Ni, Pe, Le, Lu (read as a syllable: "Ma 36", never
    "M A 36") and Bl, Gb, 3E, MP, LG, KG (read letter by letter)."""
    voice = assemble(user_folder=False).voice("de")
    said = voice.spoken(
        "LI 4, ST 36, HT 7, SI 3, KI 3, PC 6, LR 3, LU 7, BL 60, GB 20, TE 5, SP 6, GV 20, CV 6"
    )
    assert said == (
        "Di 4, Ma 36, He 7, Dü 3, Ni 3, Pe 6, Le 3, Lu 7, "
        "B L 60, G B 20, 3 E 5, M P 6, L G 20, K G 6"
    )


def test_a_routine_lexicon_still_wins_over_a_shipped_language_code(tmp_path: Path) -> None:
    routine = tmp_path / "r.yaml"
    routine.write_text(
        "title: t\nlanguage: de\nlexicon: {LI: Dickdarm}\nsteps:\n  - point: LI4\n    hold: 5\n",
        encoding="utf-8",
    )
    events = [e for e in plan(str(routine))["events"] if e["role"] == "step"]
    assert "Dickdarm 4" in (events[0].get("spoken") or "")


def test_lexicons_are_validated(tmp_path: Path) -> None:
    from conftest import run

    points = tmp_path / "p.yaml"
    points.write_text("lexicons:\n  xx: {LI: 'A B'}\n  de: [1]\n", encoding="utf-8")
    code, _, err = run("check", str(points))
    assert code == 2
    assert f"{points}:2:3: lexicons: unknown language 'xx'" in err
    assert f"{points}:3:7:" in err


def test_a_caution_is_sourced_or_editorial_never_both(tmp_path: Path) -> None:
    from conftest import run

    points = tmp_path / "p.yaml"
    points.write_text(
        "points:\n  K1:\n    name: k\n    location: here\n    cautions:\n"
        "      - text: Press gently.\n        source: A Book (2000)\n"
        "        editorial: my own advice\n",
        encoding="utf-8",
    )
    code, _, err = run("check", str(points))
    assert code == 2
    assert f"{points}:8:20: K1.cautions: give either 'source'" in err
    points.write_text(
        "points:\n  K1:\n    name: k\n    location: here\n    cautions:\n"
        "      - text: Press gently.\n        editorial: my own advice\n",
        encoding="utf-8",
    )
    assert run("check", str(points))[0] == 0


def test_the_docs_credit_no_book_with_a_varicose_vein_caution() -> None:
    """The cited manual describes bleeding BL40's veins: 'not over varicose veins' is our own."""
    docs = SCRIPTS.parent / "docs"
    for page in docs.glob("*.md"):
        for block in re.findall(r"```yaml\n(.*?)```", page.read_text(encoding="utf-8"), re.S):
            for caution in re.findall(r"- text: \"[^\"]*varicose[^\"]*\"\n\s+(\w+):", block):
                assert caution == "editorial", page
