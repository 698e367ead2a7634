"""Hypothesis strategies for hostile documents and command lines, and the property they must meet.

Shared by ``tests/test_fuzz.py`` (a bounded run in the suite) and ``benchmarks/fuzz_long.py``
(the long run). Documents are built as data (mostly the right keys with wrong, tricky or
hostile values), dumped to YAML, and sometimes mangled as text (syntax errors, anchors, tags).
Keys of the issue 8 syntax (points, lexicon, phrases, inline/say/pause steps, phases) are
generated too: they are refused as unknown keys until that syntax exists, then exercised.
"""

from __future__ import annotations

import contextlib
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from hypothesis import strategies as st

from audio_guide.cli import main

POSITION = re.compile(r"\S+:\d+:\d+: ")
POINTS = ["B23", "B47", "B48", "GB30", "LI4", "TE3", "B54", "B53", "li 4", "BL40", "LI5", ""]
TRICKY: list[Any] = [
    "1:30", "010", "no", "yes", "off", "on", "~", "", " ", "0x1F", "1e3", ".5", "-0", "30s",
    "each", "left", "right", "both", "together", "every", "every:5", "countdown:5", "every:0",
    "countdown", "none", "none:3", "noise", "slow", "brisk", "fake", "fake/en-us", "en-us+f3",
    "'30'", "600", "601", "0", "1_000", "nan", ".inf", "-.inf", "\t", "\x00", "é" * 3, "🙂",
    "{", "[", "- -", "a: b", "*x", "&x", "!!int 3", 0, 1, -1, 5, 30, 600, 601, 10**9, 0.5, 1e-9,
    float("inf"), float("nan"), True, False, None, [], {},
]  # fmt: skip
JUNK_KEYS = st.sampled_from(["hodl", "Title", "steps ", "", "x" * 60, "ponit", "1", "null"])

scalars = st.one_of(
    st.sampled_from(TRICKY),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=25),
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.one_of(JUNK_KEYS, st.text(max_size=8)), inner, max_size=3)
    ),
    max_leaves=8,
)
keys = st.one_of(
    st.sampled_from([v for v in TRICKY if not isinstance(v, list | dict)]),
    st.integers(-(10**6), 10**6),
    st.text(max_size=25),
)
"""Scalars that can be mapping keys (hashable)."""
seconds = st.one_of(st.integers(1, 40), st.sampled_from([0.5, 2.5, 600, 0, -3, "20", "1:30"]))
small_values = st.one_of(seconds, scalars)


