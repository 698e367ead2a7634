"""Reference pages for the data formats: file keys (from the shipped JSON Schemas), phrase keys
(``keys.yaml``), the timeline contract (``timeline``'s dataclasses and enums) and the region
figures with their landmarks (``scripts_data/figures``)."""

from __future__ import annotations

import dataclasses
import json
from enum import Enum
from typing import Any

from audio_guide import timeline
from audio_guide.authoring.phrases import DEFAULT_LANGUAGE, key_specs, load_phrases
from audio_guide.authoring.schema import KINDS, shipped
from audio_guide.figures.regions import regions
from audio_guide.studio.controls import field_docs
from audio_guide.words import fmt

GENERATED = "Generated at build time"
FILE_PAGES = {
    "routine": "A routine file ([Write routines](../write.md#writing-a-routine)).",
    "profile": "A profile: one person's voice, pacing, sound and words "
    "([Listen](../listen.md#voice-and-pacing-recipes)).",
    "points": "A point file ([Your own points](../write.md#your-own-points)).",
    "client": "A practice's client file: a profile plus routines, language, formats and feed "
    "title ([A practice](../practice.md)).",
}
"""What each kind of file is, with where its guide is; a kind missing here still gets a section."""
NOT_EXPANDED = {"phrases": "a phrase key and its text: see [Phrase keys](phrases.md)"}
"""``$defs`` listed as one row, with where they are described instead."""


def cell(text: str) -> str:
    """Text made safe for one Markdown table cell."""
    return " ".join(str(text).split()).replace("|", "\\|")


def files_page() -> str:
    """Every key of every kind of file, with its type, allowed values and meaning."""
    lines = [
        "# File keys",
        "",
        f"{GENERATED} from the JSON Schemas shipped in `audio_guide/schemas/` "
        "(`audio-guide schema KIND`). `[]` is an item of a list, `<name>` a key you choose. "
        "*Required* means required wherever its parent is given; a step's keys belong to its "
        "kind (`point:`, `name:`, `say:` or `pause:` decides which). The schemas check the "
        "shape; `audio-guide check` checks the rest.",
    ]
    for kind in KINDS:
        schema = json.loads(shipped(kind))
        lines += ["", f"## {kind}", "", FILE_PAGES.get(kind, str(schema.get("title", kind)))]
        lines += ["", "| key | required | values | what it is |", "|---|---|---|---|"]
        rows: dict[str, tuple[bool, str, str]] = {}
        _walk(schema, schema, "", rows, ())
        for path, (required, values, description) in rows.items():
            lines.append(
                f"| `{path}` | {'yes' if required else ''} | {cell(values)} | {cell(description)} |"
            )
    return "\n".join(lines) + "\n"


def _resolve(root: dict[str, Any], node: dict[str, Any]) -> tuple[dict[str, Any], str]:
    ref = node.get("$ref", "")
    if not ref.startswith("#/$defs/"):
        return node, ""
    name = ref.removeprefix("#/$defs/")
    return root["$defs"][name], name


def _walk(
    root: dict[str, Any],
    node: dict[str, Any],
    path: str,
    rows: dict[str, tuple[bool, str, str]],
    seen: tuple[str, ...],
) -> None:
    node, name = _resolve(root, node)
    if name in seen:
        return
    seen = (*seen, name) if name else seen
    if name in NOT_EXPANDED:
        rows.setdefault(f"{path}.<key>", (False, "text", NOT_EXPANDED[name]))
        return
    required = set(node.get("required", ()))
    for key, sub in node.get("properties", {}).items():
        here = f"{path}.{key}" if path else key
        if here not in rows:
            rows[here] = (key in required, _values(root, sub), _description(root, sub))
        _walk(root, sub, here, rows, seen)
    extra = node.get("additionalProperties")
    if isinstance(extra, dict):
        here = f"{path}.<name>" if path else "<name>"
        if here not in rows:
            rows[here] = (False, _values(root, extra), _description(root, extra))
        _walk(root, extra, here, rows, seen)
    if isinstance(node.get("items"), dict):
        _walk(root, node["items"], f"{path}[]", rows, seen)
    for word in ("anyOf", "oneOf", "allOf"):
        for alternative in node.get(word, ()):
            _walk(root, alternative, path, rows, seen)
    for word in ("then", "else"):
        if isinstance(node.get(word), dict):
            _walk(root, node[word], path, rows, seen)


def _description(root: dict[str, Any], node: dict[str, Any]) -> str:
    node, _ = _resolve(root, node)
    text = str(node.get("description", ""))
    unit_only = text in ("seconds", "words per minute", "times") or text.startswith("(")
    return "" if unit_only else text


def _values(root: dict[str, Any], node: dict[str, Any]) -> str:
    node, name = _resolve(root, node)
    if name in NOT_EXPANDED:
        return "mapping"
    if "enum" in node:
        return "one of " + ", ".join(str(v) for v in node["enum"])
    if node.get("type") == "object":
        return "mapping"
    for word in ("anyOf", "oneOf"):
        if word in node:
            return " or ".join(dict.fromkeys(_values(root, alt) for alt in node[word]))
    if "then" in node:
        return " or ".join(dict.fromkeys(_values(root, node[w]) for w in ("then", "else")))
    kind = node.get("type", "")
    if kind == "array":
        inner = _values(root, node.get("items", {})) if isinstance(node.get("items"), dict) else ""
        return f"list of {inner}" if inner else "list"
    if kind == "object":
        return "mapping"
    if kind in ("number", "integer"):
        low = node.get("minimum", node.get("exclusiveMinimum"))
        high = node.get("maximum")
        above = "over " if "exclusiveMinimum" in node else ""
        span = f" {above}{fmt(low)}..{fmt(high)}" if low is not None and high is not None else ""
        unit = f" {node['description']}" if node.get("description") in ("seconds",) else ""
        whole = "whole number" if kind == "integer" else "number"
        return f"{whole}{span}{unit}"
    if kind == "boolean":
        return "true or false"
    if kind == "string":
        return "text"
    return str(kind) if kind else "any"


