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
import sys
from importlib import resources
from pathlib import Path

from audio_guide.authoring.clients import FORMATS
from audio_guide.authoring.phrases import languages
from audio_guide.authoring.points import FILE_KEYS
from audio_guide.authoring.schemadefs import defs
from audio_guide.authoring.schemaparts import TEXT, TEXTS, Schema, ref

KINDS = ("routine", "profile", "points", "client")
DIALECT = "https://json-schema.org/draft/2020-12/schema"


def schema_dir() -> Path:
    """The folder of shipped schema files."""
    return Path(str(resources.files("audio_guide.schemas")))


def build(kind: str) -> Schema:
    """The schema for ``kind`` (``routine``, ``profile`` or ``points``)."""
    head: Schema = {"$schema": DIALECT, "$id": f"https://audio-guide.local/{kind}.schema.json"}
    settings = {"voice": ref("voice"), "pacing": ref("pacing"), "sound": ref("sound")}
    library = {
        "points": ref("points"),
        "lexicon": ref("lexicon"),
        "translations": ref("translations"),
        "language": {"enum": languages(), "description": "the language of the points' texts"},
        "lexicons": {
            "type": "object",
            "propertyNames": {"enum": languages()},
            "additionalProperties": ref("lexicon"),
            "description": "lexicon entries for routines in one language (language -> lexicon); "
            "they win over 'lexicon:' entries of the same layer",
        },
    }
    if kind == "routine":
        body: Schema = {
            "title": "audio-guide routine",
            "required": ["title", "steps"],
            "properties": {
                **{k: TEXT for k in ("title", "artist", "album", "description")},
                **{k: TEXTS for k in ("intro", "safety", "outro")},
                "language": {"enum": languages(), "description": "picks the phrase table"},
                "steps": {"type": "array", "minItems": 1, "items": ref("step")},
                **settings,
                "points": library["points"],
                "lexicon": library["lexicon"],
                "phrases": ref("phrases"),
            },
        }
    elif kind == "profile":
        body = {
            "title": "audio-guide profile",
            "properties": {
                "notes": TEXTS,
                **settings,
                "points": {"type": "array", "items": TEXT, "description": "point files"},
                "lexicon": ref("lexicon"),
                "phrases": ref("phrases"),
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
    return {**head, **body, "type": "object", "additionalProperties": False, "$defs": defs()}


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
