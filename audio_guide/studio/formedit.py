"""The routine forms' edits applied to the YAML text, keeping its comments, key order and quoting.

The page's forms never write YAML themselves: each change is a structured edit (set a value,
insert, delete, move or duplicate a list item, by path) applied here to a round-trip parse
(``ruamel.yaml``) of the editor's text, and the new text goes back to the editor. Validation
stays in the pipeline (``/api/validate`` reads the new text as before); this module only
changes text and describes it for the forms (plain values, and the line and column of each).
"""

from __future__ import annotations

import copy
import io
from collections.abc import Sequence
from pathlib import Path as FilePath
from typing import Any

import yaml as pyyaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError
from ruamel.yaml.scalarstring import DoubleQuotedScalarString
from ruamel.yaml.util import load_yaml_guess_indent

from audio_guide.authoring.limits import MAX_FILE_BYTES
from audio_guide.authoring.validate import ROUTINE_KEYS, STEP_KEYS
from audio_guide.authoring.yamlread import compose_file
from audio_guide.errors import RoutineError, UsageError

Path = Sequence[str | int]
MAX_NODES = 20_000
"""More values than this (aliases expanded) is not a routine the forms can show."""
HEAD = ("title", "artist", "album", "language", "description", "intro", "safety", "steps", "outro")
ORDER: dict[str, tuple[str, ...]] = {
    "": (*HEAD, *(k for k in ROUTINE_KEYS if k not in HEAD)),
    "step": STEP_KEYS,
}
"""Where a new key goes: before the first existing key that comes later in this order."""
FLOW_KEYS = ("cycles",)
"""Mappings of these keys are written on one line when they hold only plain values."""


class FormError(UsageError):
    """The text cannot be read or changed by the forms (the message says why)."""


def _yaml(text: str) -> tuple[YAML, Any]:
    if len(text.encode("utf-8")) > MAX_FILE_BYTES:
        raise FormError("the routine is too large for the forms; edit the YAML text")
    _plain_yaml(text)
    try:
        _, indent, offset = load_yaml_guess_indent(text) if text.strip() else (None, 4, 2)
    except YAMLError:
        indent, offset = 4, 2
    y = YAML()
    y.width = 4096
    y.preserve_quotes = True
    if not indent or offset is None:  # no list to learn from: the shipped routines' style
        indent, offset = 4, 2
    y.indent(mapping=2, sequence=indent, offset=offset)
    try:
        doc = y.load(text) if text.strip() else CommentedMap()
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at {mark.line + 1}:{mark.column + 1}" if mark is not None else ""
        raise FormError(f"the YAML does not parse{where}; fix it in the text first") from None
    if doc is None:
        doc = CommentedMap()
    if not isinstance(doc, CommentedMap):
        raise FormError("a routine is a mapping (title:, steps: ...); fix it in the text first")
    return y, doc


_CORE = "tag:yaml.org,2002:"
_PLAIN_TAGS = {_CORE + t for t in ("str", "int", "float", "bool", "null", "map", "seq")}


def _plain_yaml(text: str) -> None:
    """Refuse, before the round-trip parser sees it, what the forms cannot keep: the CLI's
    limits (size, nesting, lengths: the same ``compose_file``), tags other than YAML's own
    (``!!python/object/apply:...``) and merge keys (``<<``)."""
    try:
        root = compose_file(FilePath("routine"), text)
    except RoutineError as exc:
        first = exc.problems[0]
        if first.message.startswith("YAML syntax error"):
            raise FormError(
                f"the YAML does not parse at {first.line}:{first.col}; fix it in the text first"
            ) from None
        raise FormError(
            f"the forms cannot read this routine at {first.line}:{first.col}: {first.message}; "
            "fix it in the text"
        ) from None
    stack = [root] if root is not None else []
    while stack:
        node = stack.pop()
        if node.tag not in _PLAIN_TAGS:
            mark = node.start_mark
            raise FormError(
                f"the forms cannot keep {node.tag.replace(_CORE, '!!')} at {mark.line + 1}:"
                f"{mark.column + 1} (tags and merge keys); edit the YAML text"
            )
        if isinstance(node, pyyaml.MappingNode):
            stack.extend(n for pair in node.value for n in pair)
        elif isinstance(node, pyyaml.SequenceNode):
            stack.extend(node.value)


