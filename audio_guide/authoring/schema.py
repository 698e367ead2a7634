"""JSON Schemas (draft 2020-12) for routine, profile and point files, for editors and CI.

Built from the validator's own tables (ranges, choices, section and point keys), so the two
agree; the built schemas are shipped as ``audio_guide/schemas/KIND.schema.json`` for editors
(yaml-language-server) and printed by ``audio-guide schema KIND``. After changing a table,
regenerate the shipped files with ``python -m audio_guide.authoring.schema``.

The schema checks the shape a file loads to; the validator (``audio-guide check``) also catches
what a schema cannot see: YAML 1.1 quirks in plain scalars, unknown point names, overrides that
name no step, placeholders that do not belong to a phrase.
"""

from __future__ import annotations

import json
import re
import sys
from importlib import resources
from pathlib import Path
from typing import Any

from audio_guide.authoring.clients import FORMATS
from audio_guide.authoring.phrases import KeySpec, key_specs, languages
from audio_guide.authoring.points import FILE_KEYS, POINT_KEYS, POINT_REQUIRED
from audio_guide.authoring.pointtexts import SOURCE_KEYS, TRANSLATION_KEYS
from audio_guide.authoring.stepkinds import INLINE_KEYS, MAX_PHASES, WORK_KEYS
from audio_guide.settings import (
    CHOICES,
    PACE_WORDS,
    PACING_KEYS,
    RANGES,
    SOUND_KEYS,
    VOICE_KEYS,
)

KINDS = ("routine", "profile", "points", "client")
DIALECT = "https://json-schema.org/draft/2020-12/schema"
Schema = dict[str, Any]

TEXT: Schema = {"type": "string", "pattern": r"\S"}
TEXTS: Schema = {"anyOf": [TEXT, {"type": "array", "items": TEXT}]}
_COUNT = r"^\s*(every(:[0-9]+)?|countdown:[0-9]+|none)\s*$"


def schema_dir() -> Path:
    """The folder of shipped schema files."""
    return Path(str(resources.files("audio_guide.schemas")))


def _range(name: str) -> Schema:
    low, high, inclusive, integer, unit = RANGES[name]
    out: Schema = {"type": "integer" if integer else "number", "maximum": high}
    out["minimum" if inclusive else "exclusiveMinimum"] = low
    out["description"] = f"{unit}"
    return out


def _setting(name: str) -> Schema:
    if name == "pace":
        return {"anyOf": [_range("pace"), {"enum": list(PACE_WORDS)}]}
    if name == "count":
        return {
            "type": "string",
            "pattern": _COUNT,
            "description": "every, every:N, countdown:N, none",
        }
    if name == "loudness":
        return {"anyOf": [_range("loudness"), {"enum": ["off", False]}]}
    if name in ("chime", "repetitions"):
        return {"type": "boolean"}
    if name in ("holds", "cycles"):
        value = {"$ref": "#/$defs/hold"} if name == "holds" else {"$ref": "#/$defs/pressRelease"}
        return {"type": "object", "additionalProperties": value}
    if name in RANGES:
        return _range(name)
    if name in CHOICES:
        return {"enum": list(CHOICES[name])}
    if name in ("engine", "fill"):
        from audio_guide.sound.engines import engine_names

        return {"enum": engine_names()}
    return TEXT


def _section(keys: dict[str, str]) -> Schema:
    return {
        "type": "object",
        "additionalProperties": False,
        "properties": {key: _setting(name) for key, name in keys.items()},
    }


def _phrase(spec: KeySpec) -> Schema:
    """A phrase text, or for a key with a number its plural forms (nested once per choosing
    placeholder), each text with only the key's placeholders."""
    text = _phrase_text(spec)
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
        text["description"] = _phrase_text(spec)["description"]
    return text


_FORM = r"^(zero|one|two|few|many|other|0|[1-9][0-9]*)$"


