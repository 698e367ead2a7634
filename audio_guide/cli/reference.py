"""The documentation site's reference pages, generated from the code so they cannot drift.

``pages()`` gives ``{path: markdown}`` under ``reference/``: every command and flag (walked from
the parsers ``main`` uses), every setting with its range and default (``settings``, through the
studio's control descriptions), every file key (``reference_data``: the JSON Schemas), the phrase
keys (``keys.yaml``), the timeline contract (``timeline``'s dataclasses) and the region figures
(``scripts_data/figures``). ``docs/hooks.py``
adds them to the MkDocs build; nothing generated is kept in git.
"""

from __future__ import annotations

import argparse
import contextlib
import os
from collections.abc import Iterator

from audio_guide.cli import _parser
from audio_guide.cli.reference_data import (
    GENERATED,
    cell,
    figures_page,
    files_page,
    phrases_page,
    timeline_page,
)
from audio_guide.settings import PER_POINT_FLAGS, RANGES, Settings
from audio_guide.studio.controls import describe
from audio_guide.words import fmt

PAGES = (
    ("reference/commands.md", "Commands and flags"),
    ("reference/settings.md", "Settings"),
    ("reference/files.md", "File keys"),
    ("reference/phrases.md", "Phrase keys"),
    ("reference/timeline.md", "Timeline contract"),
    ("reference/figures.md", "Figures"),
)
"""The generated pages in nav order, with their titles (``mkdocs.yml`` lists the same paths)."""


def pages() -> dict[str, str]:
    """Every generated reference page by its path under the docs folder."""
    return {
        "reference/commands.md": commands_page(),
        "reference/settings.md": settings_page(),
        "reference/files.md": files_page(),
        "reference/phrases.md": phrases_page(),
        "reference/timeline.md": timeline_page(),
        "reference/figures.md": figures_page(),
    }


def command_parsers() -> list[tuple[str, str, argparse.ArgumentParser]]:
    """``(words after audio-guide, help, parser)`` for every command and sub-command, in help
    order; the first is ``audio-guide`` itself with the words ``""``."""
    found: list[tuple[str, str, argparse.ArgumentParser]] = []

    def walk(words: str, help_text: str, parser: argparse.ArgumentParser) -> None:
        found.append((words, help_text, parser))
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for choice in action._choices_actions:
                    name = choice.dest
                    walk(f"{words} {name}".strip(), choice.help or "", action.choices[name])

    top = _parser()
    walk("", top.description or "", top)
    return found


def anchor(words: str) -> str:
    """The heading id of a command's section (``pack status`` -> ``pack-status``)."""
    return words.replace(" ", "-") or "audio-guide"


@contextlib.contextmanager
def _columns(width: int) -> Iterator[None]:
    """argparse wraps usage to the terminal; the page wraps it to ``width`` on every machine."""
    old = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = str(width)
    try:
        yield
    finally:
        if old is None:
            del os.environ["COLUMNS"]
        else:
            os.environ["COLUMNS"] = old


def commands_page() -> str:
    """Every command, its usage and each argument with its value, default and help."""
    commands = command_parsers()
    lines = [
        "# Commands and flags",
        "",
        f"{GENERATED} from the command-line parsers (`audio_guide/cli/`); `audio-guide COMMAND "
        "--help` prints the same. Exit codes: `0` done, `2` bad input (every problem as "
        "`FILE:LINE:COL: message`), `1` a runtime failure, `130`/`143` interrupted.",
        "",
        "| command | what it does |",
        "|---|---|",
    ]
    lines += [
        f"| [`audio-guide {words}`](#{anchor(words)}) | {cell(help_text)} |"
        for words, help_text, _ in commands[1:]
    ]
    with _columns(88):
        for words, help_text, parser in commands:
            lines += _command_section(words, help_text, parser)
    return "\n".join(lines) + "\n"


def _command_section(words: str, help_text: str, parser: argparse.ArgumentParser) -> list[str]:
    title = f"audio-guide {words}".strip()
    out = ["", f"## {title} {{#{anchor(words)}}}", ""]
    if parser.description or help_text:
        out += [str(parser.description or help_text), ""]
    out += ["```text", parser.format_usage().strip(), "```"]
    formatter = parser._get_formatter()
    for group in parser._action_groups:
        rows = []
        for action in group._group_actions:
            if action.help == argparse.SUPPRESS or isinstance(action, argparse._HelpAction):
                continue
            rows.append(_argument_row(words, action, formatter))
        if rows:
            out += ["", f"**{group.title}**", ""]
            out += ["| argument | value | default | what it does |", "|---|---|---|---|"]
            out += rows
    return out


