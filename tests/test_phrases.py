"""The phrase table: shipped texts, overrides by routine, profile and flag, and their validation."""

from __future__ import annotations

import json
import wave
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from conftest import FIXTURES, plan, run, write

from audio_guide.authoring.effective import effective_settings
from audio_guide.authoring.items import ChapterMark, Clock, Say
from audio_guide.authoring.phrases import (
    Phrases,
    key_specs,
    languages,
    load_phrases,
    placeholder_problem,
)
from audio_guide.authoring.script import compile_script
from audio_guide.build import load
from audio_guide.errors import UsageError
from audio_guide.layers import Layer
from audio_guide.model import Phased, SayStep, Step

ROUTINE = (
    "title: Phrases\n"
    "steps:\n"
    "  - point: B54\n"
    "    hold: 4\n"
    "    find: 1\n"
    "  - point: LI4\n"
    "    cycles: {press: 3, release: 2, times: 2}\n"
    "    sides: right\n"
    "    find: 1\n"
)


def texts(tl: dict[str, Any], role: str) -> list[str]:
    return [e["text"] for e in tl["events"] if e["role"] == role and e["kind"] == "speech"]


def test_shipped_english_has_every_key_with_allowed_placeholders() -> None:
    table = load_phrases("en")
    assert {name.split(".")[0] for name in table.texts} == set(key_specs())
    for name, text in table.texts.items():
        assert placeholder_problem(name.split(".")[0], text) is None, name
    assert "en" in languages()


def test_unknown_language_is_an_error_listing_the_languages() -> None:
    with pytest.raises(UsageError, match=r"no phrases for language 'eng' \(did you mean 'en'"):
        load_phrases("eng")
    with pytest.raises(UsageError, match=r"languages: .*en"):
        load_phrases("xx")


def test_the_cycle_sentence_is_not_ambiguous_by_ear() -> None:
    tl = plan("back_pain")
    (sentence,) = set(t for t in texts(tl, "find") if "press for" in t)
    assert "release for 5, 3" not in sentence
    assert sentence.startswith(
        "We will press for 10 seconds, then rest for 5 seconds. We do this 3 times."
    )


def marked_table() -> Phrases:
    """Every phrase replaced by a marker naming its key and showing its placeholders."""
    specs = key_specs()
    return Phrases(
        "test",
        {k: f"<{k}" + "".join(f" {{{p}}}" for p in specs[k].placeholders) + ">" for k in specs},
    )


@pytest.mark.parametrize(
    "spec", ["back_pain", *sorted(str(p) for p in (FIXTURES / "golden").glob("*.yaml"))]
)
def test_every_sentence_the_compiler_adds_comes_from_the_table(spec: str) -> None:
    routine = load(spec)
    settings, _ = effective_settings(routine, [Layer("test", {"engine": "fake", "repeat": 2})])
    script = compile_script(routine, settings, marked_table())
    written = {*routine.intro, *routine.safety, *routine.outro}
    for step in routine.steps:
        if isinstance(step, SayStep):
            written |= set(step.texts)
        if isinstance(step, Step):
            p = step.point
            written |= {*step.say, p.purpose, p.location, p.method, p.alternative or ""}
            written |= set(p.cautions)
            if isinstance(step.work, Phased):
                written |= {phase.say for phase in step.work.phases}
    seen = 0
    for item in script.items:
        if isinstance(item, Say):
            assert item.text in written or item.text.startswith("<"), item.text
            seen += item.text.startswith("<")
        elif isinstance(item, Clock):
            for cue in item.cues:
                ok = cue.kind.value == "chime" or cue.text.startswith("<") or cue.text in written
                assert ok, cue.text
        elif isinstance(item, ChapterMark):
            assert item.title.startswith("<"), item.title
    assert seen > 3


def test_a_profile_changes_the_press_cues(tmp_path: Path) -> None:
    routine = write(tmp_path, ROUTINE)
    profile = write(tmp_path, 'phrases:\n  press: "Now press."\n', "client.yaml")
    base, tl = plan(str(routine)), plan(str(routine), "--profile", str(profile))
    assert texts(base, "press") == ["Press.", "Press.", "Press again."]
    assert texts(tl, "press") == ["Now press.", "Now press.", "Press again."]
    assert tl["settings"]["phrases"]["press"] == "Now press."
    assert tl["settings"]["phrases"]["release"] == "Release."
    # the clock does not move: same holds, to the microsecond
    assert [h["seconds"] for h in tl["holds"]] == [h["seconds"] for h in base["holds"]]
    for a, b in zip(base["holds"], tl["holds"]):
        assert b["end"] - b["start"] == pytest.approx(a["end"] - a["start"], abs=1e-6)


def press_sound_lengths(wav: Path, starts: list[float]) -> list[float]:
    """Measured on the rendered audio: how long the sound lasts from each press cue's onset."""
    with wave.open(str(wav)) as w:
        sr = w.getframerate()
        pcm = np.frombuffer(w.readframes(w.getnframes()), dtype=np.int16)
    if pcm.size % 2 == 0 and w.getnchannels() == 2:
        pcm = pcm[::2]
    loud = np.abs(pcm.astype(np.float64)) > 300
    out = []
    for start in starts:
        i = round(start * sr)
        quiet = np.flatnonzero(~loud[i : i + sr])
        # the first 20 ms run of quiet ends the sound
        run = np.convolve(~loud[i : i + sr], np.ones(int(0.02 * sr)), "valid")
        end = int(np.flatnonzero(run >= int(0.02 * sr))[0]) if quiet.size else sr
        out.append(end / sr)
    return out


