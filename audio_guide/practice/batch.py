"""``batch``: build every client x routine track that is out of date, and nothing else.

Reads every client file (a bad one is refused at its position and the others go on), resolves
each track to its fingerprint (``tracks.py``), compares it with ``state/tracks/`` and runs
the tracks that differ or whose files are gone as jobs (``jobs.py``). Each finished track is
written into its client's folder whole and recorded at once, so an interrupted batch keeps what
it finished. Then every client's folder is brought in step (``deliver.py``).
"""

from __future__ import annotations

import glob
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from audio_guide.authoring import limits
from audio_guide.authoring.clients import Client, read_client
from audio_guide.build import analysis_store, chapter_art
from audio_guide.errors import AudioGuideError
from audio_guide.model import Step
from audio_guide.practice import deliver
from audio_guide.practice.feed import chapters_json
from audio_guide.practice.folder import Manifest, Practice, Tokens, locked
from audio_guide.practice.jobs import Job, Result, cache_folder, run_all
from audio_guide.practice.site import PICTURE_INFIX, picture_file, url, write_track
from audio_guide.practice.tracks import PARTS, Resolver, Track, digest

Say = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class Options:
    """How to run a batch."""

    dry_run: bool = False
    jobs: int = 1
    scheduler: str | None = None
    """A Dask scheduler address (``tcp://HOST:PORT``), or None for this machine."""
    base_url: str | None = None
    cache_dir: str | None = None
    use_cache: bool = True
    max_hours: float = limits.MAX_HOURS
    new_tokens: bool = False
    """Issue new tokens where a lost tokens.json cannot be rebuilt (every such address changes)."""


@dataclass(frozen=True, slots=True)
class Failure:
    """A track or file that could not be built, and why."""

    where: str
    code: int
    """2 bad input, 1 runtime fault."""
    message: str


@dataclass
class Outcome:
    """What a batch did."""

    todo: list[tuple[Track, str]] = field(default_factory=list)
    """Out-of-date tracks and why."""
    built: list[str] = field(default_factory=list)
    up_to_date: int = 0
    failures: list[Failure] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def exit_code(self) -> int:
        """0 all built; 2 when any input was bad; else 1 for runtime faults."""
        codes = {f.code for f in self.failures}
        return 2 if 2 in codes else (1 if codes else 0)


def reasons(track: Track, entry: dict[str, Any] | None, present: bool) -> str:
    """Why ``track`` is out of date ('' when it is not)."""
    if entry is None:
        return "new track"
    if entry.get("fingerprint") != track.fingerprint:
        old = entry.get("parts", {})
        changed = [PARTS[p] for p in PARTS if old.get(p) != track.parts.get(p)]
        files = [f for f, h in track.inputs.items() if entry.get("inputs", {}).get(f) != h]
        return "changed: " + "; ".join(changed) + (f" (files: {', '.join(files)})" if files else "")
    return "" if present else "its file is missing from the site"


