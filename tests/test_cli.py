"""The command line as a user meets it: installed entry point, help, plan table, JSON, voices."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

from audio_guide.cli import main
from audio_guide.outputs.report import fmt_time


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def test_installed_console_script_builds(tmp_path: Path, tiny: str) -> None:
    """The command pip installed builds a routine (a tiny one: what is proved here is the
    command; back_pain itself is built in-process by test_e2e, 4.5 s of CPU less)."""
    exe = Path(sys.executable).with_name("audio-guide")
    assert exe.exists(), "pip install did not create the audio-guide command"
    out = tmp_path / "demo.mp3"
    proc = subprocess.run(
        [str(exe), "build", tiny, "--engine", "fake", "-o", str(out)],
        capture_output=True,
        text=True,
        env={**os.environ},
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert out.stat().st_size > 10_000
    assert (tmp_path / "demo.timeline.json").exists()
    assert "Audio saved to" not in proc.stdout


def test_help_on_every_command() -> None:
    commands = ("build", "plan", "voices", "points", "check", "schema")
    for argv in (["--help"], *([c, "--help"] for c in commands)):
        code, _, _ = run(*argv)
        assert code == 0


def test_plan_prints_a_readable_table() -> None:
    code, out, _ = run("plan", "back_pain", "--engine", "fake")
    assert code == 0
    assert "Acupressure for back pain" in out
    assert "press" in out and "release" in out and "count" in out
    assert "holds:" in out and "chapters:" in out
    assert " 0:00.500 " in out


def test_plan_json_is_the_contract() -> None:
    code, out, _ = run("plan", "back_pain", "--engine", "fake", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["format"] == "audio-guide/timeline@1"
    assert {"title", "duration", "sample_rate", "events", "holds", "chapters"} <= set(data)
    event = data["events"][0]
    assert {"start", "end", "kind", "text", "role"} <= set(event)
    assert {"point", "side", "start", "end", "seconds"} <= set(data["holds"][0])


def test_voices_lists_engine_voices() -> None:
    code, out, _ = run("voices", "--engine", "fake", "--json")
    assert code == 0
    ids = [v["id"] for v in json.loads(out)]
    assert "fake/en-us" in ids


def test_fmt_time() -> None:
    assert fmt_time(0) == "0:00.000"
    assert fmt_time(61.2345) == "1:01.234" or fmt_time(61.2345) == "1:01.235"
    assert fmt_time(3600.5) == "60:00.500"


def test_the_parser_is_built_once_and_parsing_leaves_it_as_it_was() -> None:
    """``main`` reuses one parser per process: an ``append`` option given once is not there
    the next time (argparse copies the default list before appending)."""
    from audio_guide.cli import _parser

    assert _parser() is _parser()
    given = _parser().parse_args(["plan", "back_pain", "--points", "mine.yaml"])
    assert given.points == [Path("mine.yaml")]
    assert _parser().parse_args(["plan", "back_pain"]).points == []
