"""The phrase keys: which exist, what each says, its placeholders and the ones that choose its
plural form, read from ``scripts_data/phrases/keys.yaml``; checks of a text or a form against them.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import yaml

from audio_guide.authoring import plurals
from audio_guide.authoring.yamlread import Reader, compose_file
from audio_guide.words import suggest

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
    plural: tuple[str, ...] = ()
    """The placeholders that choose the text's plural form, outermost first."""


@functools.cache
def key_specs() -> dict[str, KeySpec]:
    """Every phrase key, read from ``keys.yaml`` (validated like any input file)."""
    path = phrases_dir() / f"{KEYS_FILE}.yaml"
    reader = Reader(str(path))
    top = reader.mapping(compose_file(path), "phrase keys", ("keys",), ("keys",)) or {}
    table = reader.mapping(top.get("keys"), "keys", keys_of(top.get("keys"))) or {}
    specs = {}
    for key, node in table.items():
        fields = reader.mapping(
            node, key, ("says", "placeholders", "plural"), ("says", "placeholders")
        )
        if not fields:
            continue
        says = reader.text(fields["says"], f"{key}.says") or ""
        names = fields["placeholders"]
        allowed = [] if _empty_list(names) else reader.texts(names, f"{key}.placeholders")
        plural = reader.texts(fields["plural"], f"{key}.plural") if "plural" in fields else []
        for name in plural:
            if name not in allowed:
                reader.error(
                    fields["plural"], f"{key}.plural: '{name}' is not a placeholder of {key}"
                )
        specs[key] = KeySpec(key, says, tuple(allowed), tuple(plural))
    reader.raise_if_any()
    return specs


def keys_of(node: yaml.Node | None) -> list[str]:
    """The plain keys of a mapping node (none for anything else)."""
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


def form_problem(key: str, forms: tuple[str, ...], language: str | None = None) -> str | None:
    """What is wrong with the plural forms ``forms`` of ``key`` (in ``language``), if anything."""
    spec = key_specs()[key]
    if len(forms) > len(spec.plural):
        if not spec.plural:
            return f"{key} holds no number, so it has no plural forms"
        return f"{key} has {len(spec.plural)} level(s) of forms, chosen by {', '.join(spec.plural)}"
    allowed = plurals.used(language) if language else plurals.CATEGORIES
    for form in forms:
        if not plurals.is_form(form):
            hint = suggest(form, plurals.CATEGORIES)
            return f"'{form}' is not a plural form{hint}; forms: {plurals.form_words()}"
        if form in plurals.CATEGORIES and form not in allowed:
            return f"'{form}' is not a plural form of {language} (its forms: {', '.join(allowed)})"
    return None


@functools.cache
def key_help(language: str) -> dict[str, str]:
    """What each phrase key says, in ``language`` (the ``says:`` section of its phrase file, for
    the studio's phrase rows); English and any key it leaves out fall back to ``keys.yaml``."""
    english = {k: s.says for k, s in key_specs().items()}
    path = phrases_dir() / f"{language}.yaml"
    if language == "en" or not path.is_file():
        return english
    reader = Reader(str(path))
    top = reader.mapping(compose_file(path), "phrase file", ("phrases", "says")) or {}
    table = reader.mapping(top.get("says"), "says", english) if "says" in top else {}
    found = {k: reader.text(node, f"says.{k}") or "" for k, node in (table or {}).items()}
    reader.raise_if_any()
    return {**english, **found}
