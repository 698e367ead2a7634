"""The pipeline, end to end: load -> validate -> script -> synthesize -> schedule -> mix -> export.

Each step lives in its own module; this one only passes results along and the side effects in.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from audio_guide import fitting
from audio_guide.authoring import limits
from audio_guide.authoring.phrases import (
    DEFAULT_LANGUAGE,
    effective_phrases,
    form_problem,
    load_phrases,
)
from audio_guide.authoring.plurals import split
from audio_guide.authoring.points import Library
from audio_guide.authoring.script import Script, compile_script, utterances
from audio_guide.authoring.validate import check, check_overrides, find_routine, resolve_overrides
from audio_guide.errors import UsageError
from audio_guide.model import Routine
from audio_guide.outputs.captions import WRITERS
from audio_guide.outputs.export import check_free_space, exporter_for, suffix_of
from audio_guide.outputs.files import staged
from audio_guide.outputs.tags import read_cover
from audio_guide.schedule import schedule
from audio_guide.settings import CHOICES, DEFAULTS, Layer, Settings, combine
from audio_guide.sound import chime
from audio_guide.sound.analysis import AnalysisStore
from audio_guide.sound.engines import (
    SpeechEngine,
    VoiceParams,
    clips_given,
    get_engine,
    supports_rate,
)
from audio_guide.sound.engines.voices import speaks
from audio_guide.sound.layout import Pcm
from audio_guide.sound.mix import MixOptions, master
from audio_guide.sound.parallel import synthesize
from audio_guide.sound.synth import ClipBank, ClipCache
from audio_guide.timeline import EventKind, Timeline

if TYPE_CHECKING:
    from audio_guide.sound.given import Given

Progress = Callable[[str, int, int], None]
DEFAULT_ORIGIN = "built-in default"
LANGUAGE_ORIGIN = "the routine's language"
ROUTINE_SOURCE = "routine "
"""How the routine file's own settings layer is named in origins (``routine FILE:L:C``)."""


@dataclass(frozen=True, slots=True)
class Plan:
    """A routine compiled and scheduled, ready to mix."""

    routine: Routine
    settings: Settings
    origins: dict[str, str]
    """Where each setting came from."""
    script: Script
    timeline: Timeline
    clips: ClipBank
    analysis: AnalysisStore | None = None
    """The clips' loudness analysis, kept between builds beside the clip cache."""


def load(spec: str, library: Library | None = None) -> Routine:
    """Find and validate a routine by path or shipped name against ``library`` (default: the
    shipped and user point files; see ``authoring.points.assemble``)."""
    return check(find_routine(spec), library)


def load_text(path: Path, text: str, library: Library | None = None) -> Routine:
    """Validate ``text`` as the routine file at ``path`` (relative paths in it resolve there)."""
    return check(path, library, text)


def effective_settings(routine: Routine, layers: list[Layer]) -> tuple[Settings, dict[str, str]]:
    """Built-in defaults < the routine's own sections < ``layers`` (lowest first).

    Hold/cycles overrides may name a step's point by id, WHO code or written name; every one
    must name a step of the routine.

    A routine in another language than English that names no voice gets its language as the
    voice (``es``): the engine's voice for it (see ``resolve_voice``).

    Phrase overrides equal to the phrase table are dropped, so ``settings.phrases`` (and
    ``plan --settings``) lists only the phrases that differ from the defaults.
    """
    own = Layer(f"{ROUTINE_SOURCE}{routine.source}", routine.settings, routine.settings_origins)
    settings, origins = combine(resolve_overrides(routine, [own, *layers]))
    check_overrides(routine, settings, origins)
    if routine.language != DEFAULT_LANGUAGE and origins.get("voice") == DEFAULT_ORIGIN:
        settings = replace(settings, voice=routine.language)
        origins["voice"] = f"{LANGUAGE_ORIGIN} {routine.language} (routine {routine.source})"
    _check_forms(settings, origins, routine.language)
    table = load_phrases(routine.language).texts
    differ = tuple((key, text) for key, text in settings.phrases if text != table.get(key))
    for key, _ in set(settings.phrases) - set(differ):
        origins.pop(f"phrases.{key}", None)
    return replace(settings, phrases=differ), origins