def _dump(y: YAML, doc: Any) -> str:
    out = io.StringIO()
    y.dump(doc, out)
    return out.getvalue()


def describe(text: str) -> dict[str, object]:
    """The document as plain values for the forms, and where each value sits (1-based)."""
    _, doc = _yaml(text)
    positions: list[dict[str, object]] = []
    count = [0]
    plain = _plain(doc, [], positions, count)
    return {"doc": plain, "positions": positions}


def _plain(
    node: Any, path: list[str | int], positions: list[dict[str, object]], n: list[int]
) -> Any:
    n[0] += 1
    if n[0] > MAX_NODES:
        raise FormError("the routine has too many values for the forms; edit the YAML text")
    if isinstance(node, CommentedMap):
        out = {}
        for key, value in node.items():
            line, col = node.lc.value(key)
            positions.append({"path": [*path, str(key)], "line": line + 1, "col": col + 1})
            out[str(key)] = _plain(value, [*path, str(key)], positions, n)
        return out
    if isinstance(node, CommentedSeq):
        items = []
        for i, value in enumerate(node):
            line, col = node.lc.item(i)
            positions.append({"path": [*path, i], "line": line + 1, "col": col + 1})
            items.append(_plain(value, [*path, i], positions, n))
        return items
    if isinstance(node, bool) or node is None:
        return node
    if isinstance(node, (int, float)):
        return int(node) if isinstance(node, int) else float(node)
    return str(node)


def apply(text: str, edits: Sequence[object]) -> str:
    """``text`` with ``edits`` applied in order; each edit is ``{"op", "path", ...}``:
    ``set`` (``value``; ``null`` removes the key), ``insert`` (``index``, ``value``),
    ``delete``, ``move`` (``to``: the new index of the item at ``path``), ``duplicate``."""
    y, doc = _yaml(text)
    for edit in edits:
        if not isinstance(edit, dict):
            raise FormError("each edit should be an object with 'op' and 'path'")
        _apply_one(doc, edit)
    return _dump(y, doc)


def _apply_one(doc: CommentedMap, edit: dict[str, Any]) -> None:
    op, path = edit.get("op"), edit.get("path")
    if op not in ("set", "insert", "delete", "move", "duplicate"):
        raise FormError(f"unknown edit {op!r}: use set, insert, delete, move or duplicate")
    if (
        not isinstance(path, list)
        or not path
        or not all(isinstance(p, (str, int)) and not isinstance(p, bool) for p in path)
    ):
        raise FormError("an edit's 'path' should be a non-empty list of keys and indexes")
    if op == "set":
        parent = _walk(doc, path[:-1], create=edit.get("value") is not None)
        if parent is not None:
            _set(parent, path, edit.get("value"))
        return
    if op == "insert":
        seq = _walk(doc, path, create=True, leaf=CommentedSeq)
        index = edit.get("index", len(seq) if isinstance(seq, CommentedSeq) else 0)
        if not isinstance(seq, CommentedSeq) or not isinstance(index, int):
            raise FormError("'insert' needs a list at 'path' and a whole 'index'")
        index = max(0, min(index, len(seq)))
        seq.insert(index, _node(edit.get("value"), [*path, index]))
        return
    parent = _walk(doc, path[:-1], create=False)
    key = path[-1]
    if not isinstance(parent, CommentedSeq) or not isinstance(key, int):
        if op == "delete" and isinstance(parent, CommentedMap) and key in parent:
            del parent[key]
            return
        raise FormError(f"'{op}' needs a list item at 'path'")
    if not 0 <= key < len(parent):
        raise FormError(f"there is no item {key} in that list")
    if op == "delete":
        del parent[key]
    elif op == "duplicate":
        parent.insert(key + 1, copy.deepcopy(parent[key]))
    elif op == "move":
        to = edit.get("to")
        if not isinstance(to, int) or not 0 <= to < len(parent):
            raise FormError("'move' needs 'to', an index inside the list")
        item = parent.pop(key)
        parent.insert(to, item)


