"""Data flows one way: no module imports from a floor above its own (read from the source)."""

from __future__ import annotations

import ast
from pathlib import Path

import audio_guide

PACKAGE = Path(audio_guide.__file__).parent

FLOORS: tuple[tuple[str, ...], ...] = (
    ("audio_guide", "errors", "schemas"),
    ("words", "model", "runtime", "timeline", "interrupts", "registry", "safename"),
    ("settings", "figures"),
    ("layers",),
    ("authoring",),
    ("sound", "schedule", "check", "flags"),
    ("fitting", "outputs"),
    ("build",),
    ("practice",),
    ("studio",),
    ("cli",),
    ("__main__",),
)
"""Bottom to top: the chain load -> validate -> script -> synthesize -> schedule -> mix ->
export, then the front ends. A module may import from its own part of the package (the same
name here) and from lower floors; parts that share a floor do not import each other."""

RANK = {part: level for level, parts in enumerate(FLOORS) for part in parts}


def _part(module: str) -> str:
    names = module.split(".")
    return names[1] if len(names) > 1 else names[0]


def _imports(path: Path) -> list[tuple[str, int, int]]:
    """Every ``audio_guide`` module ``path`` imports, at any depth (lazy imports count too)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module == "audio_guide":
                at = (node.lineno, node.col_offset)
                found += [(f"audio_guide.{a.name}", *at) for a in node.names]
            elif node.module.startswith("audio_guide."):
                found.append((node.module, node.lineno, node.col_offset))
        elif isinstance(node, ast.Import):
            found += [
                (a.name, node.lineno, node.col_offset)
                for a in node.names
                if a.name.startswith("audio_guide.")
            ]
    return found


def _module(path: Path) -> str:
    parts = ("audio_guide", *path.relative_to(PACKAGE).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def test_every_part_of_the_package_has_a_floor() -> None:
    parts = {_part(_module(p)) for p in PACKAGE.rglob("*.py")}
    assert parts <= set(RANK), f"give these a floor in FLOORS: {sorted(parts - set(RANK))}"


def test_no_import_points_up_a_floor() -> None:
    upward = []
    for path in sorted(PACKAGE.rglob("*.py")):
        here = _part(_module(path))
        if here not in RANK:  # reported by the test above
            continue
        for target, line, col in _imports(path):
            there = _part(target)
            if there != here and RANK.get(there, -1) >= RANK[here]:
                upward.append(f"{path.relative_to(PACKAGE.parent)}:{line}:{col + 1}: {target}")
    assert not upward, "imports from the same or a higher floor:\n" + "\n".join(upward)
