"""The fast paths on real speech: parallel espeak-ng workers give the serial clips, and the
one-pass loudness agrees with the meter on the mastered stream (bells, a bed, ticks)."""

from __future__ import annotations

import numpy as np
import pytest

from audio_guide.authoring.effective import effective_settings
from audio_guide.build import load, make_plan, mix_options
from audio_guide.layers import Layer
from audio_guide.sound.engines import VoiceParams, get_engine
from audio_guide.sound.loudness import LoudnessMeter
from audio_guide.sound.mix import master, measure
from audio_guide.sound.parallel import synthesize
from audio_guide.sound.synth import ClipCache, default_cache_dir, synthesize_all

pytestmark = pytest.mark.real

TEXTS = [
    "Press.",
    "Release.",
    "1",
    "Find the point now.",
    "Place your thumb in the web of your hand.",
    "Breathe in slowly and let your shoulders drop.",
]


def envelope(clip: np.ndarray, sr: int) -> np.ndarray:
    """RMS per 25 ms."""
    frame = sr // 40
    x = clip[: len(clip) // frame * frame].astype(np.float64) / 32768.0
    return np.sqrt(np.mean(np.square(x.reshape(-1, frame)), axis=1))


def similarity(a: np.ndarray, b: np.ndarray, sr: int) -> float:
    """Best envelope correlation within +-50 ms (espeak-ng drifts within long sentences)."""
    ea, eb = envelope(a, sr), envelope(b, sr)
    best = -1.0
    for lag in range(-2, 3):
        x, y = (ea[lag:], eb) if lag >= 0 else (ea, eb[-lag:])
        n = min(len(x), len(y))
        best = max(best, float(np.corrcoef(x[:n], y[:n])[0, 1]))
    return best


def test_parallel_workers_give_the_serial_clips() -> None:
    """espeak-ng's output drifts from one utterance to the next even serially (two serial runs
    differ by up to ~10 ms, more under load), so a parallel clip must be as close to a serial
    clip of its text as a second serial run is: in length and in loudness envelope."""
    engine = get_engine("pyttsx3")
    sr = engine.sample_rate
    params = VoiceParams(engine.resolve_voice("en-us"), 160, 1.0, 50)
    serial = synthesize_all(TEXTS, engine, params, ClipCache(None))
    parallel = synthesize(TEXTS, engine, params, ClipCache(None), workers=2)
    again = synthesize_all(TEXTS, engine, params, ClipCache(None))
    assert parallel.synthesized == len(TEXTS) == serial.synthesized
    for key, want in serial.clips.items():
        got, spread = parallel.clips[key], again.clips[key]
        drift = abs(len(spread) - len(want))
        assert abs(len(got) - len(want)) <= max(0.01 * len(want) + 50, 2 * drift), key
        assert similarity(want, got, sr) >= min(similarity(want, spread, sr), 0.99) - 0.03, key
        others = [similarity(c, got, sr) for k, c in serial.clips.items() if k != key]
        assert similarity(want, got, sr) > max(others) - 0.03, key  # its own text, not another


@pytest.mark.parametrize(
    "flags",
    [{}, {"bed": "noise"}, {"tick": 1}],
    ids=["back_pain", "bed", "bells-and-ticks"],
)
def test_one_pass_loudness_matches_the_measured(flags: dict[str, object]) -> None:
    routine = load("back_pain")
    settings, origins = effective_settings(routine, [Layer("test", flags)])
    plan = make_plan(routine, settings, origins, ClipCache(default_cache_dir()))
    options = mix_options(settings)
    levels = measure(plan.timeline, plan.clips, options)
    meter = LoudnessMeter(plan.timeline.sample_rate)
    for block in master(plan.timeline, plan.clips, options, levels):
        meter.add(block / 32768.0)
    got = meter.integrated()
    assert abs(levels.predicted_lufs - got) <= 0.2, (levels.predicted_lufs, got)
    assert abs(got - -16.0) <= 0.5
    assert levels.passes == (1 if "bed" in flags else 0)