def _check_forms(settings: Settings, origins: dict[str, str], language: str) -> None:
    """Refuse plural forms the routine's language does not use (``few`` in English), each at
    the file position it was given (profiles are read before the language is known)."""
    problems = []
    for name, _ in settings.phrases:
        key, forms = split(name)
        problem = form_problem(key, forms, language) if forms else None
        if problem is not None:
            where = origins.get(f"phrases.{name}", "")
            in_file = re.search(r":[0-9]+:[0-9]+$", where)
            label = f"phrases.{name}" if in_file else f"--phrase {name}"
            problems.append(str(_located(UsageError(f"{label}: {problem}"), where)))
    if problems:
        raise UsageError("\n".join(problems))


def pinned_phrases(settings: Settings, origins: dict[str, str]) -> frozenset[str]:
    """The phrase overrides set above the routine file (profiles, flags, the studio's fields):
    they stay global, over a step's own ``phrases:``."""
    return frozenset(
        key
        for key, _ in settings.phrases
        if not origins.get(f"phrases.{key}", "").startswith(ROUTINE_SOURCE)
    )


def check_engine_settings(
    engine: SpeechEngine, settings: Settings, origins: dict[str, str]
) -> None:
    """Refuse a setting the engine cannot honour (Piper's pitch, a recording's rate) rather
    than ignore it; ``fill`` only with an engine whose clips are given."""
    if not engine.supports_pitch and settings.pitch != DEFAULTS.pitch:
        raise UsageError(
            f"the {engine.name} engine cannot change the pitch, but pitch {settings.pitch} "
            f"is set ({origins.get('pitch', 'settings')}); remove it or use another engine"
        )
    if not supports_rate(engine) and settings.rate != DEFAULTS.rate:
        raise UsageError(
            f"the {engine.name} engine cannot change the speaking rate, but rate {settings.rate} "
            f"is set ({origins.get('rate', 'settings')}); remove it or use another engine"
        )
    if settings.fill is not None and not clips_given(engine):
        raise _located(
            UsageError(f"fill {settings.fill!r} works only with --engine recorded"),
            origins.get("fill"),
        )
    if settings.fill is not None and settings.fill == engine.name:
        raise _located(
            UsageError("fill names the engine itself; give a speaking engine such as pyttsx3"),
            origins.get("fill"),
        )


def engine_for(settings: Settings, origins: dict[str, str]) -> SpeechEngine:
    """The settings' speech engine; an unknown one set in a file is refused at its position."""
    try:
        return get_engine(settings.engine)
    except UsageError as exc:
        raise _located(exc, origins.get("engine")) from None


def resolve_voice(engine: SpeechEngine, settings: Settings, origins: dict[str, str]) -> str:
    """The engine voice id for ``settings.voice``.

    When the voice is the routine's language (no voice given), the engine must have a voice of
    that language; if not, the error names the voices it has and their languages. An unknown
    voice set in a file is refused at its position.
    """
    try:
        return _resolve_voice(engine, settings, origins)
    except UsageError as exc:
        raise _located(exc, origins.get("voice")) from None


def _resolve_voice(engine: SpeechEngine, settings: Settings, origins: dict[str, str]) -> str:
    if not origins.get("voice", "").startswith(LANGUAGE_ORIGIN):
        return engine.resolve_voice(settings.voice)
    language = settings.voice
    voices = engine.voices()
    speakers = [v.id for v in voices if speaks(v, language)]
    if not speakers:
        have = ", ".join(f"{v.id} ({'/'.join(v.languages)})" for v in voices) or "none"
        raise UsageError(
            f"the routine's language is '{language}' but no {engine.name} voice speaks it "
            f"(voices: {have}); add one or give a voice with --voice"
        )
    found = engine.resolve_voice(language)
    return found if found.split("+")[0] in speakers else engine.resolve_voice(speakers[0])


