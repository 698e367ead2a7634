"""The ``$defs`` every shipped JSON Schema carries: steps, settings sections, phrases, points and
their translations, from the validator's key tables."""

from __future__ import annotations

from audio_guide.authoring.phrases import key_specs, languages
from audio_guide.authoring.points import POINT_KEYS, POINT_REQUIRED
from audio_guide.authoring.pointtexts import SOURCE_KEYS, TRANSLATION_KEYS
from audio_guide.authoring.schemaparts import (
    TEXT,
    TEXTS,
    Schema,
    only,
    phrase,
    range_of,
    ref,
    section,
)
from audio_guide.authoring.stepkinds import INLINE_KEYS, MAX_PHASES, WORK_KEYS
from audio_guide.figures import region_figures
from audio_guide.settings import PACING_KEYS, SOUND_KEYS, VOICE_KEYS


def _figure() -> Schema:
    """A point's ``figure:``: a place on a region figure, or an image file beside the file."""
    number: Schema = {"type": "number"}
    place = only(
        "region",
        region={"enum": region_figures(), "description": "the region figure"},
        **{k: TEXT for k in ("at", "level", "from", "to", "toward")},
        fraction={"anyOf": [number, {"type": "string", "pattern": r"^\s*\d+\s*/\s*\d+\s*$"}]},
        lateral=number,
        cun=number,
        dx=number,
        dy=number,
    )
    image = only("image", image={**TEXT, "description": "an image file beside the point file"})
    return {"anyOf": [place, image], "description": "where the point's picture comes from"}


def defs() -> Schema:
    """The shared definitions, by name."""
    work_schemas: dict[str, Schema] = {
        "hold": {"$ref": "#/$defs/hold"},
        "cycles": {"$ref": "#/$defs/cycles"},
        "sides": {"enum": ["together", "each", "left", "right"]},
        "find": range_of("find"),
        "say": TEXTS,
        "repetitions": {
            "type": "boolean",
            "description": "say which repetition of cycles this is ('3 of 10'); over pacing",
        },
        "phrases": ref("phrases"),
    }
    work = {k: work_schemas[k] for k in WORK_KEYS}
    inline = {k: TEXT for k in INLINE_KEYS}
    one_work = {"oneOf": [{"required": ["hold"]}, {"required": ["cycles"]}]}
    point_props: Schema = {k: TEXT for k in POINT_KEYS}
    caution = {
        "anyOf": [
            TEXT,
            only("text", text=TEXT, source=TEXTS),
            only("text", text=TEXT, editorial=TEXT),
        ]
    }
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
        figure=_figure(),
    )
    translation: Schema = {
        **only("location", **{k: TEXT for k in TRANSLATION_KEYS}),
        "description": "the point's texts in this language (cautions one for one, in order)",
    }
    translation["properties"]["cautions"] = TEXTS
    return {
        "text": TEXT,
        "texts": TEXTS,
        "hold": range_of("hold"),
        "pressRelease": only(
            "press",
            "release",
            "times",
            press=range_of("press"),
            release=range_of("release"),
            times=range_of("times"),
        ),
        "phased": only(
            "phases",
            "times",
            phases={
                "type": "array",
                "minItems": 1,
                "maxItems": MAX_PHASES,
                "items": only("say", "seconds", say=TEXT, seconds=range_of("hold")),
            },
            times=range_of("times"),
        ),
        "cycles": {
            "if": {"type": "object", "required": ["phases"]},
            "then": {"$ref": "#/$defs/phased"},
            "else": {"$ref": "#/$defs/pressRelease"},
        },
        "pointStep": {**only("point", point=TEXT, **work), **one_work},
        "namedStep": {
            **only("name", **inline, figure=_figure(), **work),
            **one_work,
        },
        "sayStep": only("say", say=TEXTS),
        "pauseStep": only("pause", pause=range_of("hold")),
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
        "voice": section(VOICE_KEYS),
        "pacing": section(PACING_KEYS),
        "sound": section(SOUND_KEYS),
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
            "properties": {key: phrase(spec) for key, spec in sorted(key_specs().items())},
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
