"""Plural forms of phrases, by the CLDR plural rules of the routine's language (via Babel).

A phrase key whose text holds a number says, in ``keys.yaml``, which placeholders choose its form
(``plural: [seconds]``). Its text is then a mapping of forms (``one``, ``other``, and whatever else
the language's rules use: ``zero``, ``two``, ``few``, ``many``), nested once per choosing
placeholder, or a whole number for that exact number (``1: une seconde``). Forms are kept flat as
dotted keys (``hold_plan.one``, ``cycles_plan.one.other``); setting a key replaces every form
under it (``hold_plan`` given as one text is that text for every number).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal

from audio_guide.layers import merge_keyed
from audio_guide.words import fmt

CATEGORIES = ("zero", "one", "two", "few", "many", "other")
"""CLDR's plural categories, in its order."""
_EXACT = re.compile(r"^(0|[1-9][0-9]*)$")
SAMPLE_MAX = 1000
"""Numbers a routine can put in a phrase: 0 to this, whole or with decimals (all hold, press,
phase and round lengths and all counts of times and rounds). Forms reached only beyond (CLDR's
``many`` of Spanish and French: a million and more) are not needed."""


def is_form(word: str) -> bool:
    """A plural category or an exact whole number."""
    return word in CATEGORIES or bool(_EXACT.match(word))


def form_words() -> str:
    """The forms a mapping may use, for messages."""
    return f"{', '.join(CATEGORIES)} or a whole number for that exact number"


@functools.cache
def _rule(language: str) -> Callable[[Decimal], str]:
    from babel import Locale, UnknownLocaleError

    try:
        rule: Callable[[Decimal], str] = Locale.parse(language).plural_form
    except (UnknownLocaleError, ValueError):
        return lambda _: "other"
    return rule


def category(language: str, value: object) -> str:
    """The CLDR plural category of ``value`` as a phrase writes it (``1.5``, not ``1.50``)."""
    text = fmt(value) if isinstance(value, (int, float)) else str(value)
    try:
        return _rule(language)(Decimal(text))
    except ArithmeticError:
        return "other"


@functools.cache
def needed(language: str) -> tuple[str, ...]:
    """The categories a phrase of ``language`` needs: those its numbers can reach."""
    samples = [*range(SAMPLE_MAX + 1), *(i + f for i in range(101) for f in (0.25, 0.5))]
    found = {category(language, v) for v in samples}
    return tuple(c for c in CATEGORIES if c in found)


def used(language: str) -> tuple[str, ...]:
    """Every category ``language``'s rules have (``other`` always)."""
    from babel import Locale, UnknownLocaleError

    try:
        tags = set(Locale.parse(language).plural_form.tags) | {"other"}
    except (UnknownLocaleError, ValueError):
        tags = {"other"}
    return tuple(c for c in CATEGORIES if c in tags)


def choose(language: str, value: object, has: Callable[[str], bool]) -> str | None:
    """The form ``value`` takes among those ``has`` says are given: its exact number, else its
    category, else ``other``; None when none of them is given (one text for every number)."""
    if isinstance(value, (int, float)) and float(value).is_integer() and has(fmt(value)):
        return fmt(value)
    form = category(language, value)
    return form if has(form) else "other" if has("other") else None


def merge(base: Mapping[str, str], overrides: Iterable[tuple[str, str]]) -> dict[str, str]:
    """``base`` with ``overrides`` (dotted keys) applied; each replaces every form under it."""
    return merge_keyed(base, overrides)


def split(key: str) -> tuple[str, tuple[str, ...]]:
    """``cycles_plan.one.other`` -> (``cycles_plan``, (``one``, ``other``))."""
    base, *forms = key.split(".")
    return base, tuple(forms)


def missing(
    language: str, key: str, depth: int, have: Iterable[str]
) -> list[tuple[str, list[str]]]:
    """Where the forms of ``key`` (chosen by ``depth`` placeholders) lack one ``language``
    needs: (dotted path of the incomplete level, the missing forms), outermost first."""
    keys = set(have)
    need = needed(language)
    out: list[tuple[str, list[str]]] = []

    def walk(path: str, level: int) -> None:
        if level == depth:
            return
        below = [k[len(path) + 1 :] for k in keys if k.startswith(path + ".")]
        children = sorted({k.split(".")[0] for k in below})
        if not children:
            if len(need) > 1:
                out.append((path, list(need)))
            return
        lacking = [f for f in need if f not in children]
        if lacking:
            out.append((path, lacking))
        for child in children:
            walk(f"{path}.{child}", level + 1)

    walk(key, 0)
    return out


def nest(flat: Mapping[str, str]) -> dict[str, object]:
    """Dotted keys as the nested mappings a YAML ``phrases:`` section holds; a key given both as
    one text and with forms keeps the text as its ``other`` form (the same choice of texts)."""
    out: dict[str, object] = {}
    for key in sorted(flat, key=lambda k: k.count(".")):
        node, *forms = key.split(".")
        parent: dict[str, object] = out
        path = [node, *forms]
        for part in path[:-1]:
            child = parent.get(part)
            if not isinstance(child, dict):
                child = {} if child is None else {"other": child}
                parent[part] = child
            parent = child
        last = path[-1]
        below = parent.get(last)
        if isinstance(below, dict):
            below.setdefault("other", flat[key])
        else:
            parent[last] = flat[key]
    return out
