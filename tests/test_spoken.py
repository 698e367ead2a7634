"""Written and spoken forms: the reader sees "LI 4", the voice says "L I 4" (same clips as before).

``fixtures/spoken/back_pain_utterances.json`` holds the speech texts the compiler asked the engine
for on back_pain *before* written forms existed (captured from main at 48a0723). Regenerate it
with ``UPDATE_SPOKEN=1`` only when the compiler's wording changes on purpose, and review the diff:
the lines naming points must stay byte for byte the same.
"""

from __future__ import annotations

import io
import json
import os
import re
from pathlib import Path

import pytest
from conftest import FIXTURES, write

from audio_guide.authoring.effective import effective_settings
from audio_guide.authoring.lexicon import Lexicon
from audio_guide.authoring.script import utterances
from audio_guide.build import Plan, load, make_plan
from audio_guide.cli import main
from audio_guide.layers import Layer
from audio_guide.outputs.captions import lrc, vtt
from audio_guide.outputs.tags import summary
from audio_guide.sound.engines.fake import FakeEngine
from audio_guide.sound.synth import ClipCache
from audio_guide.timeline import EventKind

SPOKEN = FIXTURES / "spoken" / "back_pain_utterances.json"
CASES = {"default": {"engine": "fake"}, "repeat2": {"engine": "fake", "repeat": 2}}
SPELLED = re.compile(r"\b(?:L I|G B|T E) \d+")
WRITTEN = re.compile(r"\b(?:LI|GB|TE) \d+")


def back_pain(values: dict[str, object]) -> Plan:
    routine = load("back_pain")
    settings, origins = effective_settings(routine, [Layer("test", values)])
    return make_plan(routine, settings, origins, ClipCache(None), engine=FakeEngine())


def speech(plan: Plan) -> list[str]:
    return [text for kind, text in utterances(plan.script) if kind is EventKind.SPEECH]


@pytest.mark.parametrize("case", CASES)
def test_back_pain_asks_the_voice_for_the_same_texts_as_before(case: str) -> None:
    got = speech(back_pain(CASES[case]))
    before = json.loads(SPOKEN.read_text())
    if os.environ.get("UPDATE_SPOKEN"):
        SPOKEN.write_text(json.dumps({**before, case: got}, indent=1, ensure_ascii=False) + "\n")
    named = [t for t in before[case] if SPELLED.search(t)]
    assert len(named) >= 4  # safety line, LI 4, GB 30, TE 3
    assert set(named) <= set(got)  # the same clips for every line naming a point
    assert not [t for t in got if WRITTEN.search(t)]  # the voice never gets "LI 4"
    assert got == before[case]


def test_back_pain_shows_written_forms_everywhere(tmp_path: Path) -> None:
    plan = back_pain(CASES["default"])
    tl = plan.timeline
    titles = [c.title for c in tl.chapters]
    assert "LI 4 — web of the hand" in titles
    assert "GB 30 — side of the buttock" in titles
    assert "TE 3 — back of the hand, between ring and little finger" in titles
    shown = [vtt(tl), lrc(tl), summary(tl), "\n".join(titles), json.dumps(tl.as_dict())]
    for text in shown[:4]:
        assert "LI 4" in text and "GB 30" in text and "TE 3" in text, text[:200]
        assert not SPELLED.search(text)
    step = next(e for e in tl.events if e.point == "LI4" and e.role.value == "step")
    assert (step.text, step.spoken) == ("Point 5 of 8: LI 4.", "Point 5 of 8: L I 4.")
    assert step.as_dict()["spoken"] == "Point 5 of 8: L I 4."
    safety = [e for e in tl.events if e.role.value == "safety"][-1]
    assert "skip LI 4 on the hand" in safety.text and "skip L I 4 on the hand" in safety.spoken
    assert safety.text.endswith("GB 30.") and safety.spoken.endswith("G B 30.")
    # spoken appears only where it differs; every event's clip is in the bank
    plain = next(e for e in tl.events if e.role.value == "intro")
    assert plain.spoken is None and "spoken" not in plain.as_dict()
    assert {(e.kind, e.voiced) for e in tl.events} <= set(plan.clips.clips)


def test_picture_shows_written_chapter_titles(tmp_path: Path) -> None:
    out = tmp_path / "p.svg"
    code = main(
        ["plan", "back_pain", "--engine", "fake", "--picture", str(out)],
        out=io.StringIO(),
        err=io.StringIO(),
    )
    svg = out.read_text()
    assert code == 0 and "LI 4 — web of the hand" in svg and "L I 4" not in svg


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("LI 4", "L I 4"),
        ("LI4", "L I4"),
        ("Point 2 of 3: GB 30.", "Point 2 of 3: G B 30."),
        ("EX-HN 3 and TE 5", "E X H N 3 and T E 5"),
        ("LIGHT, CLI, Li 4, li 4", "LIGHT, CLI, Li 4, li 4"),
        ("KI 1, LR 3, SP 6, ST 36", "K I 1, L R 3, S P 6, S T 36"),
        ("B 23", "B 23"),
    ],
)
def test_shipped_lexicon_spells_meridian_prefixes(text: str, expected: str) -> None:
    lexicon = Lexicon(load("back_pain").lexicon)
    assert lexicon.spoken(text) == expected


def test_longest_entry_first_and_one_pass() -> None:
    lexicon = Lexicon({"LI": "L I", "LI 4": "large intestine four", "L I": "never"})
    assert lexicon.spoken("LI 4 and LI 11") == "large intestine four and L I 11"
    assert Lexicon({"4": "four"}).spoken("LI 4, 44") == "LI four, 44"


def test_bad_lexicon_entries_get_file_line_col(tmp_path: Path) -> None:
    routine = write(
        tmp_path,
        "title: T\nlexicon:\n  LI: ''\n  ' GB': G B\n  TE: [T, E]\nsteps:\n"
        "  - point: LI4\n    hold: 9\n",
    )
    err = io.StringIO()
    code = main(["plan", str(routine), "--engine", "fake"], out=io.StringIO(), err=err)
    lines = err.getvalue().splitlines()
    assert code == 2
    assert lines == [
        f"{routine}:3:7: lexicon.LI is empty",
        f"{routine}:4:3: lexicon: the written form ' GB' must be text without leading or "
        "trailing spaces",
        f"{routine}:5:7: lexicon.TE must be text",
    ]
    routine.write_text("title: T\nlexicon: [LI]\nsteps:\n  - point: LI4\n    hold: 9\n")
    err = io.StringIO()
    assert main(["plan", str(routine), "--engine", "fake"], out=io.StringIO(), err=err) == 2
    assert f"{routine}:2:10: lexicon must be a mapping" in err.getvalue()


def test_profile_lexicon_changes_the_voice_not_the_captions(tmp_path: Path) -> None:
    profile = write(tmp_path, "lexicon:\n  LI 4: large intestine four\n", "p.yaml")
    out = io.StringIO()
    code = main(
        ["plan", "back_pain", "--engine", "fake", "--json", "--profile", str(profile)],
        out=out,
        err=io.StringIO(),
    )
    assert code == 0
    step = next(
        e
        for e in json.loads(out.getvalue())["events"]
        if e["role"] == "step" and e["point"] == "LI4"
    )
    assert step["text"] == "Point 5 of 8: LI 4."
    assert step["spoken"] == "Point 5 of 8: large intestine four."
