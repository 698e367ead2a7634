"""The phrase table: every sentence the compiler adds, as data with named placeholders.

``scripts_data/phrases/keys.yaml`` says which keys exist and which placeholders each may use;
``scripts_data/phrases/LANG.yaml`` gives one text per key for a language. A routine's or a
profile's ``phrases:`` section (or ``--phrase KEY=TEXT``) overrides single keys. Every text is
checked against the keys file: an unknown key or placeholder is a problem at its line and column.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import yaml

from audio_guide.authoring.yamlread import Reader, compose_file
from audio_guide.errors import Problem, UsageError
from audio_guide.model import Origin
from audio_guide.words import fmt, suggest

DEFAULT_LANGUAGE = "en"
KEYS_FILE = "keys"
_TOKEN = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")
_NAME = re.compile(r"^[a-z_]+$")


def phrases_dir() -> Path:
    """The folder of shipped phrase files."""
    return Path(str(resources.files("audio_guide.scripts_data"))) / "phrases"


@dataclass(frozen=True, slots=True)
class KeySpec:
    """One phrase key: what it says and the placeholders it may use."""

    key: str
    says: str
    placeholders: tuple[str, ...]


@functools.cache
def key_specs() -> dict[str, KeySpec]:
    """Every phrase key, read from ``keys.yaml`` (validated like any input file)."""
    path = phrases_dir() / f"{KEYS_FILE}.yaml"
    reader = Reader(str(path))
    top = reader.mapping(compose_file(path), "phrase keys", ("keys",), ("keys",)) or {}
    table = reader.mapping(top.get("keys"), "keys", _keys_of(top.get("keys"))) or {}
    specs = {}
    for key, node in table.items():
        fields = reader.mapping(node, key, ("says", "placeholders"), ("says", "placeholders"))
        if not fields:
            continue
        says = reader.text(fields["says"], f"{key}.says") or ""
        names = fields["placeholders"]
        allowed = [] if _empty_list(names) else reader.texts(names, f"{key}.placeholders")
        specs[key] = KeySpec(key, says, tuple(allowed))
    reader.raise_if_any()
    return specs


def _keys_of(node: yaml.Node | None) -> list[str]:
    if isinstance(node, yaml.MappingNode):
        return [k.value for k, _ in node.value if isinstance(k, yaml.ScalarNode)]
    return []


def _empty_list(node: yaml.Node) -> bool:
    return isinstance(node, yaml.SequenceNode) and not node.value


def languages() -> list[str]:
    """Language codes with a shipped phrase file."""
    return sorted(p.stem for p in phrases_dir().glob("*.yaml") if p.stem != KEYS_FILE)


def placeholder_problem(key: str, text: str) -> tuple[int, str] | None:
    """The first problem with ``text`` as the phrase ``key``: (offset in text, message)."""
    spec = key_specs()[key]
    for m in _TOKEN.finditer(text):
        token, name = m.group(0), m.group(1)
        if token in ("{{", "}}"):
            continue
        if name is None:
            return m.start(), f"unmatched '{token}' (write {{{{ or }}}} for a literal brace)"
        if not _NAME.match(name):
            return m.start(), f"'{token}' is not a placeholder; placeholders are written {{name}}"
        if name not in spec.placeholders:
            allowed = ", ".join(f"{{{p}}}" for p in spec.placeholders) or "none"
            hint = suggest(name, spec.placeholders)
            return m.start(), f"unknown placeholder '{token}'{hint}; {key} may use: {allowed}"
    return None


def unknown_key(key: str) -> str:
    """The message for a phrase key that does not exist."""
    return f"unknown phrase key '{key}'{suggest(key, key_specs())}; see phrases/keys.yaml"


def read_phrases(
    reader: Reader, node: yaml.Node, what: str = "phrases"
) -> dict[str, tuple[str, Origin]]:
    """Read a ``phrases:`` mapping (key -> text), checking keys and placeholders."""
    specs = key_specs()
    found: dict[str, tuple[str, Origin]] = {}
    for key, value in (reader.mapping(node, what, _keys_of(node)) or {}).items():
        if key not in specs:
            reader.error(_key_node(node, key), f"{what}: {unknown_key(key)}")
            continue
        text = reader.text(value, f"{what}.{key}")
        if text is None:
            continue
        problem = placeholder_problem(key, text)
        if problem is not None:
            offset, message = problem
            reader.problems.append(_at(reader, value, offset, f"{what}.{key}: {message}"))
            continue
        found[key] = (text, reader.origin(value))
    return found


def _key_node(node: yaml.Node, key: str) -> yaml.Node:
    found: yaml.Node = next(k for k, _ in node.value if getattr(k, "value", None) == key)
    return found


def _at(reader: Reader, node: yaml.Node, offset: int, message: str) -> Problem:
    """A problem pointing inside a one-line scalar at ``offset`` (else at the scalar)."""
    line, col = node.start_mark.line + 1, node.start_mark.column + 1
    one_line = node.start_mark.line == node.end_mark.line
    if one_line and getattr(node, "style", None) in (None, "", "'", '"'):
        col += offset + (1 if getattr(node, "style", None) in ("'", '"') else 0)
    return Problem(reader.file, line, col, message)


def parse_phrase_flag(text: str) -> tuple[str, str]:
    """Parse ``--phrase KEY=TEXT``; raise ``UsageError`` when the key or a placeholder is wrong."""
    key, sep, value = str(text).partition("=")
    key, value = key.strip(), " ".join(value.split())
    if not sep or not key or not value:
        raise UsageError(f"--phrase: '{text}' should be KEY=TEXT, for example press='Now press.'")
    if key not in key_specs():
        raise UsageError(f"--phrase: {unknown_key(key)}")
    problem = placeholder_problem(key, value)
    if problem is not None:
        raise UsageError(f"--phrase {key}: {problem[1]}")
    return key, value


@dataclass(frozen=True, slots=True)
class Phrases:
    """One language's phrase texts with any overrides applied."""

    language: str
    texts: Mapping[str, str]

    def text(self, key: str, **values: object) -> str:
        """The phrase ``key`` with its placeholders filled, as written (for words put in others)."""
        mark = self.texts.get("decimal_mark", ".")
        words = {
            k: fmt(v).replace(".", mark) if isinstance(v, float) else str(v)
            for k, v in values.items()
        }
        return self.texts[key].format_map(words)

    def say(self, key: str, **values: object) -> str:
        """The phrase ``key`` with its placeholders filled, its first letter capitalised."""
        text = self.text(key, **values)
        return text[:1].upper() + text[1:]

    def with_overrides(self, overrides: Iterable[tuple[str, str]]) -> Phrases:
        """These phrases with single keys replaced."""
        return Phrases(self.language, {**self.texts, **dict(overrides)})


@functools.cache
def load_phrases(language: str = DEFAULT_LANGUAGE) -> Phrases:
    """The shipped phrase table for ``language``; every key must be there and valid."""
    known = languages()
    if language not in known:
        raise UsageError(
            f"no phrases for language '{language}'{suggest(language, known)}; "
            f"languages: {', '.join(known)}"
        )
    path = phrases_dir() / f"{language}.yaml"
    reader = Reader(str(path))
    root = compose_file(path)
    top = reader.mapping(root, "phrase file", ("phrases",), ("phrases",)) or {}
    texts: dict[str, str] = {}
    if "phrases" in top:
        texts = {k: t for k, (t, _) in read_phrases(reader, top["phrases"]).items()}
        missing = [k for k in key_specs() if k not in texts]
        if missing and not reader.problems:
            reader.error(top["phrases"], f"phrases: missing keys {', '.join(missing)}")
    reader.raise_if_any()
    return Phrases(language, texts)


def effective_phrases(
    overrides: Iterable[tuple[str, str]], language: str = DEFAULT_LANGUAGE
) -> Phrases:
    """The phrase table for ``language`` with ``overrides`` (key, text) applied."""
    return load_phrases(language).with_overrides(overrides)
