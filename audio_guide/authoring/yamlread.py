"""Read YAML as position-carrying nodes and check their types, collecting every problem.

PyYAML implements YAML 1.1, where ``1:30`` is 90, ``010`` is 8 and ``no`` is False. Validation
therefore works on the composed nodes, not on loaded values: each scalar is checked against the
plain form the field expects, and every problem keeps the line and column it came from.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from audio_guide.authoring import limits
from audio_guide.errors import Problem, RoutineError
from audio_guide.model import Origin
from audio_guide.safename import control_character
from audio_guide.words import out_of_range, suggest

_NUMBER = re.compile(r"^[+-]?(?:0|[1-9][0-9_]*)(?:\.[0-9]*)?$|^[+-]?\.[0-9]+$")
_SEXAGESIMAL = re.compile(r"^[+-]?[0-9]+(?::[0-5]?[0-9])+(?:\.[0-9]*)?$")
_INT_TAG = "tag:yaml.org,2002:int"
_FLOAT_TAG = "tag:yaml.org,2002:float"
_BOOL_TAG = "tag:yaml.org,2002:bool"
_NULL_TAG = "tag:yaml.org,2002:null"
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's parser where PyYAML has it: the same nodes and marks (a plain scalar's style is
'' instead of None), ten times faster; the 28-point library took 0.14 s to compose in Python.
Files it refuses are parsed again in Python, so problems read and point as they always did."""


class _TooDeep(yaml.composer.ComposerError):
    """Nesting beyond ``limits.MAX_DEPTH``."""