def test_the_press_override_changes_the_audio(tmp_path: Path) -> None:
    routine = write(tmp_path, ROUTINE)
    profile = write(tmp_path, 'phrases:\n  press: "Now press."\n', "client.yaml")
    lengths = {}
    for name, extra in (("base", ()), ("now", ("--profile", str(profile)))):
        wav = tmp_path / f"{name}.wav"
        argv = ["build", str(routine), "--engine", "fake", "--no-chime", "--loudness", "off"]
        code, _, err = run(*argv, "-o", str(wav), "--no-cache", *extra)
        assert code == 0, err
        tl = json.loads((tmp_path / f"{name}.timeline.json").read_text())
        starts = [e["start"] for e in tl["events"] if e["text"] in ("Press.", "Now press.")]
        lengths[name] = press_sound_lengths(wav, starts)
    # the fake voice speaks 60 ms per character at 175 wpm: 'Now press.' is 4 characters longer
    longer = 4 * 0.06 * 175 / 160
    assert len(lengths["now"]) == len(lengths["base"]) == 2
    for a, b in zip(lengths["base"], lengths["now"]):
        assert b - a == pytest.approx(longer, abs=0.01)


def test_precedence_flag_over_profile_over_default_over_routine(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    routine = write(
        tmp_path,
        ROUTINE + "phrases:\n  press: Routine press.\n  release: Let go.\n  count: '{n}.'\n",
    )
    config = tmp_path / "config"
    config.mkdir()
    monkeypatch.setenv("AUDIO_GUIDE_CONFIG_DIR", str(config))
    (config / "profile.yaml").write_text("phrases:\n  press: Default press.\n  count: '{n}'\n")
    profile = write(tmp_path, "phrases:\n  press: Profile press.\n", "client.yaml")
    argv = ("--profile", str(profile))
    tl = plan(str(routine), *argv)
    assert texts(tl, "press")[0] == "Profile press."
    assert texts(tl, "release")[0] == "Let go."  # merged key by key
    assert texts(tl, "count")[0] == "1"
    tl = plan(str(routine), *argv, "--phrase", "press=Flag press.")
    assert texts(tl, "press")[0] == "Flag press."
    code, out, err = run("plan", str(routine), *argv, "--engine", "fake", "--settings")
    assert code == 0, err
    rows = {line.split()[0]: line for line in out.splitlines()}
    assert rows["phrases.press"].split(None, 1)[1].startswith("Profile press.")
    assert rows["phrases.press"].endswith(f"profile {profile}:2:10")
    assert rows["phrases.release"].endswith(f"routine {routine}:12:12")
    # the default profile sets count back to the default text: not listed as differing
    assert "phrases.count" not in rows
    assert "phrases.find_one" not in rows


def test_misspelt_placeholder_exits_2_at_its_line_and_column(tmp_path: Path) -> None:
    routine = write(
        tmp_path,
        ROUTINE + 'phrases:\n  hold_plan: "We hold for {sceonds} seconds."\n  pres: Go.\n',
    )
    code, out, err = run("plan", str(routine), "--engine", "fake")
    assert code == 2 and out == "" and "Traceback" not in err
    assert err.splitlines() == [
        f"{routine}:11:27: phrases.hold_plan: unknown placeholder '{{sceonds}}' "
        "(did you mean 'seconds'?); hold_plan may use: {seconds}",
        f"{routine}:12:3: phrases: unknown phrase key 'pres' "
        "(did you mean 'press' or 'release' or 'press_again'?); see phrases/keys.yaml",
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("press=Go {n}.", "--phrase press: unknown placeholder '{n}'; press may use: none"),
        ("presss=Go.", "--phrase: unknown phrase key 'presss' (did you mean 'press'"),
        ("press", "--phrase: 'press' should be KEY=TEXT"),
        ("count={n", "--phrase count: unmatched '{'"),
        ("count={n:>3}", "--phrase count: '{n:>3}' is not a placeholder"),
    ],
)
def test_bad_phrase_flags_exit_2(text: str, message: str) -> None:
    code, out, err = run("plan", "back_pain", "--engine", "fake", "--phrase", text)
    assert code == 2 and out == ""
    assert message in err, err


def test_literal_braces_and_capitalisation() -> None:
    table = load_phrases().with_overrides([("step_other", "{{{name}}} first.")])
    assert table.say("step_other", name="neck") == "{neck} first."
    assert table.say("step", n=1, total=2, name="the shoulder well").startswith("Point 1 of 2")
    assert Phrases("x", {"k": "{name}."}).say("k", name="the well") == "The well."


def test_side_leads_follow_the_region_and_the_side_phrases(tmp_path: Path) -> None:
    routine = write(
        tmp_path,
        "title: Arms\nsteps:\n  - {point: LI11, hold: 3, sides: each, find: 1}\n"
        "  - {name: Wrist circles, hold: 3, sides: each, find: 1}\n",
    )
    leads = [e["text"] for e in plan(str(routine))["events"] if e["role"] == "switch"]
    assert leads == ["Left arm.", "Now the right arm.", "Left side.", "Now the right side."]
    tl = plan(str(routine), "--phrase", "left_arm=left elbow", "--phrase", "side_next=Then {side}.")
    leads = [e["text"] for e in tl["events"] if e["role"] == "switch"]
    assert leads[:2] == ["Left elbow.", "Then right arm."]