def _maybe(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(strategy, strategy, strategy, values)


cycles = _maybe(
    st.fixed_dictionaries(
        {},
        optional={
            "press": small_values,
            "release": small_values,
            "times": st.one_of(st.integers(0, 6), scalars),
            "phases": st.lists(
                st.fixed_dictionaries({}, optional={"say": scalars, "seconds": small_values}),
                max_size=3,
            ),
        },
    )
)
step = _maybe(
    st.fixed_dictionaries(
        {},
        optional={
            "point": st.one_of(st.sampled_from(POINTS), scalars),
            "hold": small_values,
            "cycles": cycles,
            "sides": st.one_of(st.sampled_from(["each", "left", "right", "together"]), scalars),
            "find": small_values,
            "say": st.one_of(scalars, st.lists(scalars, max_size=3)),
            "name": scalars,
            "location": scalars,
            "method": scalars,
            "pause": small_values,
        },
    )
)
voice = _maybe(
    st.fixed_dictionaries(
        {},
        optional={
            "id": st.one_of(st.sampled_from(["fake/en-us", "en-gb", "fake", "xx"]), scalars),
            "engine": st.sampled_from(["fake", "fake", "nope", 3]),
            "rate": st.one_of(st.integers(60, 420), scalars),
            "volume": small_values,
            "pitch": small_values,
        },
    )
)
pacing = _maybe(
    st.fixed_dictionaries(
        {},
        optional={
            "pace": small_values,
            "count": st.one_of(
                st.sampled_from(["every", "every:5", "countdown:3", "none"]), scalars
            ),
            "find": small_values,
            "gap": small_values,
            "step_pause": small_values,
            "sides": st.sampled_from(["both", "left", "right", "each", 1]),
            "repeat": st.one_of(st.integers(0, 3), scalars),
            "holds": st.dictionaries(st.sampled_from(POINTS), small_values, max_size=2) | values,
            "cycles": st.dictionaries(st.sampled_from(POINTS), cycles, max_size=2) | values,
        },
    )
)
sound = _maybe(
    st.fixed_dictionaries(
        {},
        optional={
            "chime": st.one_of(st.booleans(), scalars),
            "tick": small_values,
            "bed": st.sampled_from(["noise", "missing.ogg", "", 3]),
            "bed_level": small_values,
            "loudness": st.one_of(st.sampled_from(["off", -16, -3]), scalars),
        },
    )
)
point_entry = _maybe(
    st.fixed_dictionaries(
        {"name": scalars, "location": scalars},
        optional={
            "who": scalars,
            "title": scalars,
            "region": st.sampled_from(["hand", "knee", "back", 3]),
            "method": scalars,
            "purpose": scalars,
            "cautions": st.one_of(
                scalars,
                st.lists(scalars | st.fixed_dictionaries({"text": scalars, "source": scalars})),
            ),
            "sides": st.sampled_from(["each", "together", "both"]),
            "bilateral": st.one_of(st.booleans(), scalars),
            "source": st.one_of(
                scalars,
                st.dictionaries(
                    st.sampled_from(["location", "cautions", "where"]), scalars, max_size=2
                ),
            ),
            "notes": scalars,
        },
    )
)
translation_entry = _maybe(
    st.fixed_dictionaries(
        {"location": scalars},
        optional={"title": scalars, "method": scalars, "cautions": st.lists(scalars, max_size=2)},
    )
)
points_doc = st.fixed_dictionaries(
    {},
    optional={
        "points": _maybe(
            st.dictionaries(st.sampled_from([*POINTS, "NEW1"]), point_entry, max_size=3)
        ),
        "lexicon": _maybe(st.dictionaries(keys, scalars, max_size=2)),
        "language": st.sampled_from(["en", "es", "xx", 3]),
        "translations": _maybe(
            st.dictionaries(
                st.sampled_from(["es", "de", "en", "zz"]),
                _maybe(
                    st.dictionaries(
                        st.sampled_from([*POINTS, "NEW1"]), translation_entry, max_size=2
                    )
                ),
                max_size=2,
            )
        ),
    },
)
routine_doc = st.fixed_dictionaries(
    {},
    optional={
        "title": st.one_of(st.just("Fuzz"), scalars),
        "description": scalars,
        "intro": st.one_of(scalars, st.lists(scalars, max_size=2)),
        "safety": st.one_of(scalars, st.lists(scalars, max_size=2)),
        "steps": st.one_of(st.lists(step, max_size=4), values),
        "outro": st.one_of(scalars, st.lists(scalars, max_size=2)),
        "voice": voice,
        "pacing": pacing,
        "sound": sound,
        "language": st.sampled_from(["en", "es", "de", "fr", "xx", 3]),
        "points": points_doc.map(lambda d: d.get("points", {})),
        "lexicon": _maybe(st.dictionaries(keys, scalars, max_size=2)),
        "phrases": _maybe(st.dictionaries(st.sampled_from(["press", "release", "bogus"]), scalars)),
        "artist": scalars,
    },
)
profile_doc = st.fixed_dictionaries(
    {},
    optional={"voice": voice, "pacing": pacing, "sound": sound, "notes": scalars, "hodl": values},
)

MANGLE_CHARS = ":-[]{}'\"#&*!|>%@`\t\n ,?~\\\x00\x85\ufeff"


@st.composite
def yaml_text(draw: st.DrawFn, doc: st.SearchStrategy[Any]) -> str:
    """A document dumped as YAML, then sometimes mangled the way a hurried hand would."""
    data = draw(doc)
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, default_flow_style=None)
    for _ in range(draw(st.integers(0, 3))):
        if not text:
            break
        at = draw(st.integers(0, len(text)))
        cut = draw(st.integers(0, 8))
        insert = draw(st.text(alphabet=MANGLE_CHARS, max_size=4))
        text = text[:at] + insert + text[at + cut :]
    return text


FLAGS = ["--voice", "--rate", "--volume", "--pitch", "--pace", "--count", "--find", "--sides"]
FLAGS += ["--repeat", "--tick", "--bed", "--bed-level", "--loudness", "--max-hours"]
flag_values = st.one_of(
    st.sampled_from([str(v) for v in TRICKY if not isinstance(v, list | dict)]),
    st.integers(-5, 700).map(str),
    st.text(max_size=6),
)
command_line = st.lists(
    st.one_of(
        st.tuples(st.sampled_from(FLAGS), flag_values).map(list),
        st.tuples(st.just("--hold"), st.text(max_size=8)).map(list),
        st.tuples(st.sampled_from(["--hold", "--cycles"]), st.sampled_from(POINTS)).map(
            lambda t: [t[0], f"{t[1]}=" + ("8/4/2" if t[0] == "--cycles" else "12")]
        ),
        st.sampled_from([["--json"], ["--settings"], ["--no-chime"], ["--no-cache"]]),
        st.sampled_from([["--bogus"], ["-o", "x.mp3"], ["--profile", "missing.yaml"]]),
    ),
    max_size=4,
).map(lambda parts: [arg for part in parts for arg in part])


