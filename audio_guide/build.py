"""The pipeline, end to end: load -> validate -> script -> synthesize -> schedule -> mix -> export.

Each step lives in its own module; this one only passes results along and the side effects in.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from audio_guide import fitting
from audio_guide.authoring import limits
from audio_guide.authoring.effective import pinned_phrases
from audio_guide.authoring.phrases import (
    effective_phrases,
)
from audio_guide.authoring.points import Library
from audio_guide.authoring.script import Script, compile_script, utterances
from audio_guide.authoring.validate import check, find_routine
from audio_guide.figures import picture_svg
from audio_guide.figures.render import renderer, to_png
from audio_guide.layers import DEFAULT_ORIGIN
from audio_guide.model import Routine, Step
from audio_guide.outputs.captions import WRITERS
from audio_guide.outputs.export import Exporter, Mp3Exporter, check_free_space, exporter_for
from audio_guide.outputs.files import file_sha256, staged
from audio_guide.outputs.naming import timeline_path
from audio_guide.outputs.tags import ChapterArt, Cover, read_cover
from audio_guide.runtime import ffmpeg_exe, lean_heap
from audio_guide.schedule import schedule
from audio_guide.settings import Settings
from audio_guide.sound import chime
from audio_guide.sound.analysis import AnalysisStore
from audio_guide.sound.engines import (
    SpeechEngine,
    VoiceParams,
    clips_given,
)
from audio_guide.sound.layout import Pcm
from audio_guide.sound.mix import MixOptions, master
from audio_guide.sound.parallel import synthesize
from audio_guide.sound.synth import ClipBank, ClipCache
from audio_guide.sound.voicing import check_engine_settings, engine_for, fill_engine, resolve_voice
from audio_guide.timeline import EventKind, Timeline

if TYPE_CHECKING:
    from audio_guide.sound.given import Given

Progress = Callable[[str, int, int], None]


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
    lean_heap()
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
    store = analysis_store(cache.folder)
    leveled = mastering and (settings.loudness is not None or settings.bed is not None)
    ready = (lambda pcm: store.prefetch(pcm, engine.sample_rate)) if leveled else None
    given: Given | None = None
    if clips_given(engine):
        from audio_guide.sound.given import given_clips

        fill = fill_engine(settings, origins, routine.language)
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
    if settings.bed not in (None, "noise"):  # a file: its name and content, never its folder
        bed = Path(str(settings.bed))
        recorded |= {"bed": bed.name, "bed_sha256": file_sha256(bed)}
    if given is not None:
        timeline = given.mark(timeline, recorded)
    else:
        timeline = replace(timeline, settings=recorded)
    return Plan(routine, settings, origins, script, timeline, clips, store)


def _timeline_json(timeline: Timeline) -> str:
    return json.dumps(timeline.as_dict(), indent=2, ensure_ascii=False) + "\n"


PICTURE_WIDTH = 600
_PNG = b"\x89PNG\r\n\x1a\n"


def analysis_store(cache_folder: Path | None) -> AnalysisStore:
    """The clip cache's store (``analysis/`` in ``cache_folder``; None keeps nothing): clip
    analyses, rendered sounds, chapter pictures and MP3 checks, kept between builds."""
    return AnalysisStore(cache_folder / "analysis" if cache_folder is not None else None)


def chapter_art(
    routine: Routine, cover: Cover | None = None, store: AnalysisStore | None = None
) -> ChapterArt:
    """Each point's picture (PNG, 600 px wide) for its chapters, and the cover for the rest.

    With a ``store`` (the clip cache) each picture is kept there, named by its SVG, width and
    ``renderer()``: a rebuild reads it instead of drawing it again (back_pain's 8 take ~0.26 s
    to draw)."""
    points = {s.point.id: s.point for s in routine.steps if isinstance(s, Step)}
    pictures = {}
    for pid, point in points.items():
        svg = picture_svg(point)
        if svg is None:
            continue
        name = store.name_of(["picture", PICTURE_WIDTH, renderer(), svg]) if store else None
        png = store.recall_bytes(name, ".png") if store else None
        if png is None or not png.startswith(_PNG):
            png = to_png(svg, PICTURE_WIDTH)
            if store:
                store.keep_bytes(name, ".png", png)
        pictures[pid] = Cover(png, "image/png")
    return ChapterArt(pictures, cover)


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
    settings set one (see ``outputs.naming.output_format``).

    Everything is written to temporary files first and moved into place together, so an
    error or an interrupt leaves the previous files as they were. Returns the files written
    after the audio: the timeline JSON, then any captions.
    """
    explicit = plan.origins.get("format", DEFAULT_ORIGIN) != DEFAULT_ORIGIN
    exporter = exporter_for(output, plan.settings.format if explicit else None)
    front = read_cover(cover) if cover is not None else None
    if front is not None:
        exporter.add_cover(front)
    if exporter.chapter_pictures:  # drawing them costs ~50 ms a point
        exporter.add_chapter_art(chapter_art(plan.routine, front, plan.analysis))
    timeline = plan.timeline
    check_free_space(output, exporter, timeline)
    sides = [(timeline_path(output), _timeline_json(timeline))]
    sides += [(output.with_suffix(f".{fmt}"), WRITERS[fmt](timeline)) for fmt in captions]
    with staged() as stage:
        _write_audio(plan, exporter, stage.path(output), progress)
        for path, text in sides:
            stage.path(path).write_text(text, encoding="utf-8")
        stage.commit()
    return [path for path, _ in sides]


def _write_audio(plan: Plan, exporter: Exporter, tmp: Path, progress: Progress | None) -> None:
    """Master and encode ``plan`` into ``tmp``. An MP3's true peak is checked after encoding
    and, over the bar, the track is mastered again with more headroom (``outputs/peakcheck.py``);
    a stream already checked (same blocks, same encoder) is not decoded again."""
    from audio_guide.outputs import peakcheck

    options = mix_options(plan.settings)
    store = plan.analysis
    for attempt in range(1, peakcheck.ATTEMPTS + 1):
        if progress:
            progress("measuring loudness", 0, 1)
        blocks = master(plan.timeline, plan.clips, options, store=store)
        if progress:
            blocks = _counted(blocks, plan.timeline.samples, progress)
        if not isinstance(exporter, Mp3Exporter):
            exporter.write(blocks, plan.timeline, tmp)
            return
        seen = peakcheck.Fingerprint([exporter.args(), ffmpeg_exe()])
        exporter.write(seen.watch(blocks), plan.timeline, tmp)
        kept = store.recall(seen.name()) if store is not None else None
        if kept is not None and isinstance(kept.get("peak"), (int, float)):
            peak = float(kept["peak"])  # type: ignore[arg-type]
        else:
            peak = peakcheck.decoded_peak(tmp, options.true_peak)
            if store is not None:  # a failing stream's verdict too: its rebuild goes straight on
                store.keep(seen.name(), {"peak": peak, "codec_margin": options.codec_margin})
        if peak <= options.true_peak or attempt == peakcheck.ATTEMPTS:
            return
        options = replace(options, codec_margin=options.codec_margin + peakcheck.RETRY_MARGIN)


def _counted(blocks: Iterator[Pcm], total: int, progress: Progress) -> Iterator[Pcm]:
    done = 0
    for block in blocks:
        done += len(block)
        progress("encoding", done, total)
        yield block
