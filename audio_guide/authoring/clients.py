"""A practice's client files: a profile plus the routines the client gets, their language and
the formats to deliver.

``clients/NAME.yaml`` holds every key of a profile (``voice:``, ``pacing:``, ``sound:``,
``phrases:``, ``notes:``, ``points:``, ``lexicon:``, read by ``config.profile_sections``) and:

- ``routines:`` (required) the names of routine files in the practice's ``routines/`` folder;
  with a ``language:``, ``routines/NAME.LANG.yaml`` is taken when it exists;
- ``language:`` the language the client listens in (the routine's own when not given);
- ``formats:`` the audio formats to deliver (default ``[mp3]``; the feed carries the first);
- ``title:`` the title of the client's feed and page.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from audio_guide.authoring.config import PROFILE_KEYS, ProfileLibrary, profile_sections
from audio_guide.authoring.phrases import languages
from audio_guide.authoring.yamlread import Reader, compose_file
from audio_guide.layers import Layer
from audio_guide.model import Origin
from audio_guide.safename import is_inside, name_problem
from audio_guide.settings import CHOICES
from audio_guide.words import suggest

FORMATS = tuple(f for f in CHOICES["format"] if f != "wav")
"""Formats a client can ask for: those of ``build --format`` less the uncompressed WAV; each
track's settings carry its format (``practice.tracks``), so its timeline records it."""
CLIENT_KEYS = ("title", "routines", "language", "formats")
DEFAULT_TITLE = "Your routines"


@dataclass(frozen=True, slots=True)
class ClientRoutine:
    """One routine a client gets."""

    name: str
    """As written in the client file (the track's name)."""
    path: Path
    """The routine file it resolved to."""
    origin: Origin
    """Where the client file names it."""


@dataclass(frozen=True, slots=True)
class Client:
    """A validated client file."""

    name: str
    """The file's stem; used only inside the practice, never in what is delivered."""
    path: Path
    title: str
    routines: tuple[ClientRoutine, ...]
    language: str | None
    formats: tuple[str, ...]
    layer: Layer
    """The client's settings, as a profile layer."""
    library: ProfileLibrary
    """Point files and lexicon entries the client's profile adds."""


def routine_file(folder: Path, name: str, language: str | None) -> Path | None:
    """``folder/NAME.LANG.yaml`` (with a language) or ``folder/NAME.yaml``, if either exists."""
    for candidate in ([f"{name}.{language}.yaml"] if language else []) + [f"{name}.yaml"]:
        if (folder / candidate).is_file():
            return folder / candidate
    return None


def read_client(path: Path, routines_dir: Path | None = None) -> Client:
    """Validate a client file (every problem at once, ``FILE:LINE:COL``).

    Routine names are looked up in ``routines_dir`` (default: the ``routines`` folder beside
    the file's ``clients`` folder).
    """
    folder = routines_dir or path.parent.parent / "routines"
    reader = Reader(str(path))
    problem = name_problem(path.stem, "client file name")
    if problem:
        reader.error(None, problem)
        reader.raise_if_any()
    root = compose_file(path)
    if root is None:
        reader.error(None, "the client file is empty; give at least 'routines:'")
        reader.raise_if_any()
    top = reader.mapping(root, "client", (*CLIENT_KEYS, *PROFILE_KEYS), ("routines",)) or {}
    layer, library = profile_sections(reader, path, top, "client")
    title = reader.text(top["title"], "title") if "title" in top else None
    language = None
    if "language" in top:
        language = reader.choice(top["language"], "language", languages())
    formats: list[str] = []
    if "formats" in top:
        for node in reader.sequence(top["formats"], "formats"):
            fmt = reader.choice(node, "formats", FORMATS)
            if fmt is not None and fmt in formats:
                reader.error(node, f"formats: '{fmt}' is listed twice")
            elif fmt is not None:
                formats.append(fmt)
        if not formats and not reader.problems:
            reader.error(top["formats"], "formats: list at least one format")
    routines: list[ClientRoutine] = []
    if "routines" in top:
        nodes = reader.sequence(top["routines"], "routines (a list of routine names)")
        if not nodes and not reader.problems:
            reader.error(top["routines"], "routines: list at least one routine")
        have = sorted(p.name.split(".")[0] for p in folder.glob("*.yaml"))
        for node in nodes:
            name = reader.text(node, "routines")
            if name is None:
                continue
            problem = name_problem(name, "routines")
            if problem:
                reader.error(node, problem)
                continue
            file = routine_file(folder, name, language)
            if file is not None and not is_inside(folder, file):
                reader.error(node, f"routines: '{name}' leads outside {folder} (through a link)")
            elif any(r.name == name for r in routines):
                reader.error(node, f"routines: '{name}' is listed twice")
            elif file is None:
                reader.error(
                    node,
                    f"routines: no routine '{name}' in {folder}{suggest(name, have)}",
                )
            else:
                routines.append(ClientRoutine(name, file, reader.origin(node)))
    reader.raise_if_any()
    return Client(
        name=path.stem,
        path=path,
        title=title or DEFAULT_TITLE,
        routines=tuple(routines),
        language=language,
        formats=tuple(formats) or FORMATS[:1],
        layer=layer,
        library=library,
    )