def _located(exc: UsageError, origin: str | None) -> UsageError:
    """``exc`` led by ``FILE:LINE:COL`` when ``origin`` ("profile FILE:L:C") names a file."""
    where = _position(origin)
    return UsageError(f"{where}: {exc}") if where else exc


def _position(origin: str | None) -> str | None:
    """``FILE:LINE:COL`` of an origin such as "profile FILE:L:C", if it names one."""
    where = re.fullmatch(r"[a-z ]+? (.+:[0-9]+:[0-9]+)", origin or "")
    return where.group(1) if where else None


def make_plan(
    routine: Routine,
    settings: Settings,
    origins: dict[str, str],
    cache: ClipCache,
    engine: SpeechEngine | None = None,
    progress: Progress | None = None,
    max_hours: float = limits.MAX_HOURS,
    mastering: bool = False,
    workers: int | None = None,
) -> Plan:
    """Compile, synthesize (cached) and schedule.

    A programme longer than ``max_hours`` is refused before it is compiled (from a lower bound
    of its length) or, at the latest, once scheduled and before anything is mixed. With
    ``mastering`` (a build, not a plan), each clip's loudness analysis starts on a background
    thread as soon as the clip is in. ``workers``: speech worker processes (default: as many
    as pay off; see ``sound.parallel``).
    """
    limits.check_programme(routine, settings, max_hours)
    engine = engine or engine_for(settings, origins)
    check_engine_settings(engine, settings, origins)
    voice_id = resolve_voice(engine, settings, origins)
    params = VoiceParams(voice_id, settings.rate, settings.volume, settings.pitch)
    script = compile_script(routine, settings, pinned=pinned_phrases(settings, origins))
    sounds = utterances(script)
    counts_at = fitting.count_rate(engine, routine.language, settings.rate, script)
    counted = set(fitting.count_texts(script)) if counts_at != settings.rate else set()
    texts = [text for kind, text in sounds if kind is EventKind.SPEECH and text not in counted]
    step = (lambda i, n: progress("synthesizing", i, n)) if progress else None
    store = AnalysisStore(cache.folder / "analysis" if cache.folder is not None else None)
    leveled = mastering and (settings.loudness is not None or settings.bed is not None)
    ready = (lambda pcm: store.prefetch(pcm, engine.sample_rate)) if leveled else None
    given: Given | None = None
    if clips_given(engine):
        from audio_guide.sound.given import given_clips

        fill = _fill(settings, origins, routine.language)
        given = given_clips(texts, engine, params, routine.language, fill, cache, step, ready)
        clips = given.bank
    else:
        clips = synthesize(texts, engine, params, cache, step, ready=ready, workers=workers)

    def speak(say: list[str], rate: int) -> ClipBank:
        return synthesize(
            say, engine, replace(params, rate=rate), cache, ready=ready, workers=workers
        )

    if counted:
        clips.clips.update(speak(sorted(counted), counts_at).clips)
    for kind, name in sounds:
        if kind is EventKind.CHIME:
            clips.clips[(kind, name)] = chime.render(name, clips.sample_rate)
            if ready:
                ready(clips.clips[(kind, name)])
    fitted = fitting.fit_script(script, clips, engine, params, cache, counts_at, speak, ready)
    script = fitted.script
    timeline = fitting.annotate(schedule(script, clips.lengths(), clips.sample_rate), fitted)
    limits.check_duration(routine, timeline.duration, max_hours)
    recorded = {
        **timeline.settings,
        "voice_id": voice_id,
        "engine": engine.name,
        "language": routine.language,
        "phrases": dict(effective_phrases(settings.phrases, routine.language).texts),
    }
    if given is not None:
        timeline = given.mark(timeline, recorded)
    else:
        timeline = replace(timeline, settings=recorded)
    return Plan(routine, settings, origins, script, timeline, clips, store)


