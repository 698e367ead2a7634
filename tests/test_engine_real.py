"""The real pyttsx3/espeak-ng engine: distinct clips, settings that reach the audio, the cache."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from audio_guide.errors import UsageError
from audio_guide.sound.engines import VoiceParams, get_engine
from audio_guide.sound.synth import ClipCache, synthesize_all, trim

pytestmark = pytest.mark.real


@pytest.fixture(scope="module")
def engine():  # type: ignore[no-untyped-def]
    return get_engine("pyttsx3")


def params(
    engine,
    voice: str = "en-us",
    rate: int = 160,
    volume: float = 1.0,  # type: ignore[no-untyped-def]
    pitch: int = 50,
) -> VoiceParams:
    return VoiceParams(engine.resolve_voice(voice), rate, volume, pitch)


def test_n_utterances_give_n_distinct_clips(engine, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    texts = ["Press.", "Release.", "1", "2", "3", "Find the point now."]
    bank = synthesize_all(texts, engine, params(engine), ClipCache(tmp_path))
    assert bank.synthesized == len(texts)
    clips = [bank.clips[k] for k in bank.clips]
    assert len(clips) == len(texts)
    assert len({c.tobytes() for c in clips}) == len(texts)
    long_clip = bank.clips[next(k for k in bank.clips if k[1] == "Find the point now.")]
    assert len(long_clip) > len(bank.clips[next(k for k in bank.clips if k[1] == "1")])


def test_clips_are_trimmed_to_their_sound(engine) -> None:  # type: ignore[no-untyped-def]
    raw = engine.synthesize("Release.", params(engine))
    clip = trim(raw)
    assert len(clip) < len(raw) - int(0.15 * engine.sample_rate)
    thr = 0.006 * 32767
    assert abs(int(clip[0])) > thr and abs(int(clip[-1])) > thr


def test_slower_rate_gives_a_longer_clip(engine) -> None:  # type: ignore[no-untyped-def]
    text = "Place your thumb in the web of your hand."
    slow = trim(engine.synthesize(text, params(engine, rate=120)))
    fast = trim(engine.synthesize(text, params(engine, rate=220)))
    assert len(slow) > 1.4 * len(fast)


def test_another_voice_gives_different_audio(engine) -> None:  # type: ignore[no-untyped-def]
    text = "Breathe in slowly."
    a = trim(engine.synthesize(text, params(engine, voice="en-us")))
    b = trim(engine.synthesize(text, params(engine, voice="en-us+f3")))
    c = trim(engine.synthesize(text, params(engine, voice="en-gb")))
    assert a.tobytes() != b.tobytes() and a.tobytes() != c.tobytes()


def test_voice_specs_resolve_and_unknown_voices_fail(engine) -> None:  # type: ignore[no-untyped-def]
    assert engine.resolve_voice("gmw/en-us") == "gmw/en-us"
    assert engine.resolve_voice("en-us") == "gmw/en-us"
    assert engine.resolve_voice("English (America)") == "gmw/en-us"
    assert engine.resolve_voice("en-us+f3") == "gmw/en-us+f3"
    with pytest.raises(UsageError, match=r"unknown voice 'en-uss'.*en-us"):
        engine.resolve_voice("en-uss")
    with pytest.raises(UsageError, match="unknown voice variant 'f99'"):
        engine.resolve_voice("en-us+f99")


def test_unchanged_text_comes_from_the_cache(engine, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    texts = ["One more time.", "Rest."]
    first = synthesize_all(texts, engine, params(engine), ClipCache(tmp_path))
    second = synthesize_all(texts, engine, params(engine), ClipCache(tmp_path))
    other_rate = synthesize_all(texts, engine, params(engine, rate=200), ClipCache(tmp_path))
    assert (first.synthesized, second.synthesized, other_rate.synthesized) == (2, 0, 2)
    for key in first.clips:
        assert np.array_equal(first.clips[key], second.clips[key])


def f0(clip: np.ndarray, sr: int) -> float:
    """Median fundamental frequency (Hz) of voiced 40 ms frames, by autocorrelation."""
    x = clip.astype(np.float64) / 32768
    n = int(0.04 * sr)
    lo, hi = int(sr / 400), int(sr / 60)
    found = []
    for i in range(0, len(x) - n, n):
        frame = x[i : i + n] - x[i : i + n].mean()
        if np.sqrt(np.mean(frame**2)) < 0.02:
            continue
        ac = np.correlate(frame, frame, "full")[n - 1 :]
        lag = lo + int(np.argmax(ac[lo:hi]))
        if ac[lag] > 0.3 * ac[0]:
            found.append(sr / lag)
    return float(np.median(found))


def test_pitch_reaches_the_audio(engine) -> None:  # type: ignore[no-untyped-def]
    text = "Breathe in slowly, and let your shoulders drop."
    low = f0(trim(engine.synthesize(text, params(engine, pitch=20))), engine.sample_rate)
    high = f0(trim(engine.synthesize(text, params(engine, pitch=80))), engine.sample_rate)
    assert high > 1.2 * low, (low, high)


def test_a_voice_change_does_not_reset_the_rate(engine) -> None:  # type: ignore[no-untyped-def]
    """pyttsx3/espeak can reset the rate when the voice changes; each clip must keep its own."""
    text = "Place your thumb in the web of your hand."
    lengths = {}
    for voice, rate in [
        ("en-us", 120),
        ("en-gb", 120),
        ("en-us+f3", 120),
        ("en-us", 220),
        ("en-gb", 220),
        ("en-us+f3", 220),
        ("en-gb", 120),
    ]:
        lengths[voice, rate] = len(trim(engine.synthesize(text, params(engine, voice, rate))))
    for voice in ("en-us", "en-gb", "en-us+f3"):
        assert lengths[voice, 120] > 1.4 * lengths[voice, 220], lengths
