"""Settings read from YAML: a routine's ``voice:``/``pacing:`` sections and profile files.

A profile holds the same two sections as a routine, so a practitioner can keep each client's
voice and pacing in one file (``--profile FILE``) or make one the default for every build.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from audio_guide.authoring.lexicon import read_lexicon
from audio_guide.authoring.phrases import read_phrases
from audio_guide.authoring.plurals import nest
from audio_guide.authoring.yamlread import Reader, compose_file
from audio_guide.layers import Layer
from audio_guide.model import Cycles, Origin
from audio_guide.runtime import config_dir
from audio_guide.settings import (
    CHOICES,
    PACE_WORDS,
    PACING_KEYS,
    RANGES,
    SOUND_KEYS,
    VOICE_KEYS,
    CountStyle,
    point_id,
)

SECTIONS = {"voice": VOICE_KEYS, "pacing": PACING_KEYS, "sound": SOUND_KEYS}
PROFILE_KEYS = ("voice", "pacing", "sound", "phrases", "notes", "points", "lexicon")


def read_settings(
    reader: Reader, top: Mapping[str, yaml.Node], language: str | None = None
) -> tuple[dict[str, object], dict[str, Origin]]:
    """Read the ``voice:``, ``pacing:``, ``sound:`` and ``phrases:`` sections of a file.

    Returns values keyed by setting name and the file position of each (``holds.B54`` for
    per-point overrides, ``phrases.press`` for phrases). Problems are collected on ``reader``.
    With ``language`` (a routine's), plural forms that language does not use are refused here;
    a profile's are checked once the routine's language is known.
    """
    values: dict[str, object] = {}
    where: dict[str, Origin] = {}
    if "phrases" in top:
        phrases = read_phrases(reader, top["phrases"], language=language)
        values["phrases"] = {key: text for key, (text, _) in phrases.items()}
        where.update({f"phrases.{key}": o for key, (_, o) in phrases.items()})
    for section, keys in SECTIONS.items():
        if section not in top:
            continue
        for key, node in (reader.mapping(top[section], section, keys) or {}).items():
            name, what = keys[key], f"{section}.{key}"
            if name in ("holds", "cycles"):
                found = _read_overrides(reader, node, what, name)
                values[name] = {pid: value for pid, (value, _) in found.items()}
                where.update({f"{name}.{pid}": o for pid, (_, o) in found.items()})
                continue
            value = read_value(reader, node, what, name)
            if value is not None:
                values[name] = None if value is OFF else value
                where[name] = reader.origin(node)
    return values, where


OFF = object()
"""Read marker for ``loudness: off`` (a setting whose value is None)."""


def read_value(reader: Reader, node: yaml.Node, what: str, name: str) -> object | None:
    """Read one setting (or a hold, press, release or times) with its range or choices."""
    word = node.value if isinstance(node, yaml.ScalarNode) else None
    if name == "pace" and word in PACE_WORDS:
        return PACE_WORDS[str(word)]
    if name == "loudness" and word in ("off", "false"):
        return OFF
    if name in ("chime", "repetitions"):
        return reader.flag(node, what)
    if name == "bed":
        bed = reader.text(node, what)
        if bed is None or bed == "noise" or Path(bed).expanduser().is_absolute():
            return bed
        return str(Path(reader.file).parent / Path(bed))
    if name in RANGES:
        low, high, inclusive, integer, unit = RANGES[name]
        number = reader.number(
            node, what, low, high, low_inclusive=inclusive, integer=integer, unit=unit
        )
        return None if number is None else (int(number) if integer else number)
    if name in CHOICES:
        return reader.choice(node, what, CHOICES[name])
    if name in ("engine", "fill"):
        from audio_guide.registry import engine_names

        return reader.choice(node, what, engine_names())
    text = reader.text(node, what)
    if name == "count" and text is not None:
        try:
            return CountStyle.parse(text)
        except ValueError as exc:
            reader.error(node, f"{what}: {exc}")
            return None
    return text


def _read_overrides(
    reader: Reader, node: yaml.Node, what: str, name: str
) -> dict[str, tuple[object, Origin]]:
    keys = [k.value for k, _ in node.value] if isinstance(node, yaml.MappingNode) else []
    out: dict[str, tuple[object, Origin]] = {}
    for pid, value_node in (reader.mapping(node, what, keys) or {}).items():
        item = f"{what}.{pid}"
        value: object | None
        if name == "holds":
            value = read_value(reader, value_node, item, "hold")
        else:
            value = read_cycles(reader, value_node, item)
        if value is not None:
            out[point_id(pid)] = (value, reader.origin(value_node))
    return out


def read_cycles(reader: Reader, node: yaml.Node, where: str) -> Cycles | None:
    """Read ``{press: S, release: S, times: N}``."""
    keys = ("press", "release", "times")
    fields = reader.mapping(node, where, keys, keys)
    if fields is None:
        return None
    press, release, times = (
        read_value(reader, fields[k], f"{where}.{k}", k) if k in fields else None for k in keys
    )
    if press is None or release is None or times is None:
        return None
    return Cycles(float(press), float(release), int(times))  # type: ignore[arg-type,call-overload]


def default_profile_path() -> Path:
    """The default profile: ``profile.yaml`` in ``config_dir()``; used when it exists."""
    return config_dir() / "profile.yaml"


@dataclass(frozen=True, slots=True)
class ProfileLibrary:
    """What a profile adds to the point library: point files it names and lexicon entries."""

    source: str
    """``profile FILE`` or ``default profile FILE``."""
    files: tuple[Path, ...] = ()
    """Its ``points:`` files, relative paths taken from the profile's folder."""
    lexicon: Mapping[str, tuple[str, Origin]] = field(default_factory=dict)


def read_profile(path: Path, source: str = "profile") -> tuple[Layer, ProfileLibrary]:
    """Validate a profile file (every problem at once): its settings layer and library part."""
    reader = Reader(str(path))
    root = compose_file(path)
    if root is None:
        reader.error(None, "the profile is empty; give a 'voice:' or 'pacing:' section")
        reader.raise_if_any()
    top = reader.mapping(root, "profile", PROFILE_KEYS) or {}
    found = profile_sections(reader, path, top, source)
    reader.raise_if_any()
    return found


def profile_sections(
    reader: Reader, path: Path, top: Mapping[str, yaml.Node], source: str = "profile"
) -> tuple[Layer, ProfileLibrary]:
    """Read the profile keys of ``top`` (a profile, or a file that holds one, such as a
    practice's client file); problems are collected on ``reader``, not raised."""
    if "notes" in top:
        reader.texts(top["notes"], "notes")
    values, where = read_settings(reader, top)
    files: list[Path] = []
    if "points" in top:
        for node in reader.sequence(top["points"], "points (a list of point files)"):
            name = reader.text(node, "points")
            file = path.parent / Path(name).expanduser() if name is not None else None
            if file is not None and not file.is_file():
                reader.error(node, f"points: no point file '{name}' (looked for {file})")
            elif file is not None:
                files.append(file)
    lexicon = read_lexicon(reader, top["lexicon"]) if "lexicon" in top else {}
    label = f"{source} {path}"
    return Layer(label, values, where), ProfileLibrary(label, tuple(files), lexicon)


def load_profile(path: Path, source: str = "profile") -> Layer:
    """Validate a profile file (every problem at once) and return it as a settings layer."""
    return read_profile(path, source)[0]


def read_profiles(profile: Path | None) -> list[tuple[Layer, ProfileLibrary]]:
    """The default profile (if present), then ``profile`` (if given), lowest first."""
    found = []
    default = default_profile_path()
    if default.is_file():
        found.append(read_profile(default, "default profile"))
    if profile is not None:
        found.append(read_profile(profile))
    return found


def profile_text(values: Mapping[str, object], notes: str | None = None) -> str:
    """A profile YAML holding ``values`` (setting name -> value); ``load_profile`` reads it back.

    The inverse of ``read_settings``: each setting goes under its section and key, numbers
    without a useless ``.0``, ``loudness: off`` for no loudness target, per-point overrides as
    maps (``cycles`` as ``{press, release, times}``).
    """
    where = {name: (sec, key) for sec, keys in SECTIONS.items() for key, name in keys.items()}
    data: dict[str, object] = {"notes": notes} if notes else {}
    for name, value in values.items():
        if name == "phrases" and value:
            data["phrases"] = nest(dict(value))  # type: ignore[call-overload]
            continue
        if name not in where or (value is None and name != "loudness"):
            continue
        section, key = where[name]
        part = data.setdefault(section, {})
        assert isinstance(part, dict)
        part[key] = _yaml_value(name, value)
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)


class _Dumper(yaml.SafeDumper):
    """Writes floats as plain decimals (``0.00001``), the only number form routines accept."""


def _plain_float(dumper: yaml.SafeDumper, value: float) -> yaml.ScalarNode:
    text = f"{value:.10f}".rstrip("0")
    text += "0" if text.endswith(".") else ""
    return dumper.represent_scalar("tag:yaml.org,2002:float", text)


_Dumper.add_representer(float, _plain_float)


def _yaml_value(name: str, value: object) -> object:
    if name == "loudness" and value is None:
        return "off"
    if name == "holds":
        return {pid: _number(s) for pid, s in dict(value).items()}  # type: ignore[call-overload]
    if name == "cycles":
        return {
            pid: {"press": _number(c.press), "release": _number(c.release), "times": c.times}
            for pid, c in dict(value).items()  # type: ignore[call-overload]
        }
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return _number(value)
    return str(value)


def _number(value: float) -> int | float:
    """An int when whole, else the float."""
    return int(value) if float(value).is_integer() else float(value)