def _phrase_text(spec: KeySpec) -> Schema:
    """A phrase text: non-blank, ``{{``/``}}`` for braces, and only the key's placeholders."""
    names = "|".join(re.escape(p) for p in spec.placeholders)
    token = r"[^{}]|\{\{|\}\}" + (rf"|\{{(?:{names})\}}" if names else "")
    allowed = ", ".join(f"{{{p}}}" for p in spec.placeholders) or "no placeholders"
    return {
        "type": "string",
        "pattern": rf"^(?=[\s\S]*\S)(?:{token})*$",
        "description": f"{spec.says} May use: {allowed}.",
    }


def _only(*keys: str, **props: Schema) -> Schema:
    return {
        "type": "object",
        "required": list(keys),
        "additionalProperties": False,
        "properties": props,
    }


def _defs() -> Schema:
    work_schemas: dict[str, Schema] = {
        "hold": {"$ref": "#/$defs/hold"},
        "cycles": {"$ref": "#/$defs/cycles"},
        "sides": {"enum": ["together", "each", "left", "right"]},
        "find": _range("find"),
        "say": TEXTS,
        "repetitions": {
            "type": "boolean",
            "description": "say which repetition of cycles this is ('3 of 10'); over pacing",
        },
        "phrases": _ref("phrases"),
    }
    work = {k: work_schemas[k] for k in WORK_KEYS}
    inline = {k: TEXT for k in INLINE_KEYS}
    one_work = {"oneOf": [{"required": ["hold"]}, {"required": ["cycles"]}]}
    point_props: Schema = {k: TEXT for k in POINT_KEYS}
    caution = {"anyOf": [TEXT, _only("text", text=TEXT, source=TEXTS)]}
    point_props.update(
        cautions={"anyOf": [TEXT, {"type": "array", "items": caution}]},
        bilateral={"type": "boolean"},
        sides={"enum": ["together", "each"]},
        source={
            "anyOf": [
                TEXTS,
                {
                    "type": "object",
                    "additionalProperties": False,
                    "properties": {k: TEXTS for k in SOURCE_KEYS},
                    "description": "the reference of each text",
                },
            ]
        },
        notes=TEXTS,
    )
    translation: Schema = {
        **_only("location", **{k: TEXT for k in TRANSLATION_KEYS}),
        "description": "the point's texts in this language (cautions one for one, in order)",
    }
    translation["properties"]["cautions"] = TEXTS
    return {
        "text": TEXT,
        "texts": TEXTS,
        "hold": _range("hold"),
        "pressRelease": _only(
            "press",
            "release",
            "times",
            press=_range("press"),
            release=_range("release"),
            times=_range("times"),
        ),
        "phased": _only(
            "phases",
            "times",
            phases={
                "type": "array",
                "minItems": 1,
                "maxItems": MAX_PHASES,
                "items": _only("say", "seconds", say=TEXT, seconds=_range("hold")),
            },
            times=_range("times"),
        ),
        "cycles": {
            "if": {"type": "object", "required": ["phases"]},
            "then": {"$ref": "#/$defs/phased"},
            "else": {"$ref": "#/$defs/pressRelease"},
        },
        "pointStep": {**_only("point", point=TEXT, **work), **one_work},
        "namedStep": {
            **_only("name", **inline, **work),
            **one_work,
        },
        "sayStep": _only("say", say=TEXTS),
        "pauseStep": _only("pause", pause=_range("hold")),
        "step": {
            "type": "object",
            "if": {"required": ["point"]},
            "then": {"$ref": "#/$defs/pointStep"},
            "else": {
                "if": {"required": ["name"]},
                "then": {"$ref": "#/$defs/namedStep"},
                "else": {
                    "if": {"required": ["pause"]},
                    "then": {"$ref": "#/$defs/pauseStep"},
                    "else": {"$ref": "#/$defs/sayStep"},
                },
            },
        },
        "voice": _section(VOICE_KEYS),
        "pacing": _section(PACING_KEYS),
        "sound": _section(SOUND_KEYS),
        "lexicon": {
            "type": "object",
            "description": "written form -> spoken form",
            "propertyNames": {"pattern": r"^\S(.*\S)?$"},
            "additionalProperties": TEXT,
        },
        "phrases": {
            "type": "object",
            "description": "phrase key -> text with {placeholders} (see phrases/keys.yaml)",
            "additionalProperties": False,
            "properties": {key: _phrase(spec) for key, spec in sorted(key_specs().items())},
        },
        "point": {
            "type": "object",
            "required": list(POINT_REQUIRED),
            "additionalProperties": False,
            "properties": point_props,
        },
        "points": {
            "type": "object",
            "propertyNames": {"pattern": r"^\S+$"},
            "additionalProperties": {"$ref": "#/$defs/point"},
        },
        "translations": {
            "type": "object",
            "description": "language -> point id -> the point's texts in that language",
            "propertyNames": {"enum": languages()},
            "additionalProperties": {
                "type": "object",
                "propertyNames": {"pattern": r"^\S+$"},
                "additionalProperties": translation,
            },
        },
    }


