"""One declarative description of every setting, derived from ``settings``, for the page's controls.

Nothing here lists settings by hand: fields come from ``Settings``, ranges from ``RANGES``,
closed sets from ``CHOICES``, extra words from ``WORDS``, sections and YAML keys from the
profile sections, help from the field docstrings. A setting added there appears on the page.
"""

from __future__ import annotations

import ast
import inspect
import itertools
import textwrap
from collections.abc import Mapping
from dataclasses import fields

from audio_guide.authoring.config import SECTIONS
from audio_guide.authoring.phrasekeys import key_help
from audio_guide.authoring.phrases import DEFAULT_LANGUAGE, key_specs, languages, load_phrases
from audio_guide.authoring.plurals import CATEGORIES
from audio_guide.settings import (
    CHOICES,
    DEFAULTS,
    PER_POINT_FLAGS,
    RANGES,
    WORDS,
    Settings,
    cycles_text,
    flag_name,
)
from audio_guide.sound.engines import engine_names
from audio_guide.words import fmt

COUNT_EXAMPLES = ("every", "every:5", "countdown:5", "countdown:10", "none")
TEXT_EXAMPLES: dict[str, tuple[str, ...]] = {
    "count": COUNT_EXAMPLES,
    "bed": ("noise",),
    "fill": ("pyttsx3", "piper"),
}
"""Suggestions for free-text settings (the page offers them in a list)."""


def describe(debug: bool = False) -> list[dict[str, object]]:
    """The controls, section by section, each a plain dict the page renders; the test-only
    ``fake`` engine is listed only with ``debug``."""
    help_texts = field_docs()
    placed = {name: (sec, key) for sec, keys in SECTIONS.items() for key, name in keys.items()}
    order = {name: i for i, name in enumerate(placed)}
    names = sorted((f.name for f in fields(Settings)), key=lambda n: order.get(n, len(order)))
    found = [_control(name, placed.get(name), help_texts.get(name, "")) for name in names]
    for c in found:
        if c["name"] == "engine" and not debug:
            c["choices"] = [e for e in engine_names() if e != "fake"]
    return found


def _control(name: str, place: tuple[str, str] | None, help_text: str) -> dict[str, object]:
    section, key = place or ("other", name)
    default = getattr(DEFAULTS, name)
    out: dict[str, object] = {
        "name": name,
        "label": name.replace("_", " "),
        "section": section,
        "key": key,
        "flag": f"--{flag_name(PER_POINT_FLAGS.get(name, name))}",
        "help": help_text,
        "default": value_text(name, default),
    }
    if name == "phrases":
        out.update(kind="per_key", items=phrase_items())
    elif name in PER_POINT_FLAGS:
        out["kind"] = "per_point"
    elif name == "engine":
        out.update(kind="choice", choices=engine_names())
    elif name == "voice":
        out["kind"] = "voice"
    elif isinstance(default, bool):
        out.update(kind="switch", choices=["on", "off"])
    elif name in CHOICES:
        out.update(kind="choice", choices=list(CHOICES[name]))
    elif name in RANGES:
        low, high, inclusive, integer, unit = RANGES[name]
        out.update(
            kind="number",
            min=low,
            max=high,
            min_inclusive=inclusive,
            integer=integer,
            unit=unit,
            words=list(WORDS.get(name, ())),
        )
    else:
        out.update(kind="text", words=list(TEXT_EXAMPLES.get(name, ())))
    return out


def phrase_items() -> list[dict[str, object]]:
    """Every phrase key with what it says, its placeholders and the shipped text; a key with
    plural forms has one item per form any shipped table gives (``hold_plan.one``), so the page
    offers each form (the English text as default, empty where English has no such form), and
    what the key says in each language."""
    texts = load_phrases(DEFAULT_LANGUAGE).texts
    every = [k for language in languages() for k in load_phrases(language).texts]
    items: list[dict[str, object]] = []
    for k, spec in key_specs().items():
        names = list(dict.fromkeys(n for n in every if n == k or n.startswith(k + ".")))
        for name in sorted(names, key=form_order) if spec.plural else [k]:
            items.append(
                {
                    "key": name,
                    "help": spec.says,
                    "says": {language: key_help(language)[k] for language in languages()},
                    "placeholders": list(spec.placeholders),
                    "default": texts.get(name, ""),
                }
            )
    return items


def form_order(name: str) -> list[tuple[int, str]]:
    """Forms in CLDR order, exact numbers first (``1``, ``one``, ``other``)."""
    order = {c: i for i, c in enumerate(CATEGORIES)}
    return [(order.get(f, -1), f) for f in name.split(".")[1:]]


def value_text(name: str, value: object) -> str:
    """A setting's value as the page (and the command line) types it."""
    if value is None:
        return WORDS.get(name, ("",))[0] if name == "loudness" else ""
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, (int, float)):
        return fmt(value)
    return str(value)


def settings_texts(settings: Settings) -> dict[str, object]:
    """Every effective setting as text; per-point overrides as ``{point: text}``."""
    out: dict[str, object] = {}
    for f in fields(Settings):
        value = getattr(settings, f.name)
        if f.name == "holds":
            out[f.name] = {pid: fmt(s) for pid, s in value}
        elif f.name == "cycles":
            out[f.name] = {pid: cycles_text(c) for pid, c in value}
        elif f.name in PER_POINT_FLAGS:
            out[f.name] = {key: value_text(f.name, v) for key, v in value}
        else:
            out[f.name] = value_text(f.name, value)
    return out


def field_docs(cls: type = Settings) -> Mapping[str, str]:
    """The attribute docstrings of a dataclass or an enum (the string under each field or member),
    by name."""
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(cls)))
    except (OSError, TypeError, SyntaxError):
        return {}
    body = tree.body[0].body if tree.body and isinstance(tree.body[0], ast.ClassDef) else []
    docs: dict[str, str] = {}
    for prev, node in itertools.pairwise(body):
        targets: list[ast.expr] = [prev.target] if isinstance(prev, ast.AnnAssign) else []
        if isinstance(prev, ast.Assign):  # an enum member
            targets = prev.targets
        if (
            len(targets) == 1
            and isinstance(targets[0], ast.Name)
            and isinstance(node, ast.Expr)
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
        ):
            docs[targets[0].id] = " ".join(node.value.value.replace("``", "").split())
    return docs