def _fill(
    settings: Settings, origins: dict[str, str], language: str
) -> tuple[SpeechEngine, VoiceParams] | None:
    """The engine and voice that speak what a pack lacks (the routine language's voice)."""
    if settings.fill is None:
        return None
    engine = engine_for(replace(settings, engine=settings.fill), {"engine": origins["fill"]})
    voice = resolve_voice(
        engine, replace(settings, voice=language), {"voice": f"{LANGUAGE_ORIGIN} {language}"}
    )
    return engine, VoiceParams(voice, settings.rate, settings.volume, settings.pitch)


def output_format(
    settings: Settings, origins: dict[str, str], output: Path | None, name: str
) -> tuple[Path, Settings]:
    """The audio file to write and the settings with its format.

    Without ``output``: ``output/NAME.FORMAT``. With one, its suffix must be the format's when
    the format was set (flag, profile, routine; a ``UsageError`` naming where otherwise);
    when it was not, the suffix chooses it (``-o out.wav``).
    """
    if output is None:
        return Path("output") / f"{name}{suffix_of(settings.format)}", settings
    given = output.suffix.lower()[1:]
    if origins.get("format", DEFAULT_ORIGIN) == DEFAULT_ORIGIN:
        if given in CHOICES["format"]:
            return output, replace(settings, format=given)
        return output, settings
    if given != settings.format:
        origin = origins["format"]
        set_by = "here" if _position(origin) else f"by the {origin}"
        exc = UsageError(
            f"the output {output} does not end in {suffix_of(settings.format)}, the format "
            f"{settings.format} set {set_by}; name it {output.stem}{suffix_of(settings.format)} "
            f"or set the format {given or 'its name ends in'}"
        )
        raise _located(exc, origin)
    return output, settings


def timeline_path(output: Path) -> Path:
    """``NAME.timeline.json`` beside ``NAME.mp3``."""
    return output.with_name(output.stem + ".timeline.json")


def _timeline_json(timeline: Timeline) -> str:
    return json.dumps(timeline.as_dict(), indent=2, ensure_ascii=False) + "\n"


def mix_options(settings: Settings) -> MixOptions:
    """The mastering part of the settings."""
    return MixOptions(loudness=settings.loudness, bed=settings.bed, bed_level=settings.bed_level)


def render(
    plan: Plan,
    output: Path,
    progress: Progress | None = None,
    captions: Sequence[str] = (),
    cover: Path | None = None,
) -> list[Path]:
    """Master ``plan`` block by block into ``output``; write its timeline and captions beside it.

    The exporter is the one of ``output``'s suffix, which must be the format's when the plan's
    settings set one (see ``output_format``).

    Everything is written to temporary files first and moved into place together, so an
    error or an interrupt leaves the previous files as they were. Returns the files written
    after the audio: the timeline JSON, then any captions.
    """
    explicit = plan.origins.get("format", DEFAULT_ORIGIN) != DEFAULT_ORIGIN
    exporter = exporter_for(output, plan.settings.format if explicit else None)
    if cover is not None:
        exporter.add_cover(read_cover(cover))
    timeline = plan.timeline
    check_free_space(output, exporter, timeline)
    if progress:
        progress("measuring loudness", 0, 1)
    blocks = master(timeline, plan.clips, mix_options(plan.settings), store=plan.analysis)
    if progress:
        blocks = _counted(blocks, timeline.samples, progress)
    sides = [(timeline_path(output), _timeline_json(timeline))]
    sides += [(output.with_suffix(f".{fmt}"), WRITERS[fmt](timeline)) for fmt in captions]
    with staged() as stage:
        exporter.write(blocks, timeline, stage.path(output))
        for path, text in sides:
            stage.path(path).write_text(text, encoding="utf-8")
        stage.commit()
    return [path for path, _ in sides]


def _counted(blocks: Iterator[Pcm], total: int, progress: Progress) -> Iterator[Pcm]:
    done = 0
    for block in blocks:
        done += len(block)
        progress("encoding", done, total)
        yield block
