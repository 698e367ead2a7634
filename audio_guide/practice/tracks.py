"""Every client x routine x format track of a practice, resolved to what shapes its sound.

A track's fingerprint is a hash of its fully resolved inputs, not of file dates: the compiled
script (every word as spoken, every cue on its clock, the routine's titles, the effective
phrase table), the effective settings, the engine and voice identity (engine name and version,
the resolved voice, the engine's ``cache_identity``: a Piper model's content hash, a recorded
pack's contents), the bed file's content, the format and the tool's version. A change that does
not reach the sound (a comment, a point no routine speaks, a client's notes) changes nothing.
Each part is also kept on its own, with the hashes of the files the track was read from, so a
rebuild can say why.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields, is_dataclass, replace
from enum import Enum
from pathlib import Path

import audio_guide
from audio_guide.authoring import limits
from audio_guide.authoring.clients import Client, ClientRoutine
from audio_guide.authoring.effective import effective_settings
from audio_guide.authoring.phrases import effective_phrases
from audio_guide.authoring.points import Library, LibraryLayer, assemble, load_point_file
from audio_guide.authoring.script import compile_script
from audio_guide.build import load as load_routine
from audio_guide.errors import UsageError
from audio_guide.layers import LANGUAGE_ORIGIN, Layer
from audio_guide.model import Origin, Routine
from audio_guide.outputs.files import file_sha256
from audio_guide.practice.folder import Practice
from audio_guide.settings import Settings
from audio_guide.sound.engines import SpeechEngine, VoiceParams
from audio_guide.sound.voicing import check_engine_settings, engine_for, resolve_voice

PARTS = {
    "script": "what is said or when (routine, points, phrases or pacing)",
    "settings": "the voice, pacing or sound settings",
    "voice": "the engine or voice",
    "bed": "the bed's sound file",
    "format": "the format",
    "tool": "audio-guide's version",
}
"""Fingerprint parts, and how a change of each is told."""


@dataclass(frozen=True, slots=True)
class Track:
    """One track to deliver, with everything a worker needs to build it."""

    client: str
    routine_name: str
    fmt: str
    routine: Routine
    settings: Settings
    origins: dict[str, str]
    parts: dict[str, str]
    """Fingerprint part -> hash."""
    inputs: dict[str, str] = field(default_factory=dict)
    """Files read (relative to the practice) -> content hash; to say what changed."""

    @property
    def key(self) -> str:
        """``CLIENT/ROUTINE.FORMAT``: the track's name inside the practice (never published)."""
        return f"{self.client}/{self.routine_name}.{self.fmt}"

    @property
    def fingerprint(self) -> str:
        """One hash of every part."""
        return digest(json.dumps(self.parts, sort_keys=True))


def digest(text: str | bytes) -> str:
    """sha256 hex of ``text``."""
    return hashlib.sha256(text.encode() if isinstance(text, str) else text).hexdigest()


def file_hash(path: Path) -> str:
    """sha256 of a file's bytes ('' when it cannot be read)."""
    return file_sha256(path)


_SCALARS = (str, int, float, bool, type(None))
_FIELDS: dict[type, tuple[str, ...]] = {}


def plain(value: object) -> object:
    """``value`` as nested tuples of plain values, without file positions (``Origin``): a
    comment that moves a line, or a practice copied elsewhere, changes no fingerprint."""
    if isinstance(value, _SCALARS):
        return value
    kind = type(value)
    if kind is Origin:
        return None
    if isinstance(value, Enum):
        return value.value
    if kind in (tuple, list):
        return tuple(plain(v) for v in value)  # type: ignore[attr-defined]
    if kind is dict:
        return tuple(sorted((str(k), plain(v)) for k, v in value.items()))  # type: ignore[attr-defined]
    if is_dataclass(value) and not isinstance(value, type):
        names = _FIELDS.get(kind)
        if names is None:
            names = _FIELDS[kind] = tuple(f.name for f in fields(value))
        return (kind.__name__, *((n, plain(getattr(value, n))) for n in names))
    if isinstance(value, Mapping):
        return tuple(sorted((str(k), plain(v)) for k, v in value.items()))
    return repr(value)