@dataclass
class Tally:
    """Counts of outcomes over a run, and the inputs that broke the property."""

    runs: int = 0
    codes: dict[int, int] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)


def check(
    argv: list[str], tally: Tally | None = None, document: bool = True, command: str = "plan"
) -> tuple[int, str]:
    """Run ``audio-guide COMMAND ARGV`` in this process; assert the property; return (exit, err).

    Never an internal error or traceback; exit 0 or 2 (1 only for a runtime fault, which plan
    with the fake engine has none of); a refusal of a document names a FILE:LINE:COL.
    """
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(io.StringIO()) as argparse_err:
        code = main([command, *argv], out, err)
    text = err.getvalue() + argparse_err.getvalue()
    problem = None
    if "internal error" in text or "Traceback" in text:
        problem = "internal error"
    elif code not in (0, 2):
        problem = f"exit {code}"
    elif code == 2 and document and not POSITION.search(text.splitlines()[0] if text else ""):
        problem = "refusal without a position"
    if tally is not None:
        tally.runs += 1
        tally.codes[code] = tally.codes.get(code, 0) + 1
        if problem:
            tally.failures.append(f"{problem}: {command} {argv}\n{text[:500]}")
    assert problem is None, f"{problem}: {command} {argv}\n{text[:2000]}"
    return code, text


def write_doc(folder: Path, name: str, text: str) -> Path:
    """Write a generated document (bytes as given; invalid UTF-8 cannot arise from str)."""
    path = folder / name
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    return path


def hostile_files() -> dict[str, bytes | str]:
    """The issue's hostile documents and their relatives, by name."""
    step = "  - point: LI4\n    hold: five\n"
    return {
        "deep list 5000": "title: x\nsteps: " + "[" * 5000 + "]" * 5000 + "\n",
        "deep map 3000": "title: x\nsteps:\n  - point: LI4\n    hold: "
        + "{a: " * 3000
        + "1"
        + "}" * 3000,
        "deep block 400": "title: x\nsteps:\n"
        + "".join("  " * i + "- \n" for i in range(1, 400))
        + "  " * 400
        + "x\n",
        "deep mixed 40000": "a: " + "[{b: " * 20_000 + "1" + "}]" * 20_000,
        "8 MB title": "title: " + "a" * 8_000_000 + "\nsteps:\n  - point: LI4\n    hold: 5\n",
        "200 KB title": "title: " + "a" * 200_000 + "\nsteps:\n  - point: LI4\n    hold: 5\n",
        "20000 bad steps": "title: x\nsteps:\n" + step * 20_000,
        "450 bad steps": "title: x\nsteps:\n" + step * 450,
        "300 x 600 s holds": "title: x\nsteps:\n" + "  - point: B23\n    hold: 600\n" * 300,
        "alias fan-out": "a: &a ["
        + ",".join(["x"] * 400)
        + "]\nb: &b ["
        + ",".join(["*a"] * 400)
        + "]\ntitle: x\nsteps: ["
        + ",".join(["*b"] * 400)
        + "]\n",
        "alias cycle": "&a [*a]\n",
        "binary junk": bytes(range(256)) * 64,
        "invalid utf-8": b"title: \xff\xfe\nsteps: []\n",
        "nul bytes": "title: x\x00\nsteps: []\n",
        "bom and tabs": "\ufefftitle:\tx\nsteps:\n\t- point: LI4\n",
        "empty": "",
        "python tag": "title: !!python/object/apply:os.system ['true']\nsteps: []\n",
        "many keys": "title: x\n" + "".join(f"k{i}: 1\n" for i in range(3000)),
        "long key": "title: x\n" + "k" * 100_000 + ": 1\n",
    }


HOSTILE_FLAGS = {"300 x 600 s holds": ["--repeat", "20"]}
"""Cases run a second time with these extra flags."""


def hostile(folder: Path, only: str | None = None) -> list[tuple[str, list[str]]]:
    """Write the hostile set (or the case ``only``) into ``folder``: (name, plan arguments)."""
    out = []
    for i, (name, content) in enumerate(hostile_files().items()):
        if only is not None and not only.startswith(name):
            continue
        path = folder / f"hostile{i}.yaml"
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        out.append((name, [str(path), "--engine", "fake"]))
        if name in HOSTILE_FLAGS:
            out.append(
                (f"{name} {' '.join(HOSTILE_FLAGS[name])}", [*out[-1][1], *HOSTILE_FLAGS[name]])
            )
    out.append(("folder as routine", [str(folder), "--engine", "fake"]))  # no file: no position
    out.append(("/dev/zero as routine", ["/dev/zero", "--engine", "fake"]))
    return [case for case in out if only is None or case[0] == only]
