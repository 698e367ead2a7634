"""The fast paths change nothing audible: numpy DSP against scipy, composites against a plain
mixer, parallel synthesis against serial, and a start-up that loads nothing heavy (fake engine)."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from scipy import ndimage, signal

from audio_guide.authoring.effective import effective_settings
from audio_guide.build import load, make_plan, mix_options
from audio_guide.layers import Layer
from audio_guide.sound import dsp
from audio_guide.sound.engines import VoiceParams
from audio_guide.sound.engines.fake import FakeEngine
from audio_guide.sound.layout import layout
from audio_guide.sound.loudness import LoudnessMeter
from audio_guide.sound.mix import MixOptions, _limiter, master, measure
from audio_guide.sound.parallel import synthesize
from audio_guide.sound.synth import ClipCache, synthesize_all
from audio_guide.timeline import EventKind

SR = 22050


def signal_under_test() -> np.ndarray:
    rng = np.random.default_rng(7)
    x = rng.standard_normal(20000) * 0.2
    x[:300] = 0.0
    x[9000:9100] = 0.95  # a burst that a limiter must catch
    return x


def test_k_filter_is_the_bs1770_biquads() -> None:
    x = signal_under_test()
    sos = np.array([np.concatenate([b, a]) for b, a in dsp.k_weighting(SR)])
    want = signal.sosfilt(sos, np.concatenate([x, np.zeros(dsp.K_TAIL)]))
    assert np.max(np.abs(dsp.k_filter(x, SR) - want)) < 1e-5


def test_true_peaks_match_polyphase_oversampling() -> None:
    x = signal_under_test()
    up = np.abs(signal.resample_poly(x, 4, 1)).reshape(-1, 4).max(axis=1)
    per = np.maximum(up, np.abs(x))
    want = np.maximum(per, np.concatenate([per[1:], per[-1:]]))
    got = dsp.true_peaks(x)
    inner = slice(40, -40)  # edges differ only in how each pads the signal
    assert np.max(np.abs(got[inner] - want[inner])) < 1e-3
    assert np.all(got >= np.abs(x))


def test_running_max_and_mean_match_ndimage() -> None:
    x = signal_under_test()
    for before, after in ((441, 67), (67, 441), (0, 5), (5, 0), (3000, 2)):
        got = dsp.running_max(x, before, after)
        size = before + after + 1
        want = ndimage.maximum_filter1d(x, size, mode="nearest", origin=(before - after) // 2)
        assert got.dtype == np.float64 and np.array_equal(got, want), (before, after)
    single = np.float32([0.5, -1.0, 0.25])  # single precision in, double out, the same values
    assert np.array_equal(dsp.running_max(single, 1, 1), [0.5, 0.5, 0.25])
    want = ndimage.uniform_filter1d(x, 67, mode="nearest", origin=33)
    assert np.allclose(dsp.running_mean(x, 66), want, atol=1e-12)


def fake_plan(*flags: tuple[str, object], steps: int | None = None):  # type: ignore[no-untyped-def]
    """back_pain planned with the fake engine (its first ``steps`` steps when given)."""
    routine = load("back_pain")
    if steps is not None:
        routine = replace(routine, steps=routine.steps[:steps])
    settings, origins = effective_settings(routine, [Layer("test", dict(flags))])
    return make_plan(routine, settings, origins, ClipCache(None), engine=FakeEngine())


def plain_mix(timeline, clips) -> np.ndarray:  # type: ignore[no-untyped-def]
    """The reference: every event added into one array."""
    out = np.zeros(timeline.samples)
    for e in timeline.events:
        clip = clips.get(e.kind, e.voiced) / 32768.0
        s = round(e.start * timeline.sample_rate)
        out[s : s + len(clip)] += clip[: max(0, timeline.samples - s)]
    return out


def test_composites_group_overlaps_and_mix_like_a_plain_mixer() -> None:
    """back_pain's first three steps (6.6 of its 14.8 minutes): both kinds of overlap (a bell with
    its cue, a tick under a count) are there; the rest of the routine only repeats them (the
    whole took 5.1 s, mostly its plain float mix)."""
    plan = fake_plan(("tick", 1), steps=3)
    sounds = layout(plan.timeline, plan.clips, 639)
    together = [s for s in sounds if len(s.members) > 1]
    kinds = {tuple(sorted(k[0].value for k, _ in s.members)) for s in together}
    assert ("chime", "speech") in kinds  # a bell with its cue
    assert any(k[1] == "tick" for s in together for k, _ in s.members)  # a tick under a count
    assert sum(len(v) for v in sounds.values()) < len(plan.timeline.events)
    raw = np.concatenate(list(master(plan.timeline, plan.clips, MixOptions(loudness=None))))
    plain = plain_mix(plan.timeline, plan.clips)
    want = np.clip(np.round(plain * 32768), -32768, 32767).astype(np.int16)
    # without a loudness target only the true-peak limiter acts, and only near what passes it
    limiter = _limiter(plan.timeline, MixOptions(loudness=None))
    over = (dsp.true_peaks(plain) > limiter.ceiling).astype(np.float64)
    near = dsp.running_max(over, limiter.margin, limiter.margin) > 0
    assert over.any() and near.mean() < 0.05  # the bells with their cues reach it
    assert np.array_equal(raw[~near], want[~near])
    assert dsp.true_peaks(raw / 32768.0).max() <= limiter.ceiling * 1.01


def measured(plan, options: MixOptions) -> tuple[float, float, int]:  # type: ignore[no-untyped-def]
    """(predicted LUFS, LUFS measured on the mastered stream, measuring passes)."""
    levels = measure(plan.timeline, plan.clips, options)
    meter = LoudnessMeter(plan.timeline.sample_rate)
    for block in master(plan.timeline, plan.clips, options, levels):
        meter.add(block / 32768.0)
    return levels.predicted_lufs, meter.integrated(), levels.passes


def test_one_pass_prediction_matches_the_meter_with_overlapping_ticks() -> None:
    plan = fake_plan(("tick", 1))
    predicted, got, passes = measured(plan, mix_options(plan.settings))
    assert abs(predicted - got) <= 0.2 and abs(got - -16.0) <= 0.5 and passes == 0


def test_parallel_workers_give_the_serial_clips_and_fill_the_cache(tmp_path: Path) -> None:
    texts = ["Press.", "Release.", "1", "Find the point now.", "Press."]
    engine = FakeEngine()
    params = VoiceParams("fake/en-us", 160, 1.0, 50)
    serial = synthesize_all(texts, engine, params, ClipCache(None))
    parallel = synthesize(texts, engine, params, ClipCache(tmp_path), workers=2)
    assert parallel.synthesized == 4 == serial.synthesized
    assert list(parallel.clips) == list(serial.clips)
    for key, clip in serial.clips.items():
        assert np.array_equal(parallel.clips[key], clip)
    again = synthesize(texts, engine, params, ClipCache(tmp_path), workers=2)
    assert again.synthesized == 0
    assert all(np.array_equal(again.clips[k], c) for k, c in serial.clips.items())
    assert (EventKind.SPEECH, "1") in again.clips


HEAVY = ("scipy", "matplotlib", "mutagen", "webvtt")


def loaded_after(*argv: str) -> set[str]:
    code = (
        "import io, sys\n"
        "from audio_guide.cli import main\n"
        f"main({list(argv)!r}, out=io.StringIO(), err=io.StringIO())\n"
        "print(' '.join(sorted({m.split('.')[0] for m in sys.modules})))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(done.stdout.split())


@pytest.mark.parametrize(
    "argv", [("--help",), ("build", "--help"), ("plan", "back_pain", "--engine", "fake")]
)
def test_help_and_plan_load_nothing_heavy(argv: tuple[str, ...]) -> None:
    loaded = loaded_after(*argv)
    assert not loaded & set(HEAVY), loaded & set(HEAVY)
    if "--help" in argv:
        assert "numpy" not in loaded


def test_the_analysis_store_gives_the_same_gain_and_survives_bad_files(tmp_path: Path) -> None:
    from audio_guide.sound.analysis import AnalysisStore
    from audio_guide.sound.mix import _limiter
    from audio_guide.sound.predict import Programme

    plan = fake_plan()
    options = mix_options(plan.settings)

    def gain(store: AnalysisStore) -> float:
        programme = Programme(plan.timeline, plan.clips, _limiter(plan.timeline, options), store)
        return measure(plan.timeline, plan.clips, options, programme).gain_db

    fresh = gain(AnalysisStore(None))
    store = AnalysisStore(tmp_path)
    assert gain(store) == fresh
    (levels,) = tmp_path.glob("levels-*.json")  # the search's result, for an unchanged rebuild
    quieter = replace(options, loudness=-20.0)
    programme = Programme(plan.timeline, plan.clips, _limiter(plan.timeline, quieter), store)
    assert measure(plan.timeline, plan.clips, quieter, programme).gain_db < fresh - 3  # not kept
    assert gain(AnalysisStore(tmp_path)) == fresh
    levels.write_text("{not json")
    assert gain(AnalysisStore(tmp_path)) == fresh
    levels.unlink()
    files = sorted(tmp_path.glob("*.npy"))
    alone = [s.members[0][0] for s in layout(plan.timeline, plan.clips, 639) if len(s.members) == 1]
    distinct = {plan.clips.get(*key).tobytes() for key in alone}
    assert len(files) == len(distinct)  # one per clip placed alone; equal clips share an entry
    stamps = [f.stat().st_mtime_ns for f in files]
    assert gain(AnalysisStore(tmp_path)) == fresh  # read back, not recomputed
    assert [f.stat().st_mtime_ns for f in files] == stamps
    for kept in tmp_path.glob("levels-*.json"):
        kept.unlink()
    files[0].write_bytes(b"not an array")
    files[1].write_bytes(files[1].read_bytes()[:-8])
    assert gain(AnalysisStore(tmp_path)) == fresh
    assert not list(tmp_path.glob("*.tmp"))


def test_clips_analysed_while_loading_give_the_same_mastering(tmp_path: Path) -> None:
    routine = load("back_pain")
    settings, origins = effective_settings(routine, [Layer("test", {"tick": 5})])

    def levels(mastering: bool, folder: Path | None):  # type: ignore[no-untyped-def]
        plan = make_plan(
            routine, settings, origins, ClipCache(folder), engine=FakeEngine(), mastering=mastering
        )
        assert plan.analysis is not None
        early = len(plan.analysis._early)
        from audio_guide.sound.mix import _limiter
        from audio_guide.sound.predict import Programme

        options = mix_options(settings)
        programme = Programme(
            plan.timeline, plan.clips, _limiter(plan.timeline, options), plan.analysis
        )
        return early, measure(plan.timeline, plan.clips, options, programme)

    early, prefetched = levels(True, tmp_path)
    assert early > 10  # analysis started while the clips came in
    none, plain = levels(False, None)
    assert none == 0
    assert prefetched.gain_db == plain.gain_db and prefetched.predicted_lufs == plain.predicted_lufs
    assert levels(True, tmp_path)[1].gain_db == plain.gain_db  # now from the store


def test_kept_sounds_give_the_same_track_and_spare_the_limiting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A rebuild reads each limited sound from the store instead of limiting it again, with
    the very same samples; a kept file of the wrong length is re-made."""
    from audio_guide.sound import predict
    from audio_guide.sound.analysis import AnalysisStore

    plan = fake_plan(("tick", 5))
    options = mix_options(plan.settings)

    def track() -> np.ndarray:
        store = AnalysisStore(tmp_path / "analysis")
        return np.concatenate(list(master(plan.timeline, plan.clips, options, store=store)))

    first = track()
    kept = sorted((tmp_path / "analysis").glob("*.npy"))
    assert kept, "nothing was kept"
    calls: list[int] = []
    original = predict.Programme.render

    def counted(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(1)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(predict.Programme, "render", counted)
    assert np.array_equal(track(), first)
    assert calls == [], "a rebuild limited sounds again"
    for path in (tmp_path / "analysis").glob("*.npy"):
        data = np.load(path)
        if data.dtype == np.int16:
            np.save(path, data[:-1])  # a truncated kept sound must not be used
    assert np.array_equal(track(), first)
    assert calls, "truncated kept sounds were used"


def test_fake_clips_are_kept_and_copied() -> None:
    """The session's memo gives the engine's own samples, a fresh array each time."""

    params = VoiceParams("fake/en-us", 160, 1.0, 50)
    first = FakeEngine().synthesize("Press.", params)
    again = FakeEngine().synthesize("Press.", params)
    assert first is not again and np.array_equal(first, again)
    assert np.array_equal(first, FakeEngine.synthesize.__wrapped__(FakeEngine(), "Press.", params))