class Resolver:
    """Resolves tracks; point files, engines and voice identities are read once per batch."""

    def __init__(self, practice: Practice, max_hours: float = limits.MAX_HOURS) -> None:
        self.practice = practice
        self.max_hours = max_hours
        self._layers: dict[Path, LibraryLayer] = {}
        self._engines: dict[str, SpeechEngine] = {}
        self._voices: dict[tuple[str, ...], tuple[str, str, str]] = {}
        self._routines: dict[object, Routine] = {}
        self.base = assemble((), practice.point_files(), user_folder=False, label="practice")
        """The shipped library < the practice's ``points/`` (the user's own folder is not
        used: a practice builds the same on any machine)."""

    def _layer(self, path: Path, label: str) -> LibraryLayer:
        if path not in self._layers:
            self._layers[path] = load_point_file(path, label)
        return self._layers[path]

    def library(self, client: Client) -> Library:
        """The practice's library with the client's own point files and lexicon on top."""
        library = self.base
        for path in client.library.files:
            library = library.overlay(self._layer(path, client.library.source))
        return library.overlay(LibraryLayer(client.library.source, {}, client.library.lexicon))

    def tracks(self, client: Client, entry: ClientRoutine) -> list[Track]:
        """A client's tracks of one routine, one per format (bad input raises at its position)."""
        library = self.library(client)
        files = (client.path, *self.practice.point_files(), *client.library.files, entry.path)
        inputs = {self._rel(p): file_hash(p) for p in files}
        routine, settings, origins = self._settings(client, entry, library)
        parts = self._parts(routine, settings, origins)
        return [
            Track(
                client.name,
                entry.name,
                fmt,
                routine,
                replace(settings, format=fmt),
                {**origins, "format": f"client {client.path} (formats)"},
                {**parts, "format": fmt},
                inputs,
            )
            for fmt in client.formats
        ]

    def resolve(
        self, client: Client, entry: ClientRoutine, extra: Sequence[Layer] = ()
    ) -> tuple[Routine, Settings, dict[str, str]]:
        """A client's routine with its settings (``extra`` layers over the client's, as
        ``handout --client`` takes flags); bad input raises at its position."""
        return self._settings(client, entry, self.library(client), extra)

    def _settings(
        self, client: Client, entry: ClientRoutine, library: Library, extra: Sequence[Layer] = ()
    ) -> tuple[Routine, Settings, dict[str, str]]:
        lexicon = tuple(sorted((k, v) for k, (v, _) in client.library.lexicon.items()))
        key = (entry.path, client.library.files, lexicon)
        if key not in self._routines:  # most clients share the practice's library
            self._routines[key] = load_routine(str(entry.path), library)
        routine = self._routines[key]
        if client.language and routine.language != client.language:
            raise UsageError(
                f"{entry.origin}: routine '{entry.name}' is in '{routine.language}' but the "
                f"client listens in '{client.language}'; add routines/{entry.name}."
                f"{client.language}.yaml"
            )
        settings, origins = effective_settings(routine, [client.layer, *extra])
        limits.check_programme(routine, settings, self.max_hours)
        return routine, settings, origins

    def _parts(
        self, routine: Routine, settings: Settings, origins: dict[str, str]
    ) -> dict[str, str]:
        voice = self._voice(settings, origins)
        script = compile_script(routine, settings)
        table = effective_phrases(settings.phrases, routine.language).texts
        said = plain((replace(script, settings=Settings()), routine.language, table))
        bed = settings.bed
        kind = bed if bed in (None, "noise") else "file"
        return {
            "script": digest(repr(said)),
            "settings": digest(repr(plain(replace(settings, bed=kind)))),
            "voice": digest(repr(voice)),
            "bed": file_hash(Path(bed)) if kind == "file" and bed else "",
            "tool": audio_guide.__version__,
        }

    def _voice(self, settings: Settings, origins: Mapping[str, str]) -> tuple[str, str, str]:
        """(engine, version, voice id + the engine's cache identity), looked up once."""
        by_language = origins.get("voice", "").startswith(LANGUAGE_ORIGIN)
        key = (settings.engine, settings.voice, *map(str, (settings.rate, settings.volume)))
        key += (str(settings.pitch), str(by_language))
        if key not in self._voices:
            if settings.engine not in self._engines:
                self._engines[settings.engine] = engine_for(settings, dict(origins))
            engine = self._engines[settings.engine]
            check_engine_settings(engine, settings, dict(origins))
            voice_id = resolve_voice(engine, settings, dict(origins))
            params = VoiceParams(voice_id, settings.rate, settings.volume, settings.pitch)
            identity = f"{voice_id}|{engine.sample_rate}|{engine.cache_identity(params)}"
            self._voices[key] = (engine.name, engine.version(), identity)
        return self._voices[key]

    def _rel(self, path: Path) -> str:
        try:
            return str(path.resolve().relative_to(self.practice.root.resolve()))
        except ValueError:
            return str(path)