def phrases_page() -> str:
    """Every phrase key: what it says, its placeholders, its plural choice and English text."""
    texts = load_phrases(DEFAULT_LANGUAGE).texts
    lines = [
        "# Phrase keys",
        "",
        f"{GENERATED} from `scripts_data/phrases/keys.yaml` and the English table "
        "(`scripts_data/phrases/en.yaml`). Override any of them in a `phrases:` section or with "
        "`--phrase KEY=TEXT` ([Your own words](../write.md#your-own-words-the-phrase-table)).",
        "",
        "| key | what it says | placeholders | plural by | English |",
        "|---|---|---|---|---|",
    ]
    for key, spec in key_specs().items():
        forms = [k for k in texts if k == key or k.startswith(key + ".")]
        english = "<br>".join(
            f"{k.removeprefix(key).lstrip('.') + ': ' if k != key else ''}{cell(texts[k])}"
            for k in forms
        )
        names = ", ".join(f"`{{{p}}}`" for p in spec.placeholders)
        plural = ", ".join(f"`{p}`" for p in spec.plural)
        lines.append(f"| `{key}` | {cell(spec.says)} | {names} | {plural} | {english} |")
    return "\n".join(lines) + "\n"


CONTRACT_NAMES = {"thinned": "thinned_counts"}
"""Fields whose key in ``as_dict`` differs from the attribute."""
CONTRACT_CLASSES = (
    timeline.Timeline,
    timeline.Event,
    timeline.HoldSpan,
    timeline.Chapter,
    timeline.Thinned,
)
CONTRACT_ENUMS = (timeline.EventKind, timeline.Role, timeline.Side)


def timeline_page() -> str:
    """The ``audio-guide/timeline@1`` contract: each object's keys and each enum's values."""
    lines = [
        "# Timeline contract",
        "",
        f"{GENERATED} from `audio_guide/timeline.py`. `NAME.timeline.json` beside every build "
        f'and `audio-guide plan --json` write `{{"format": "{timeline.FORMAT}", ...}}`: '
        "times in seconds from the start of the decoded audio, rounded to the microsecond. "
        "Keys are only ever added to this format, never changed; a key marked *optional* is "
        "left out when empty. The rules behind the times are in "
        "[How it works](../how-it-works.md#timing-rules).",
    ]
    for cls in CONTRACT_CLASSES:
        docs = field_docs(cls)
        lines += ["", f"## {cls.__name__}", "", " ".join((cls.__doc__ or "").split()), ""]
        lines += ["| key | type | what it is |", "|---|---|---|"]
        if cls is timeline.Timeline:
            lines.append(f"| `format` | `str` | always `{timeline.FORMAT}` |")
        for f in dataclasses.fields(cls):
            optional = f.default is None or f.default == ()
            kind = cell(str(f.type).replace("timeline.", ""))
            note = " *optional*" if optional else ""
            name = CONTRACT_NAMES.get(f.name, f.name)
            lines.append(f"| `{name}` | `{kind}`{note} | {cell(docs.get(f.name, ''))} |")
    for enum in CONTRACT_ENUMS:
        docs = field_docs(enum)
        lines += ["", f"## {enum.__name__}", "", " ".join((enum.__doc__ or "").split()), ""]
        lines += ["| value | what it is |", "|---|---|"]
        members: list[Enum] = list(enum)
        lines += [f"| `{m.value}` | {cell(docs.get(m.name, ''))} |" for m in members]
    return "\n".join(lines) + "\n"


def figures_page() -> str:
    """Every region figure: what it shows and is drawn from, its scale, its landmarks (the names
    a point file's ``figure:`` uses) and the drawing itself."""
    lines = [
        "# Figures",
        "",
        f"{GENERATED} from the figure files in `scripts_data/figures/`. A point file's "
        "`figure:` names one of these figures and a place in its landmarks "
        "([Pictures of the points](../write.md#pictures-of-the-points)). Right-side figures "
        "show one limb; figures with a midline show both sides, and a paired point is marked "
        "on both.",
    ]
    for fig in regions().values():
        desc = fig.svg.split("<desc>", 1)[1].split("</desc>", 1)[0] if "<desc>" in fig.svg else ""
        names = ", ".join(f"`{n}`" for n in fig.landmarks)
        sides = "both sides (midline)" if fig.midline is not None else "one side"
        # one page holds every figure: each one's mirrored half needs its own id there
        drawing = " ".join(fig.svg.replace('"#half"', f'"#{fig.id}-half"').split())
        drawing = drawing.replace('id="half"', f'id="{fig.id}-half"')
        lines += [
            "",
            f"## {fig.id}",
            "",
            f"{fig.title}. {' '.join(desc.split())}",
            "",
            f"Shows {sides}. Landmarks: {names}.",
            "",
            f'<div class="figure" style="max-width: 300px">{drawing}</div>',
        ]
    return "\n".join(lines) + "\n"