class Batch:
    """One run over a practice."""

    def __init__(self, practice: Practice, options: Options, say: Say) -> None:
        self.practice = practice
        self.options = options
        self.say = say
        self.tokens = Tokens(practice, options.new_tokens)
        self.manifest = Manifest(practice)
        self.tracks = self.manifest.tracks
        self.folders = self.manifest.folders
        self.clients: dict[str, Client] = {}
        self.bad: set[str] = set()
        self.resolved: dict[tuple[str, str], Track] = {}
        """(client, routine) -> its first track, for the routine's handout."""
        self.outcome = Outcome()
        self._saved = 0.0

    def run(self) -> Outcome:
        """Plan, then (unless a dry run) build and deliver."""
        started = time.monotonic()
        if self.options.dry_run:
            self._plan()
            return self.outcome
        with locked(self.practice):
            self._plan()
            self.tokens.save()
            deliver.move_revoked(self)
            self._build()
            deliver.refresh(self, self.options.base_url)
            self._record_feeds()
            self._save(force=True)
        self.outcome.seconds = time.monotonic() - started
        return self.outcome

    def _fail(self, where: str, exc: AudioGuideError) -> None:
        message = " ".join(line for line in str(exc).splitlines())
        if not any(f.message == message for f in self.outcome.failures):
            self.outcome.failures.append(Failure(where, exc.exit_code, message))

    def _plan(self) -> None:
        resolver = Resolver(self.practice, self.options.max_hours)
        for path in self.practice.client_files():
            try:
                client = read_client(path, self.practice.routines)
            except AudioGuideError as exc:
                self.bad.add(path.stem)
                self._fail(str(path), exc)
                continue
            self.clients[client.name] = client
            token = self.tokens.get(client.name)
            for entry in client.routines:
                try:
                    tracks = resolver.tracks(client, entry)
                except AudioGuideError as exc:
                    self.bad.add(client.name)
                    self._fail(f"{client.name}/{entry.name}", exc)
                    continue
                self.resolved[(client.name, entry.name)] = tracks[0]
                folder = self.practice.site / self.folders.get(client.name, token)
                for track in tracks:
                    present = (folder / f"{track.routine_name}.{track.fmt}").is_file()
                    why = reasons(track, self.tracks.get(track.key), present)
                    if why:
                        self.outcome.todo.append((track, why))
                    else:
                        self.outcome.up_to_date += 1

    def _build(self) -> None:
        todo = self.outcome.todo
        if not todo:
            return
        opts = self.options
        alone = opts.jobs == 1 and opts.scheduler is None  # one track at a time, here
        jobs = [
            Job(t, opts.cache_dir, opts.use_cache, opts.max_hours, None if alone else 1)
            for t, _ in todo
        ]
        by_key = {t.key: t for t, _ in todo}
        where = "local" if opts.scheduler is None else f"Dask at {opts.scheduler}"
        workers = "" if opts.scheduler else f", {min(opts.jobs, len(jobs))} at a time"
        total = len(jobs) + self.outcome.up_to_date
        self.say(f"building {len(jobs)} of {total} tracks ({where}{workers})")
        started = time.monotonic()

        def done(result: Result) -> None:
            track = by_key[result.key]
            if result.code == 0:
                try:
                    self._deliver(track, result)
                    self.outcome.built.append(result.key)
                except AudioGuideError as exc:
                    self._fail(result.key, exc)
            else:
                self.outcome.failures.append(Failure(result.key, result.code, result.message))
            finished = len(self.outcome.built) + sum(
                1 for f in self.outcome.failures if f.where in by_key
            )
            elapsed = time.monotonic() - started
            left = elapsed / finished * (len(jobs) - finished)
            state = f"built in {result.seconds:.1f} s" if result.code == 0 else "FAILED"
            self.say(
                f"[{finished}/{len(jobs)}] {result.key} {state}"
                + (f"; about {_clock(left)} left" if finished < len(jobs) else "")
            )

        run_all(jobs, opts.jobs, opts.scheduler, done)

    def _deliver(self, track: Track, result: Result) -> None:
        """Write a built track into its client's folder and record it."""
        import json

        token = self.tokens.get(track.client)
        timeline = json.loads(result.timeline)
        name = track.routine_name
        folder = self.practice.site / token
        # the pictures the build kept in the clip cache (drawn again only where it is not
        # shared, as on another machine's Dask worker)
        store = analysis_store(cache_folder(self.options.cache_dir, self.options.use_cache))
        art = chapter_art(track.routine, store=store)
        pictures = {pid: picture_file(name, pid) for pid in art.pictures}
        images = {pid: url(self.options.base_url, token, f) for pid, f in pictures.items()}
        alts = {s.point.id: s.point.location for s in track.routine.steps if isinstance(s, Step)}
        for stale in folder.glob(f"{glob.escape(name)}{PICTURE_INFIX}*.png"):
            if stale.name not in pictures.values():
                stale.unlink(missing_ok=True)
        write_track(
            folder,
            {
                f"{name}.{track.fmt}": result.audio,
                f"{name}.vtt": result.captions.encode("utf-8"),
                f"{name}.chapters.json": chapters_json(timeline["chapters"], images).encode(),
                f"{name}.timeline.json": result.timeline.encode("utf-8"),
                **{f: art.pictures[pid].data for pid, f in pictures.items()},
            },
        )
        self.folders[track.client] = token
        self.manifest.feeds[track.client] = self.tokens.feed_id(track.client)
        self.manifest.touch(track.client)
        old = self.tracks.get(track.key, {})
        audio = digest(result.audio)
        now = datetime.now(timezone.utc).replace(microsecond=0).isoformat()
        self.tracks[track.key] = {
            "fingerprint": track.fingerprint,
            "parts": track.parts,
            "inputs": track.inputs,
            "audio": audio,
            "bytes": len(result.audio),
            "date": old["date"] if old.get("audio") == audio and "date" in old else now,
            "duration": timeline["duration"],
            "title": timeline["title"],
            "description": timeline.get("description", ""),
            "language": track.routine.language,
            "chapters": [
                [c["start"], c["title"], *_picture(c.get("point"), pictures, alts)]
                for c in timeline["chapters"]
            ],
        }
        self._save()

    def _record_feeds(self) -> None:
        """Keep every delivered client's feed id in its track record too (a lost tokens.json is
        rebuilt from them)."""
        for client in self.folders:
            feed = self.tokens.data.get(client, {}).get("feed")
            if feed and self.manifest.feeds.get(client) != feed:
                self.manifest.feeds[client] = feed
                self.manifest.touch(client)

    def _save(self, force: bool = False) -> None:
        """Record the manifest (at most once a second while building, and at the end)."""
        now = time.monotonic()
        if force or now - self._saved >= 1.0:
            self.manifest.save()
            self._saved = now


def _picture(point: str | None, pictures: dict[str, str], alts: dict[str, str]) -> list[str]:
    """A recorded chapter's picture file and its words, when its point has a picture."""
    if point is None or point not in pictures:
        return []
    return [pictures[point], alts.get(point, "")]


def _clock(seconds: float) -> str:
    whole = round(seconds)
    return f"{whole // 60}:{whole % 60:02d}"


def run_batch(folder: Path, options: Options, say: Say) -> Outcome:
    """Run a batch over the practice at ``folder``."""
    from audio_guide.practice.folder import open_practice

    return Batch(open_practice(folder), options, say).run()
