"""The studio's message catalogues (``static/i18n/LANG.json``) and translated problem messages.

The page reads its catalogue itself (every label, hint and button). Messages made by the
pipeline (a routine's problems, a setting's error) are English sentences built in one place
each; the catalogues hold the common ones as templates under ``problem.*`` keys. The English
template is the pattern (``{name}`` matches any text), the translation is filled with what it
matched. A message no template matches is left as it is (never lost, never guessed).
Settings' origins (``built-in default``, ``profile FILE``) are templates under ``origin.*``.
What a template matched is put in the page language where the catalogue has the words: a
unit (``unit.seconds``), a side (``value.sides.left``), ``step N`` in a place (``where.step``)
and the "or" between suggestions (``word.or``).
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Mapping
from importlib import resources

LANGUAGES = ("en", "es", "de", "fr")
"""The page's languages; ``en`` is the source of every key."""
HEADER = "x-studio-language"
"""The request header the page names its language in."""
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


@functools.cache
def catalogue(lang: str) -> Mapping[str, str]:
    """The catalogue of ``lang`` (key -> text)."""
    path = resources.files("audio_guide.studio").joinpath(f"static/i18n/{lang}.json")
    data: dict[str, str] = json.loads(path.read_text(encoding="utf-8"))
    return data


@functools.cache
def _patterns(prefix: str) -> list[tuple[str, re.Pattern[str]]]:
    out = []
    for key, template in catalogue("en").items():
        if key.startswith(prefix):
            parts = _PLACEHOLDER.split(template)
            regex = "".join(
                f"(?P<{part}>.+?)" if i % 2 else re.escape(part) for i, part in enumerate(parts)
            )
            out.append((key, re.compile(f"^{regex}$", re.DOTALL)))
    return out


def translate(message: str, lang: str | None, prefix: str = "problem.") -> str:
    """``message`` in ``lang`` when a template (a key starting with ``prefix``) matches it;
    otherwise unchanged."""
    if not lang or lang == "en" or lang not in LANGUAGES:
        return message
    texts = catalogue(lang)
    for key, pattern in _patterns(prefix):
        found = pattern.match(message)
        if found:
            words = {k: _words(k, v, texts) for k, v in found.groupdict().items()}
            return _fill(texts[key], words)
    return message


def _fill(template: str, values: Mapping[str, str]) -> str:
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), template)


_STEP = re.compile(r"\bstep (\d+)")


def _words(name: str, value: str, texts: Mapping[str, str]) -> str:
    """A matched ``value`` with the catalogue's words for what it names, where it has them."""
    for key in (f"unit.{value}", f"value.{name}s.{value}"):
        if key in texts:
            return texts[key]
    if name == "options" and "word.or" in texts:
        value = value.replace("' or '", f"' {texts['word.or']} '")
    if "where.step" in texts:
        value = _STEP.sub(lambda m: _fill(texts["where.step"], {"n": m.group(1)}), value)
    return value


def translated(data: dict[str, object], lang: str | None) -> dict[str, object]:
    """A response body with its ``error``, ``problems``, ``fields``, ``origins`` and
    ``count_warnings`` messages in ``lang``."""
    if not lang or lang == "en":
        return data
    out = dict(data)
    if isinstance(out.get("error"), str):
        out["error"] = translate(str(out["error"]), lang)
    problems = out.get("problems")
    if isinstance(problems, list):
        out["problems"] = [
            {**p, "message": translate(str(p.get("message", "")), lang)}
            if isinstance(p, dict)
            else p
            for p in problems
        ]
    for name, prefix in (("fields", "problem."), ("origins", "origin.")):
        found = out.get(name)
        if isinstance(found, dict):
            out[name] = {k: translate(str(v), lang, prefix) for k, v in found.items()}
    warnings = out.get("count_warnings")
    if isinstance(warnings, list):
        out["count_warnings"] = [translate(str(w), lang) for w in warnings]
    return out