def _kind(path: Path) -> str:
    return "step" if len(path) == 2 and path[0] == "steps" else ""


def _walk(doc: CommentedMap, path: Path, create: bool, leaf: type = CommentedMap) -> Any:
    node: Any = doc
    for i, key in enumerate(path):
        last = i == len(path) - 1
        if isinstance(node, CommentedMap) and isinstance(key, str):
            key = _same_key(node, key, path[:i])
            if key not in node or node[key] is None:
                if not create:
                    return None
                _set(node, path[: i + 1], leaf() if last else CommentedMap())
            node = node[key]
        elif isinstance(node, CommentedSeq) and isinstance(key, int) and 0 <= key < len(node):
            node = node[key]
        else:
            raise FormError(f"the path {list(path)} does not fit the routine")
    return node


def _set(parent: Any, path: Path, value: Any) -> None:
    key = path[-1]
    if isinstance(parent, CommentedSeq) and isinstance(key, int) and 0 <= key < len(parent):
        parent[key] = _node(value, path, parent[key])
        return
    if not isinstance(parent, CommentedMap) or not isinstance(key, str):
        raise FormError(f"cannot set {key!r} there")
    key = _same_key(parent, key, path[:-1])
    if value is None:
        parent.pop(key, None)
        return
    new = _node(value, path, parent.get(key))
    if key in parent:
        parent[key] = new
        return
    order = ORDER.get(_kind(path[:-1]), ())
    rank = order.index(key) if key in order else len(order)
    later = [i for i, k in enumerate(parent) if k in order and order.index(k) > rank]
    parent.insert(later[0] if later else len(parent), key, new)


def _same_key(node: CommentedMap, key: str, path: Path) -> Any:
    """``key`` as the mapping writes it: a plural form that is a whole number (``1:`` in a
    ``phrases:`` section, "une seconde") is a number key, found or written as one."""
    if key in node or not key.isdigit() or "phrases" not in path:
        return key
    return next((k for k in node if str(k) == key), int(key))


def _node(value: Any, path: Path, old: Any = None) -> Any:
    """A JSON value as a ruamel node: lines to say double-quoted (as the shipped routines write
    them), other texts too when plain YAML 1.1 would misread them or the text they replace was
    quoted; ``cycles`` and phases of plain values on one line."""
    if isinstance(value, dict):
        out = CommentedMap()
        for k, v in value.items():
            out[_same_key(out, str(k), path)] = _node(v, [*path, str(k)])
        flat = all(not isinstance(v, (dict, list)) for v in value.values())
        phase = len(path) >= 2 and path[-2] == "phases"
        if flat and value and (path[-1] in FLOW_KEYS or phase):
            out.fa.set_flow_style()
        return out
    if isinstance(value, list):
        return CommentedSeq(_node(v, [*path, i]) for i, v in enumerate(value))
    if isinstance(value, str):
        spoken = isinstance(path[-1], int) or path[-1] == "say" or "phrases" in path[:-1]
        if spoken or isinstance(old, DoubleQuotedScalarString) or _misread(value):
            return DoubleQuotedScalarString(value)
        return value
    if value is None or isinstance(value, (bool, int, float)):
        return value
    raise FormError(f"cannot write {type(value).__name__} into a routine")


def _misread(text: str) -> bool:
    try:
        return bool(pyyaml.safe_load(text) != text)
    except pyyaml.YAMLError:
        return True
