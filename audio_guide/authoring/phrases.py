"""The phrase table: every sentence the compiler adds, as data with named placeholders.

``scripts_data/phrases/keys.yaml`` says which keys exist, which placeholders each may use and
which of them choose its plural form; ``scripts_data/phrases/LANG.yaml`` gives one text per key
for a language (a mapping of plural forms for a key with a number, see ``plurals``). A
routine's, a step's or a profile's ``phrases:`` section (or ``--phrase KEY=TEXT``,
``--phrase KEY.FORM=TEXT``) overrides single keys or forms. Every text is checked against the
keys file: an unknown key, form or placeholder is a problem at its line and column.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

from audio_guide.authoring import plurals
from audio_guide.authoring.phrasekeys import (
    KEYS_FILE,
    KeySpec,
    form_problem,
    key_specs,
    keys_of,
    languages,
    phrases_dir,
    placeholder_problem,
    unknown_key,
)
from audio_guide.authoring.yamlread import Reader, compose_file
from audio_guide.errors import Problem, UsageError
from audio_guide.model import Origin
from audio_guide.words import fmt, suggest

__all__ = [
    "DEFAULT_LANGUAGE",
    "KEYS_FILE",
    "KeySpec",
    "Phrases",
    "effective_phrases",
    "form_problem",
    "key_specs",
    "languages",
    "load_phrases",
    "parse_phrase_flag",
    "phrases_dir",
    "placeholder_problem",
    "read_phrases",
    "read_table",
    "unknown_key",
]

DEFAULT_LANGUAGE = "en"


def read_phrases(
    reader: Reader,
    node: yaml.Node,
    what: str = "phrases",
    language: str | None = None,
    complete: bool = False,
) -> dict[str, tuple[str, Origin]]:
    """Read a ``phrases:`` mapping (key -> text, or key -> plural forms), checking keys, forms
    and placeholders. Forms are returned as dotted keys (``hold_plan.one``).

    With ``language``, a form that language does not use is refused; with ``complete`` (a
    language's own table) every form it needs must be there too.
    """
    specs = key_specs()
    found: dict[str, tuple[str, Origin]] = {}
    for key, value in (reader.mapping(node, what, keys_of(node)) or {}).items():
        if key not in specs:
            reader.error(_key_node(node, key), f"{what}: {unknown_key(key)}")
            continue
        _read_forms(reader, value, key, key, f"{what}.{key}", language, found)
        if complete and language is not None and specs[key].plural:
            have = [k for k in found if k == key or k.startswith(key + ".")]
            if len(have) == 0:
                continue
            for path, lacking in plurals.missing(language, key, len(specs[key].plural), have):
                where = _node_at(value, path.split(".")[1:])
                forms = ", ".join(lacking)
                by = specs[key].plural[path.count(".")]
                reader.error(
                    where,
                    f"{what}.{path}: missing plural form{'s' if len(lacking) > 1 else ''} "
                    f"{forms} (chosen by {{{by}}}); {language} needs "
                    f"{', '.join(plurals.needed(language))}",
                )
    return found


def _read_forms(
    reader: Reader,
    node: yaml.Node,
    key: str,
    path: str,
    what: str,
    language: str | None,
    found: dict[str, tuple[str, Origin]],
) -> None:
    """One text, or a mapping of plural forms (nested once per choosing placeholder)."""
    spec = key_specs()[key]
    depth = path.count(".")
    if not isinstance(node, yaml.MappingNode):
        text = reader.text(node, what)
        if text is None:
            return
        problem = placeholder_problem(key, text)
        if problem is not None:
            offset, message = problem
            reader.problems.append(_at(reader, node, offset, f"{what}: {message}"))
            return
        found[path] = (text, reader.origin(node))
        return
    if depth >= len(spec.plural):
        why = (
            f"{key} holds no number, so it has no plural forms; give one text"
            if not spec.plural
            else f"{key} has plural forms chosen by {', '.join(spec.plural)} only"
        )
        reader.error(node, f"{what}: {why}")
        return
    allowed = plurals.used(language) if language else plurals.CATEGORIES
    for form_node, value in node.value:
        form = str(getattr(form_node, "value", ""))
        if not plurals.is_form(form):
            hint = suggest(form, plurals.CATEGORIES)
            reader.error(
                form_node,
                f"{what}: '{form}' is not a plural form{hint}; forms: {plurals.form_words()}",
            )
            continue
        if form in plurals.CATEGORIES and form not in allowed:
            reader.error(
                form_node,
                f"{what}: '{form}' is not a plural form of {language} (its forms: "
                f"{', '.join(allowed)}, or a whole number)",
            )
            continue
        if f"{path}.{form}" in found:
            reader.error(form_node, f"{what}: form '{form}' appears twice")
            continue
        _read_forms(reader, value, key, f"{path}.{form}", f"{what}.{form}", language, found)


def _node_at(node: yaml.Node, forms: list[str]) -> yaml.Node:
    """The node of the forms mapping at ``forms`` under ``node``."""
    for form in forms:
        if not isinstance(node, yaml.MappingNode):
            break
        node = next((v for k, v in node.value if str(getattr(k, "value", "")) == form), node)
    return node


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
    """Parse ``--phrase KEY=TEXT`` or ``--phrase KEY.FORM=TEXT`` (``hold_plan.one=...``); raise
    ``UsageError`` when the key, a form or a placeholder is wrong."""
    name, sep, value = str(text).partition("=")
    name, value = name.strip(), " ".join(value.split())
    if not sep or not name or not value:
        raise UsageError(f"--phrase: '{text}' should be KEY=TEXT, for example press='Now press.'")
    key, forms = plurals.split(name)
    if key not in key_specs():
        raise UsageError(f"--phrase: {unknown_key(key)}")
    problem = form_problem(key, forms)
    if problem is not None:
        raise UsageError(f"--phrase {name}: {problem}")
    found = placeholder_problem(key, value)
    if found is not None:
        raise UsageError(f"--phrase {name}: {found[1]}")
    return name, value


@dataclass(frozen=True, slots=True)
class Phrases:
    """One language's phrase texts with any overrides applied."""

    language: str
    texts: Mapping[str, str]

    def text(self, key: str, **values: object) -> str:
        """The phrase ``key`` with its placeholders filled, as written (for words put in others);
        its plural form chosen by the numbers in ``values``."""
        mark = self.texts.get("decimal_mark", ".")
        words = {
            k: fmt(v).replace(".", mark) if isinstance(v, float) else str(v)
            for k, v in values.items()
        }
        return self.texts[self.form(key, values)].format_map(words)

    def form(self, key: str, values: Mapping[str, object]) -> str:
        """The dotted key of the text ``key`` takes for ``values`` (``hold_plan.one``)."""
        path = key
        spec = key_specs().get(key)
        for name in spec.plural if spec else ():
            prefix = path + "."
            forms = {k[len(prefix) :].split(".")[0] for k in self.texts if k.startswith(prefix)}
            chosen = (
                plurals.choose(self.language, values[name], forms.__contains__) if forms else None
            )
            if chosen is None:
                break
            path = prefix + chosen
        return path

    def forms(self, key: str) -> dict[str, str]:
        """Every text of ``key``: ``{"": text}`` or ``{"one": ..., "other": ...}`` (dotted)."""
        return {
            k[len(key) + 1 :]: t
            for k, t in self.texts.items()
            if k == key or k.startswith(key + ".")
        }

    def say(self, key: str, **values: object) -> str:
        """The phrase ``key`` with its placeholders filled, its first letter capitalised."""
        text = self.text(key, **values)
        return text[:1].upper() + text[1:]

    def with_overrides(self, overrides: Iterable[tuple[str, str]]) -> Phrases:
        """These phrases with single keys (or forms: ``hold_plan.one``) replaced; a key given
        as one text replaces all its forms."""
        return Phrases(self.language, plurals.merge(self.texts, overrides))


@functools.cache
def load_phrases(language: str = DEFAULT_LANGUAGE) -> Phrases:
    """The shipped phrase table for ``language``; every key and plural form must be there."""
    known = languages()
    if language not in known:
        raise UsageError(
            f"no phrases for language '{language}'{suggest(language, known)}; "
            f"languages: {', '.join(known)}"
        )
    return read_table(phrases_dir() / f"{language}.yaml", language)


def read_table(path: Path, language: str) -> Phrases:
    """Validate a language's phrase table at ``path``: every key, every plural form the
    language needs, every placeholder; all problems at once."""
    reader = Reader(str(path))
    root = compose_file(path)
    top = reader.mapping(root, "phrase file", ("phrases", "says"), ("phrases",)) or {}
    texts: dict[str, str] = {}
    if "phrases" in top:
        found = read_phrases(reader, top["phrases"], language=language, complete=True)
        texts = {k: t for k, (t, _) in found.items()}
        given = {plurals.split(k)[0] for k in texts}
        missing = [k for k in key_specs() if k not in given]
        if missing and not reader.problems:
            reader.error(top["phrases"], f"phrases: missing keys {', '.join(missing)}")
    reader.raise_if_any()
    return Phrases(language, texts)


def effective_phrases(
    overrides: Iterable[tuple[str, str]], language: str = DEFAULT_LANGUAGE
) -> Phrases:
    """The phrase table for ``language`` with ``overrides`` (key, text) applied."""
    return load_phrases(language).with_overrides(overrides)