def _argument_row(words: str, action: argparse.Action, formatter: argparse.HelpFormatter) -> str:
    if isinstance(action, argparse._SubParsersAction):
        names = [
            f"[`{c.dest}`](#{anchor(f'{words} {c.dest}'.strip())})" for c in action._choices_actions
        ]
        return f"| `{action.metavar or action.dest}` | {', '.join(names)} | | a sub-command |"
    if action.option_strings:
        name = ", ".join(f"`{o}`" for o in action.option_strings)
        takes = action.nargs != 0
        value = str(action.metavar or action.dest.upper()) if takes else ""
    else:
        name = f"`{action.metavar or action.dest}`"
        value = ""
    if action.choices is not None and not isinstance(action.choices, dict):
        value = ", ".join(str(c) for c in action.choices)
    default = action.default
    shown = "" if default in (None, False, [], argparse.SUPPRESS) else str(default)
    help_text = formatter._expand_help(action) if action.help else ""
    repeat = " (repeatable)" if isinstance(action, argparse._AppendAction) else ""
    if repeat and "repeatable" in help_text:
        repeat = ""
    return f"| {name} | {cell(value)} | {cell(shown)} | {cell(help_text + repeat)} |"


def range_text(control: dict[str, object]) -> str:
    """A setting's allowed values as the page shows them (``80..400 words per minute``)."""
    kind = control["kind"]
    if kind in ("choice", "switch"):
        return ", ".join(str(c) for c in control["choices"])  # type: ignore[attr-defined]
    if kind == "number":
        low, high = control["min"], control["max"]
        inclusive, integer = bool(control["min_inclusive"]), bool(control["integer"])
        text = span_text(low, high, inclusive, integer, str(control["unit"]))  # type: ignore[arg-type]
        if control["words"]:
            text += "; or " + ", ".join(control["words"])  # type: ignore[arg-type]
        return text
    if kind == "per_point":
        return "POINT=SECONDS" if control["name"] == "holds" else "POINT=PRESS/RELEASE/TIMES"
    if kind == "per_key":
        return "KEY=TEXT, [phrase keys](phrases.md)"
    words = control.get("words") or []
    return ("text; e.g. " + ", ".join(words)) if words else "text"  # type: ignore[arg-type]


def build_flags() -> dict[str, str]:
    """Each setting's flag on ``build`` (``--rate``; ``--no-chime`` for ``chime``), found in
    the parser itself; a setting with none is left out."""
    parser = next(p for words, _, p in command_parsers() if words == "build")
    by_dest = {a.dest: a.option_strings for a in parser._actions if a.option_strings}
    flags = {}
    for name in Settings.__dataclass_fields__:
        for dest in (name, PER_POINT_FLAGS.get(name, name), f"no_{name}"):
            if dest in by_dest:
                flags[name] = ", ".join(f"`{o}`" for o in by_dest[dest])
                break
    return flags


def span_text(low: float, high: float, inclusive: bool, integer: bool, unit: str) -> str:
    """``80..400 words per minute, whole numbers``; ``over 0 up to 600 seconds`` when the low
    end is excluded. A unit in brackets only repeats the range (``(0..100)``) and is left out."""
    lower = f"{fmt(low)}.." if inclusive else f"over {fmt(low)} up to "
    unit = "" if unit.startswith("(") and unit != "(factor)" else " " + unit.strip("()")
    return f"{lower}{fmt(high)}{unit}" + (", whole numbers" if integer else "")


def settings_page() -> str:
    """Every setting: where it is written, its flag, allowed values, default and meaning."""
    lines = [
        "# Settings",
        "",
        f"{GENERATED} from `audio_guide/settings.py` (`Settings`, `RANGES`, `CHOICES`, `WORDS` "
        "and each field's docstring), as the studio's controls are. Highest first, a setting "
        "comes from the command-line flag, `--profile FILE`, the default profile, the "
        "routine's own section, then the default below "
        "([Listen](../listen.md#voice-and-pacing-recipes)).",
        "",
        "| setting | in a file | flag | values | default | what it does |",
        "|---|---|---|---|---|---|",
    ]
    flags = build_flags()
    for c in describe(debug=True):
        name = str(c["name"])
        key = f"`{c['section']}: {c['key']}`" if c["section"] != "other" else "`phrases:`"
        default = f"`{c['default']}`" if c["default"] not in ("", "()") else "(none)"
        flag = flags.get(name, "(in a file only)")
        lines.append(
            f"| `{name}` | {key} | {flag} | {cell(range_text(c))} | {default} | "
            f"{cell(str(c['help']))} |"
        )
    fields = set(Settings.__dataclass_fields__)
    lines += [
        "",
        "## Values inside a step or an override",
        "",
        "A step's `hold:`, `cycles:` and `find:` and the `--hold`/`--cycles` flags take:",
        "",
        "| value | range |",
        "|---|---|",
    ]
    for name, (low, high, inclusive, integer, unit) in RANGES.items():
        if name in fields:
            continue
        lines.append(f"| `{name}` | {span_text(low, high, inclusive, integer, unit)} |")
    return "\n".join(lines) + "\n"
