"""Building blocks of the JSON Schemas: settings, sections and phrase texts from the validator's
tables (ranges, choices, placeholders), so a schema and the validator agree."""

from __future__ import annotations

import re
from typing import Any

from audio_guide.authoring.phrases import KeySpec
from audio_guide.settings import CHOICES, PACE_WORDS, RANGES

Schema = dict[str, Any]

TEXT: Schema = {"type": "string", "pattern": r"\S"}
TEXTS: Schema = {"anyOf": [TEXT, {"type": "array", "items": TEXT}]}
_COUNT = r"^\s*(every(:[0-9]+)?|countdown:[0-9]+|none)\s*$"
_FORM = r"^(zero|one|two|few|many|other|0|[1-9][0-9]*)$"


def range_of(name: str) -> Schema:
    """A number in the validator's range for setting ``name``."""
    low, high, inclusive, integer, unit = RANGES[name]
    out: Schema = {"type": "integer" if integer else "number", "maximum": high}
    out["minimum" if inclusive else "exclusiveMinimum"] = low
    out["description"] = f"{unit}"
    return out


def setting(name: str) -> Schema:
    """What setting ``name`` accepts."""
    if name == "pace":
        return {"anyOf": [range_of("pace"), {"enum": list(PACE_WORDS)}]}
    if name == "count":
        return {
            "type": "string",
            "pattern": _COUNT,
            "description": "every, every:N, countdown:N, none",
        }
    if name == "loudness":
        return {"anyOf": [range_of("loudness"), {"enum": ["off", False]}]}
    if name in ("chime", "repetitions"):
        return {"type": "boolean"}
    if name in ("holds", "cycles"):
        value = {"$ref": "#/$defs/hold"} if name == "holds" else {"$ref": "#/$defs/pressRelease"}
        return {"type": "object", "additionalProperties": value}
    if name in RANGES:
        return range_of(name)
    if name in CHOICES:
        return {"enum": list(CHOICES[name])}
    if name in ("engine", "fill"):
        from audio_guide.registry import engine_names

        return {"enum": engine_names()}
    return TEXT


def section(keys: dict[str, str]) -> Schema:
    """A settings section: each key (file spelling -> setting name), nothing else."""
    return {
        "type": "object",
        "additionalProperties": False,
        "properties": {key: setting(name) for key, name in keys.items()},
    }


def phrase(spec: KeySpec) -> Schema:
    """A phrase text, or for a key with a number its plural forms (nested once per choosing
    placeholder), each text with only the key's placeholders."""
    text = phrase_text(spec)
    for name in reversed(spec.plural):
        text = {
            "anyOf": [
                text,
                {
                    "type": "object",
                    "minProperties": 1,
                    "description": f"plural forms chosen by {{{name}}}",
                    "propertyNames": {"pattern": _FORM},
                    "additionalProperties": text,
                },
            ]
        }
    if spec.plural:
        text["description"] = phrase_text(spec)["description"]
    return text


def phrase_text(spec: KeySpec) -> Schema:
    """A phrase text: non-blank, ``{{``/``}}`` for braces, and only the key's placeholders."""
    names = "|".join(re.escape(p) for p in spec.placeholders)
    token = r"[^{}]|\{\{|\}\}" + (rf"|\{{(?:{names})\}}" if names else "")
    allowed = ", ".join(f"{{{p}}}" for p in spec.placeholders) or "no placeholders"
    return {
        "type": "string",
        "pattern": rf"^(?=[\s\S]*\S)(?:{token})*$",
        "description": f"{spec.says} May use: {allowed}.",
    }


def only(*keys: str, **props: Schema) -> Schema:
    """An object of just ``props``, ``keys`` required."""
    return {
        "type": "object",
        "required": list(keys),
        "additionalProperties": False,
        "properties": props,
    }


def ref(name: str) -> Schema:
    """A reference to ``$defs/name``."""
    return {"$ref": f"#/$defs/{name}"}
