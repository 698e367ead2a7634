"""Voice packs and the engine ``recorded``: takes trimmed, levelled or refused; packs on disk;
builds from a pack, refused when it lacks utterances, filled by another engine when asked."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from conftest import run
from pack_helpers import burst, fake_pack, needs, write_wav

from audio_guide.errors import RoutineError, UsageError
from audio_guide.sound import takes
from audio_guide.sound.packs import create_pack, find_pack, read_pack

SR = 22050


def level(x: np.ndarray) -> float:
    return (
        20 * np.log10(1 / takes.level_gain(x.astype(np.float64) / 32768, SR)) + takes.TARGET_LEVEL
    )


def test_a_take_is_trimmed_padded_and_levelled() -> None:
    quiet, loud = burst(0.8, 0.05, lead=0.7), burst(0.3, 0.5, lead=0.2)
    a = takes.process(quiet.astype(np.float32), SR)
    b = takes.process(loud.astype(np.float32), SR)
    # the speech plus a pad of PAD each side (frames of 20 ms)
    assert abs(len(a) / SR - (0.8 + 2 * takes.PAD)) < 0.045
    assert abs(len(b) / SR - (0.3 + 2 * takes.PAD)) < 0.045
    assert a.dtype == np.int16 and abs(int(a[0])) < 50 and abs(int(a[-1])) < 50  # faded pad
    # both at the common level, whatever they were recorded at
    assert abs(level(a) - takes.TARGET_LEVEL) < 0.5
    assert abs(level(b) - takes.TARGET_LEVEL) < 0.5
    assert np.max(np.abs(a)) <= 32767 * 10 ** (takes.PEAK_CEILING / 20) + 1


@pytest.mark.parametrize(
    ("samples", "message"),
    [
        (np.zeros(SR), "empty"),
        (burst(1.0, 10 ** (-50 / 20)), "too quiet"),
        (np.clip(burst(1.0, 3.0), -1, 1), "clipped"),
        (np.concatenate([np.zeros(SR), burst(0.02, 0.5, lead=0)]), "click"),
    ],
)
def test_bad_takes_are_refused_saying_why(samples: np.ndarray, message: str) -> None:
    with pytest.raises(takes.TakeRefused, match=message):
        takes.process(samples.astype(np.float32), SR)


def test_float_peaks_above_full_scale_are_not_clipping() -> None:
    """A lossy recording decodes to peaks above 1 where nothing clipped; a flat top is a clip."""
    loud = burst(1.0, 1.23).astype(np.float32)
    out = takes.process(loud, SR)
    assert abs(level(out) - takes.TARGET_LEVEL) < 0.5
    assert takes.clipped_share(loud, float(np.max(np.abs(loud)))) < takes.CLIP_SHARE
    flat = np.clip(burst(1.0, 3.0), -1, 1).astype(np.float32)  # clipped by 10 dB
    assert takes.clipped_share(flat, 1.0) > takes.CLIP_SHARE


def test_files_that_are_not_takes(tmp_path: Path) -> None:
    with pytest.raises(takes.TakeRefused, match="0 bytes"):
        takes.decode(b"", SR)
    with pytest.raises(takes.TakeRefused, match="not audio"):
        takes.decode(b"this is not a sound file\n" * 10, SR)
    long = write_wav(tmp_path / "long.wav", np.zeros(8000 * 600), 8000)  # 10 minutes
    with pytest.raises(takes.TakeRefused, match="longer than 60 s"):
        takes.decode(long, SR)
    wav = write_wav(tmp_path / "ok.wav", burst(0.5, 0.3, sr=48000), 48000)
    assert abs(len(takes.decode(wav, SR)) / SR - 1.5) < 0.01  # resampled to the pack's rate


def test_pack_on_disk(config: Path) -> None:
    pack = create_pack("maria", "Maria López", "es", "Doy mi consentimiento.")
    assert find_pack("maria") == pack and read_pack(config / "packs" / "maria") == pack
    clip = np.arange(-500, 500, dtype=np.int16)
    path = pack.save("Presiona.  ", clip)
    assert path.suffix == ".flac" and path.parent.name == "es"
    assert pack.has("Presiona.") and not pack.has("Presiona.", "en")
    assert np.array_equal(pack.load("Presiona."), clip)
    assert pack.missing(["Presiona.", "Suelta.", "Suelta."]) == ["Suelta."]
    import soundfile

    assert soundfile.info(str(path)).samplerate == 22050
    with soundfile.SoundFile(str(path)) as f:
        assert f.title == "Presiona."  # the folder describes itself
    assert pack.delete("Presiona.") and not pack.has("Presiona.")
    with pytest.raises(UsageError, match="already"):
        create_pack("maria", "x", "es")
    with pytest.raises(UsageError, match="no voice pack 'nadie'"):
        find_pack("nadie")
    (pack.path / "pack.yaml").write_text("speaker: Maria\nlanguage: es\nsample_rat: 8000\n")
    with pytest.raises(RoutineError, match=r"pack.yaml:3:1: unknown key 'sample_rat'"):
        read_pack(pack.path)


def test_build_from_a_pack(config: Path, tiny: str, tmp_path: Path) -> None:
    language, texts = needs(tiny)
    fake_pack("me", texts, language, speaker="Ana Test")
    out = tmp_path / "tiny.mp3"
    code, _, err = run("build", tiny, "--engine", "recorded", "--voice", "me", "-o", str(out))
    assert code == 0, err
    timeline = json.loads(out.with_name("tiny.timeline.json").read_text())
    assert timeline["settings"]["engine"] == "recorded"
    assert timeline["settings"]["speaker"] == "Ana Test"
    assert not any("filled" in e for e in timeline["events"])
    from mutagen.id3 import ID3

    comment = str(ID3(str(out)).getall("COMM")[0])
    assert comment.endswith("Spoken by Ana Test.")
    hold = timeline["holds"][0]
    assert hold["end"] - hold["start"] == pytest.approx(3.0, abs=1e-4)  # the clock holds


def test_missing_utterances_are_refused_or_filled(config: Path, tiny: str) -> None:
    language, texts = needs(tiny)
    fake_pack("me", [t for t in texts if t not in ("Sit comfortably.", "2")], language)
    code, out, err = run("plan", tiny, "--engine", "recorded", "--voice", "me")
    assert code == 2 and out == ""
    assert "lacks 2 of the" in err and "'Sit comfortably.'" in err and "'2'" in err
    assert "pack import me" in err and "--fill" in err
    code, out, err = run("plan", tiny, "--engine", "recorded", "--voice", "me", "--fill", "fake")
    assert code == 0, err
    filled = [line for line in out.splitlines() if line.endswith("[fake]")]
    assert len(filled) == 2 and "Sit comfortably." in filled[0]
    assert "2 sounds marked [ENGINE] are not in the voice pack 'me'" in out
    code, out, _ = run(
        "plan", tiny, "--engine", "recorded", "--voice", "me", "--fill", "fake", "--json"
    )
    data = json.loads(out)
    assert {e["text"] for e in data["events"] if e.get("filled") == "fake"} == {
        "Sit comfortably.",
        "2",
    }
    assert data["settings"]["fill"] == "fake" and data["settings"]["filled"] == 2


def test_missing_list_is_capped(config: Path) -> None:
    fake_pack("empty", [])
    n = len(needs("back_pain")[1])
    code, _, err = run("plan", "back_pain", "--engine", "recorded", "--voice", "empty")
    assert code == 2
    assert f"lacks {n} of the {n}" in err and f"... and {n - 50} more" in err


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--rate", "120"], "cannot change the speaking rate"),
        (["--pitch", "60"], "cannot change the pitch"),
        (["--fill", "recorded"], "fill names the engine itself"),
        (["--fill", "nosuch"], "unknown speech engine 'nosuch'"),
    ],
)
def test_settings_a_recording_cannot_honour(
    config: Path, tiny: str, flags: list[str], message: str
) -> None:
    fake_pack("me", [])
    code, _, err = run("plan", tiny, "--engine", "recorded", "--voice", "me", *flags)
    assert code == 2 and message in err


def test_fill_needs_a_pack(tiny: str) -> None:
    code, _, err = run("plan", tiny, "--engine", "fake", "--fill", "pyttsx3")
    assert code == 2 and "works only with --engine recorded" in err


def test_voice_in_a_profile_and_voices_listing(config: Path, tiny: str, tmp_path: Path) -> None:
    language, texts = needs("back_pain")
    fake_pack("me", texts[:40], language, speaker="Ana Test")
    profile = tmp_path / "client.yaml"
    profile.write_text("voice:\n  engine: recorded\n  id: me\n  fill: fake\n")
    code, out, err = run("plan", tiny, "--profile", str(profile), "--json")
    assert code == 0, err
    assert json.loads(out)["settings"]["pack"] == "me"
    code, out, _ = run("voices", "--engine", "recorded")
    assert code == 0
    assert out.startswith("me ") and "Ana Test" in out and "40 clips" in out
    assert f"back_pain 40/{len(texts)}" in out and "counts 0/60" in out
    code, out, _ = run("voices", "--engine", "recorded", "--json")
    assert json.loads(out)[0]["coverage"]["routines"]["back_pain"] == [40, len(texts)]


def test_pack_picked_by_language(config: Path, tiny: str) -> None:
    language, texts = needs(tiny)
    fake_pack("me", texts, language)
    code, out, err = run("plan", tiny, "--engine", "recorded", "--json")
    assert code == 0, err
    assert json.loads(out)["settings"]["voice_id"] == "me"
    code, _, err = run("plan", "back_pain_es", "--engine", "recorded")
    assert code == 2 and "no recorded voice speaks it (voices: me (en))" in err
    code, _, err = run("plan", "back_pain_es", "--engine", "recorded", "--voice", "me")
    assert code == 2 and "(it is in en, the routine in es)" in err


@pytest.mark.real
def test_back_pain_from_a_partial_pack_filled_by_espeak(config: Path, tmp_path: Path) -> None:
    language, texts = needs("back_pain")
    lacking = [texts[2], texts[10], "27"]
    fake_pack("me", [t for t in texts if t not in lacking], language)
    out = tmp_path / "bp.mp3"
    code, _, err = run(
        "build", "back_pain", "--engine", "recorded", "--voice", "me", "-o", str(out)
    )
    assert code == 2 and not out.exists()
    assert f"lacks 3 of the {len(texts)} utterances" in err
    assert all(f"  {t!r}" in err.splitlines() or f"audio-guide:   {t!r}" in err for t in lacking)
    flags = ["--engine", "recorded", "--voice", "me", "--fill", "pyttsx3"]
    code, _, err = run("build", "back_pain", *flags, "-o", str(out))
    assert code == 0, err
    timeline = json.loads(out.with_name("bp.timeline.json").read_text())

    def voiced(e: dict[str, str]) -> str:
        return e.get("spoken") or e["text"]

    filled = {voiced(e) for e in timeline["events"] if e.get("filled") == "pyttsx3"}
    said = {voiced(e) for e in timeline["events"]}
    assert filled == set(lacking) & said and set(lacking[:2]) <= filled  # a count may be left out
    assert not any(e.get("filled") for e in timeline["events"] if voiced(e) not in lacking)
    code, table, _ = run("plan", "back_pain", *flags)
    assert code == 0
    assert sum(line.endswith("[pyttsx3]") for line in table.splitlines()) == len(
        [e for e in timeline["events"] if e.get("filled")]
    )


def test_what_is_derived_from_a_pack_is_keyed_by_its_takes(config: Path) -> None:
    from audio_guide.sound.engines import VoiceParams
    from audio_guide.sound.engines.recorded import RecordedEngine
    from audio_guide.sound.synth import ClipCache

    pack = fake_pack("me", ["1", "2"])

    def key() -> str:
        engine = RecordedEngine()
        params = VoiceParams(engine.resolve_voice("me"), 160, 1.0, 50)
        return ClipCache(None).key(engine, params, "1")

    first = key()
    assert key() == first
    pack.save("2", np.arange(100, dtype=np.int16))  # a take re-recorded
    assert key() != first


def test_a_key_click_before_or_after_the_words_is_trimmed_off() -> None:
    click = np.zeros(round(0.3 * SR))
    click[100:300] = 0.9 * np.sin(np.arange(200) * 0.7)  # 9 ms, louder than the speech
    speech = burst(0.6, 0.2, lead=0.2)
    for take in (np.concatenate([click, speech]), np.concatenate([speech, click[::-1]])):
        clip = takes.process(take.astype(np.float32), SR)
        assert abs(len(clip) / SR - (0.6 + 2 * takes.PAD)) < 0.045
    ending = np.concatenate([burst(0.4, 0.2, lead=0), np.zeros(round(0.06 * SR)), click])
    clip = takes.process(ending.astype(np.float32), SR)  # a final "t" 60 ms after: kept
    assert len(clip) / SR > 0.4 + 0.06


@pytest.mark.real
def test_long_recorded_counts_build_without_the_fit_extra(
    config: Path, tiny: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Counts recorded too slowly for their second are shortened by ffmpeg's atempo when
    Rubber Band (the optional GPL extra 'fit') is not installed; a missing line is filled."""
    import sys

    monkeypatch.setitem(sys.modules, "pedalboard", None)  # import pedalboard -> ImportError
    from audio_guide.sound import fit

    assert not fit.rubber_band()
    language, texts = needs(tiny)
    pack = fake_pack("me", [t for t in texts if t != "That is all."], language)
    for count in ("1", "2"):  # 1.2 s: must be sped up ~1.3x to fit 0.92 s
        pack.save(count, np.round(burst(1.2, 0.3, lead=0) * 32767).astype(np.int16), language)
    out = tmp_path / "tiny.mp3"
    flags = ["--engine", "recorded", "--voice", "me", "--fill", "pyttsx3"]
    code, _, err = run("build", tiny, *flags, "-o", str(out))
    assert code == 0, err
    timeline = json.loads(out.with_name("tiny.timeline.json").read_text())
    counts = [e for e in timeline["events"] if e.get("role") == "count"]
    assert counts and all(1.2 < e["speedup"] <= fit.MAX_SPEEDUP for e in counts), counts
    assert all(e["end"] - e["start"] <= 0.92 + 1e-3 for e in counts)
    assert [e["text"] for e in timeline["events"] if e.get("filled")] == ["That is all."]
