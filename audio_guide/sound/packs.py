"""Voice packs: a person's recorded utterances, one FLAC per spoken text and language.

A pack is a folder::

    pack.yaml                 name, speaker, consent, language, sample_rate
    clips/LANG/HASH.flac      16-bit mono at sample_rate; HASH from the spoken text

indexed by the spoken text (after the lexicon) and the language; each FLAC also carries its text
as its title tag, so the folder describes itself. Packs live in ``CONFIG/packs/NAME/`` or at any
path. Clips are written through ``soundfile`` (libsndfile) atomically.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

import yaml

from audio_guide.errors import Problem, RoutineError, UsageError
from audio_guide.runtime import config_dir
from audio_guide.safename import NAME_MAX_BYTES, inside, is_inside, name_problem
from audio_guide.sound.engines import Samples
from audio_guide.sound.takes import MAX_SECONDS

PACK_FILE = "pack.yaml"
DEFAULT_RATE = 22050
"""Sample rate of a new pack: espeak-ng's and Piper Joe's, so filled clips need no resampling."""
RATES = (16000, 22050, 24000, 32000, 44100, 48000)
MAX_CLIP_SECONDS = MAX_SECONDS + 1
"""Longest clip a pack may hold: a take is refused past ``takes.MAX_SECONDS``, so a longer
clip was not made here, and is refused before it is decoded (memory stays bounded)."""
KEYS = ("name", "speaker", "consent", "language", "sample_rate")
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")


def packs_dir() -> Path:
    """``CONFIG/packs``: where packs are found by name and created by ``pack import``."""
    return config_dir() / "packs"


def normal(text: str) -> str:
    """The index form of a text: whitespace collapsed."""
    return " ".join(text.split())


def clip_name(text: str) -> str:
    """The file name of a text's clip."""
    return hashlib.sha256(normal(text).encode("utf-8")).hexdigest()[:20] + ".flac"


@dataclass(frozen=True, slots=True)
class Pack:
    """A voice pack on disk."""

    path: Path
    name: str
    speaker: str
    consent: str
    language: str
    sample_rate: int = DEFAULT_RATE

    def clip_path(self, text: str, language: str | None = None) -> Path:
        """Where the clip of ``text`` in ``language`` (default: the pack's) lives; a language
        that is not a plain name, or a clips folder that leads elsewhere, is refused."""
        clips = self.path / "clips"
        folder = inside(clips, language or self.language, "language")
        path = folder / clip_name(text)
        if not is_inside(self.path, path):
            raise UsageError(f"{clips} leads outside the pack {self.path} (through a link)")
        return path

    def has(self, text: str, language: str | None = None) -> bool:
        """Whether ``text`` is recorded."""
        return self.clip_path(text, language).is_file()

    def missing(self, texts: Iterable[str], language: str | None = None) -> list[str]:
        """The texts of ``texts`` not recorded, in order, each once."""
        return [t for t in dict.fromkeys(texts) if not self.has(t, language)]

    def load(self, text: str, language: str | None = None) -> Samples:
        """The clip of ``text`` as int16 samples; ``UsageError`` if absent or unreadable."""
        import numpy as np
        import soundfile

        path = self.clip_path(text, language)
        try:
            with soundfile.SoundFile(str(path)) as f:
                if f.frames > MAX_CLIP_SECONDS * f.samplerate:
                    raise UsageError(
                        f"{path}: {f.frames / max(f.samplerate, 1):.0f} s long, more than a "
                        f"take may be ({MAX_CLIP_SECONDS:g} s); record {text!r} again"
                    )
                if f.samplerate != self.sample_rate or f.channels != 1:
                    raise UsageError(
                        f"{path}: recorded at {f.samplerate} Hz with {f.channels} channels, but "
                        f"the pack is mono at {self.sample_rate} Hz; record {text!r} again"
                    )
                data = f.read(dtype="int16")
        except FileNotFoundError:
            raise UsageError(f"pack {self.name!r} has no recording of {text!r}") from None
        except (OSError, RuntimeError) as exc:  # soundfile raises LibsndfileError(RuntimeError)
            raise UsageError(
                f"{path}: not a readable FLAC ({exc}); record {text!r} again"
            ) from None
        return np.asarray(data, dtype=np.int16)

    def save(self, text: str, samples: Samples, language: str | None = None) -> Path:
        """Store ``samples`` as the clip of ``text`` (replacing any), atomically."""
        import soundfile

        path = self.clip_path(text, language)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=path.parent, suffix=".flac.tmp")
        os.close(fd)
        try:
            with soundfile.SoundFile(name, "w", self.sample_rate, 1, "PCM_16", format="FLAC") as f:
                f.title = normal(text)
                f.artist = self.speaker
                f.write(samples)
            os.replace(name, path)
        finally:
            Path(name).unlink(missing_ok=True)
        return path

    def delete(self, text: str, language: str | None = None) -> bool:
        """Remove the clip of ``text``; whether there was one."""
        path = self.clip_path(text, language)
        existed = path.is_file()
        path.unlink(missing_ok=True)
        return existed

    def clip_count(self) -> int:
        """How many clips the pack holds, in every language."""
        return sum(1 for _ in (self.path / "clips").glob("*/*.flac"))

    def write_meta(self) -> None:
        """Write ``pack.yaml``."""
        data = {
            "name": self.name,
            "speaker": self.speaker,
            "consent": self.consent,
            "language": self.language,
            "sample_rate": self.sample_rate,
        }
        self.path.mkdir(parents=True, exist_ok=True)
        text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
        tmp = self.path / f".{PACK_FILE}.tmp"
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, self.path / PACK_FILE)