class _Loader(yaml.SafeLoader):
    """PyYAML's safe loader with a nesting limit: its composer recurses once per level."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        self._depth += 1
        try:
            if self._depth > limits.MAX_DEPTH:
                raise _TooDeep(
                    None,
                    None,
                    f"lists and mappings are nested more than {limits.MAX_DEPTH} levels deep",
                    self.peek_event().start_mark,
                )
            node: yaml.Node | None = super().compose_node(parent, index)
            return node
        finally:
            self._depth -= 1


def _check_depth(text: str) -> None:
    """Refuse nesting beyond ``limits.MAX_DEPTH`` from the parser's events, before composing.

    libyaml's composer (like PyYAML's) recurses once per level; the event stream does not.
    """
    depth = 0
    for event in yaml.parse(text, Loader=_LOADER):
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > limits.MAX_DEPTH:
                raise _TooDeep(
                    None,
                    None,
                    f"lists and mappings are nested more than {limits.MAX_DEPTH} levels deep",
                    event.start_mark,  # type: ignore[arg-type]  # libyaml's Mark, same fields
                )
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1


def compose_file(path: Path, text: str | None = None) -> yaml.Node | None:
    """Parse ``path`` into a node tree; a syntax error or a size limit becomes a ``RoutineError``.

    The limits (``authoring.limits``: file size, nesting, list and text lengths) are checked
    before and while composing, so a hostile file is refused before anything reads it further.
    """
    name = str(path)
    if text is None:
        try:
            with path.open("rb") as fh:  # bounded: /dev/zero or a pipe has no size to stat
                raw = fh.read(limits.MAX_FILE_BYTES + 1)
                stat_size = os.fstat(fh.fileno()).st_size
            limits.check_size(name, max(len(raw), stat_size), exact=stat_size >= len(raw))
            text = raw.decode("utf-8")
        except FileNotFoundError:
            raise RoutineError([Problem(name, 1, 1, "file not found")]) from None
        except (OSError, UnicodeDecodeError) as exc:
            raise RoutineError([Problem(name, 1, 1, f"cannot read file: {exc}")]) from None
    limits.check_size(name, len(text))
    try:
        try:
            _check_depth(text)
            root: yaml.Node | None = yaml.compose(text, Loader=_LOADER)
        except _TooDeep:
            raise
        except yaml.MarkedYAMLError:  # word and place problems as PyYAML's own parser does
            root = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        what = exc.problem or "invalid YAML"
        if exc.context:
            what = f"{exc.context}, {what}"
        if not isinstance(exc, _TooDeep):
            what = f"YAML syntax error: {what}"
        raise RoutineError([Problem(name, line, col, what)]) from None
    except yaml.YAMLError as exc:
        raise RoutineError([Problem(name, 1, 1, f"YAML error: {exc}")]) from None
    limits.check_tree(name, root)
    return root


@dataclass
class Reader:
    """Collects problems for one file while values are read from its nodes."""

    file: str
    problems: list[Problem] = field(default_factory=list)

    def error(self, node: yaml.Node | None, message: str) -> None:
        """Record a problem at ``node`` (or at the top of the file)."""
        line, col = (node.start_mark.line + 1, node.start_mark.column + 1) if node else (1, 1)
        self.problems.append(Problem(self.file, line, col, message))

    def origin(self, node: yaml.Node) -> Origin:
        """Where ``node`` starts in this file."""
        return Origin(self.file, node.start_mark.line + 1, node.start_mark.column + 1)

    def raise_if_any(self) -> None:
        """Raise one ``RoutineError`` carrying everything found so far."""
        if self.problems:
            raise RoutineError(self.problems)

    def mapping(
        self,
        node: yaml.Node | None,
        what: str,
        allowed: Iterable[str],
        required: Iterable[str] = (),
    ) -> dict[str, yaml.Node] | None:
        """Read a string-keyed mapping, reporting unknown (with a suggestion) and missing keys."""
        if not isinstance(node, yaml.MappingNode):
            self.error(node, f"{what} must be a mapping of keys to values")
            return None
        allowed = list(allowed)
        out: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if not isinstance(key, str):
                self.error(key_node, f"{what}: keys must be plain words")
                continue
            if key in out:
                self.error(key_node, f"{what}: key '{key}' appears twice")
                continue
            if key not in allowed:
                self.error(key_node, f"{what}: unknown key '{key}'{suggest(key, allowed)}")
                continue
            out[key] = value_node
        for key in required:
            if key not in out:
                self.error(node, f"{what}: missing required key '{key}'")
        return out

    def sequence(self, node: yaml.Node, what: str) -> list[yaml.Node]:
        """Read a list; a single scalar is not promoted to a list."""
        if not isinstance(node, yaml.SequenceNode):
            self.error(node, f"{what} must be a list (lines starting with '- ')")
            return []
        return list(node.value)

    def text(self, node: yaml.Node, what: str) -> str | None:
        """Read a non-empty string; YAML 1.1 booleans and nulls are refused, not converted."""
        if not isinstance(node, yaml.ScalarNode):
            self.error(node, f"{what} must be text")
            return None
        if node.tag == _BOOL_TAG and not node.style:
            self.error(node, f"{what}: '{node.value}' reads as a yes/no value in YAML; quote it")
            return None
        if node.tag == _NULL_TAG and not node.style:
            self.error(node, f"{what} is empty")
            return None
        value = " ".join(str(node.value).split())
        if not value:
            self.error(node, f"{what} is empty")
            return None
        bad = control_character(value)
        if bad:
            self.error(
                node,
                f"{what} contains a control character ({bad}) that captions, feeds, pages and "
                "tags cannot hold; remove it",
            )
            return None
        return value

    def texts(self, node: yaml.Node, what: str) -> list[str]:
        """Read a string or a list of strings."""
        if isinstance(node, yaml.SequenceNode):
            found = [self.text(item, what) for item in node.value]
            return [t for t in found if t is not None]
        one = self.text(node, what)
        return [one] if one is not None else []

    def number(
        self,
        node: yaml.Node,
        what: str,
        low: float,
        high: float,
        *,
        low_inclusive: bool = False,
        integer: bool = False,
        unit: str = "seconds",
    ) -> float | None:
        """Read a plain decimal number within (low, high]; forms YAML 1.1 would bend are refused."""
        if not isinstance(node, yaml.ScalarNode):
            self.error(node, f"{what} must be a number of {unit}")
            return None
        raw = str(node.value).strip()
        if node.style in ("'", '"'):
            self.error(node, f"{what} must be a number of {unit}, not quoted text '{raw}'")
            return None
        if _SEXAGESIMAL.match(raw):
            self.error(
                node,
                f"{what}: '{raw}' is read by YAML as a base-60 number; "
                f"write plain {unit} (for example 90, not 1:30)",
            )
            return None
        if node.tag not in (_INT_TAG, _FLOAT_TAG) or not _NUMBER.match(raw):
            if re.match(r"^[+-]?0[0-9]+$", raw):
                self.error(node, f"{what}: '{raw}' has a leading zero (YAML reads it as octal)")
            else:
                self.error(node, f"{what} must be a number of {unit}, got '{raw}'")
            return None
        value = float(raw.replace("_", ""))
        problem = out_of_range(value, raw, low, high, low_inclusive, integer, unit)
        if problem:
            self.error(node, f"{what} {problem}")
            return None
        return value

    def flag(self, node: yaml.Node, what: str) -> bool | None:
        """Read ``true`` or ``false``."""
        word = node.value.lower() if isinstance(node, yaml.ScalarNode) else None
        if word in ("true", "yes", "on") and node.tag == _BOOL_TAG:
            return True
        if word in ("false", "no", "off") and node.tag == _BOOL_TAG:
            return False
        self.error(node, f"{what} must be true or false")
        return None

    def choice(self, node: yaml.Node, what: str, options: Iterable[str]) -> str | None:
        """Read one word out of a closed set."""
        options = list(options)
        value = self.text(node, what)
        if value is None:
            return None
        if value not in options:
            self.error(
                node,
                f"{what}: '{value}' is not one of {', '.join(options)}{suggest(value, options)}",
            )
            return None
        return value