def _ref(name: str) -> Schema:
    return {"$ref": f"#/$defs/{name}"}


def build(kind: str) -> Schema:
    """The schema for ``kind`` (``routine``, ``profile`` or ``points``)."""
    head: Schema = {"$schema": DIALECT, "$id": f"https://audio-guide.local/{kind}.schema.json"}
    settings = {"voice": _ref("voice"), "pacing": _ref("pacing"), "sound": _ref("sound")}
    library = {
        "points": _ref("points"),
        "lexicon": _ref("lexicon"),
        "translations": _ref("translations"),
        "language": {"enum": languages(), "description": "the language of the points' texts"},
    }
    if kind == "routine":
        body: Schema = {
            "title": "audio-guide routine",
            "required": ["title", "steps"],
            "properties": {
                **{k: TEXT for k in ("title", "artist", "album", "description")},
                **{k: TEXTS for k in ("intro", "safety", "outro")},
                "language": {"enum": languages(), "description": "picks the phrase table"},
                "steps": {"type": "array", "minItems": 1, "items": _ref("step")},
                **settings,
                "points": library["points"],
                "lexicon": library["lexicon"],
                "phrases": _ref("phrases"),
            },
        }
    elif kind == "profile":
        body = {
            "title": "audio-guide profile",
            "properties": {
                "notes": TEXTS,
                **settings,
                "points": {"type": "array", "items": TEXT, "description": "point files"},
                "lexicon": _ref("lexicon"),
                "phrases": _ref("phrases"),
            },
        }
    elif kind == "client":
        body = {
            "title": "audio-guide client (a profile plus the client's routines)",
            "required": ["routines"],
            "properties": {
                **build("profile")["properties"],
                "title": {**TEXT, "description": "the title of the client's feed and page"},
                "routines": {
                    "type": "array",
                    "minItems": 1,
                    "uniqueItems": True,
                    "items": TEXT,
                    "description": "routine names in the practice's routines/ folder",
                },
                "language": {"enum": languages(), "description": "the client's language"},
                "formats": {
                    "type": "array",
                    "minItems": 1,
                    "uniqueItems": True,
                    "items": {"enum": list(FORMATS)},
                    "description": "audio formats to deliver; the feed carries the first",
                },
            },
        }
    elif kind == "points":
        body = {
            "title": "audio-guide point file",
            "minProperties": 1,
            "properties": {k: library[k] for k in FILE_KEYS},
        }
    else:
        raise ValueError(f"no schema for '{kind}'; kinds: {', '.join(KINDS)}")
    return {**head, **body, "type": "object", "additionalProperties": False, "$defs": _defs()}


def dumps(schema: Schema) -> str:
    """The schema as the shipped file holds it."""
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def shipped(kind: str) -> str:
    """The shipped schema file's text for ``kind``."""
    return (schema_dir() / f"{kind}.schema.json").read_text(encoding="utf-8")


if __name__ == "__main__":  # regenerate the shipped files
    for name in KINDS:
        (schema_dir() / f"{name}.schema.json").write_text(dumps(build(name)), encoding="utf-8")
        sys.stdout.write(f"wrote {schema_dir() / f'{name}.schema.json'}\n")