def read_pack(folder: Path) -> Pack:
    """The pack in ``folder``; ``RoutineError`` at ``pack.yaml:LINE:COL`` for a bad file."""
    file = folder / PACK_FILE
    try:
        text = file.read_text(encoding="utf-8")
        root = yaml.compose(text)
    except FileNotFoundError:
        raise UsageError(f"{folder} is not a voice pack (no {PACK_FILE} in it)") from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise RoutineError([Problem(str(file), 1, 1, f"cannot read the pack: {exc}")]) from None
    problems: list[Problem] = []

    def at(node: yaml.Node | None, message: str) -> None:
        mark = node.start_mark if node is not None else None
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problems.append(Problem(str(file), line, col, message))

    values: dict[str, object] = {}
    if not isinstance(root, yaml.MappingNode):
        at(root, "pack.yaml must be a mapping with name, speaker, consent, language, sample_rate")
    else:
        for key_node, node in root.value:
            key = key_node.value
            if key not in KEYS:
                at(key_node, f"unknown key {key!r}; a pack has {', '.join(KEYS)}")
            elif not isinstance(node, yaml.ScalarNode) or node.tag.endswith(":null"):
                at(node, f"{key} must be a value")
            elif key == "sample_rate":
                if not node.value.isdigit() or int(node.value) not in RATES:
                    at(node, f"sample_rate must be one of {', '.join(map(str, RATES))}")
                else:
                    values[key] = int(node.value)
            elif not node.value.strip() and key != "consent":
                at(node, f"{key} is empty")
            elif key == "language" and (problem := name_problem(node.value, "language")):
                at(node, problem)
            else:
                values[key] = " ".join(node.value.split())
        for key in ("speaker", "language"):
            if key not in values and not any(p.message.startswith(key) for p in problems):
                at(root, f"missing {key!r}: who is speaking, and in which language")
    if problems:
        raise RoutineError(problems)
    return Pack(
        folder,
        str(values.get("name", folder.name)),
        str(values["speaker"]),
        str(values.get("consent", "")),
        str(values["language"]),
        int(values.get("sample_rate", DEFAULT_RATE)),  # type: ignore[call-overload]
    )


def pack_names() -> list[str]:
    """Names of the packs in the config folder."""
    folder = packs_dir()
    if not folder.is_dir():
        return []
    return sorted(p.name for p in folder.iterdir() if (p / PACK_FILE).is_file())


def list_packs() -> list[Pack]:
    """The packs in the config folder (a broken one is skipped here, refused when named)."""
    found = []
    for name in pack_names():
        try:
            found.append(read_pack(packs_dir() / name))
        except (UsageError, RoutineError):
            continue
    return found


def pack_folder(spec: str) -> Path:
    """The folder ``spec`` names: a path holding ``pack.yaml``, else a name in the config folder."""
    path = Path(spec).expanduser()
    too_long = [p for p in path.parts if len(p.encode("utf-8")) > NAME_MAX_BYTES]
    if too_long:
        raise UsageError(
            f"pack {spec[:40]!r}...: a name of {len(too_long[0].encode('utf-8'))} bytes is too "
            f"long for a folder; use letters, digits, '.', '_' or '-' (up to 64)"
        )
    if (path / PACK_FILE).is_file() or os.sep in spec or spec.startswith("."):
        return path
    return packs_dir() / safe_pack_name(spec)


def safe_pack_name(name: str) -> str:
    """A pack name usable as a folder name, or ``UsageError``."""
    if not NAME.fullmatch(name):
        raise UsageError(
            f"pack name {name!r} is not allowed: use letters, digits, '.', '_' or '-' "
            "(up to 64), or give the pack's folder as a path"
        )
    return name


def find_pack(spec: str) -> Pack:
    """The pack named or pointed to by ``spec``; ``UsageError`` naming the packs there are."""
    folder = pack_folder(spec)
    if not (folder / PACK_FILE).is_file():
        have = ", ".join(pack_names()) or "none yet"
        raise UsageError(
            f"no voice pack {spec!r} (packs in {packs_dir()}: {have}); record one in the "
            "studio's 'Record your voice' panel or with 'audio-guide pack import'"
        )
    return read_pack(folder)


def create_pack(
    spec: str, speaker: str, language: str, consent: str = "", sample_rate: int = DEFAULT_RATE
) -> Pack:
    """A new pack at ``spec`` (a name in the config folder, or a path); ``UsageError`` if one is
    there already or a field is empty."""
    folder = pack_folder(spec)
    if (folder / PACK_FILE).is_file():
        raise UsageError(f"there is already a voice pack at {folder}")
    if not speaker.strip() or not language.strip():
        raise UsageError("a new pack needs the speaker's name and its language")
    problem = name_problem(language.strip(), "language")
    if problem:
        raise UsageError(problem)
    pack = Pack(folder, folder.name, normal(speaker), normal(consent), language.strip())
    pack = replace(pack, sample_rate=sample_rate)
    pack.write_meta()
    return pack
