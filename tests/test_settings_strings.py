"""The one parser from typed values to a settings layer (flags and studio), and profile writing."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from audio_guide.authoring.config import load_profile, profile_text
from audio_guide.cli import main
from audio_guide.errors import UsageError
from audio_guide.flags import layer_from_strings
from audio_guide.model import Cycles
from audio_guide.settings import CountStyle


def test_strings_become_typed_values() -> None:
    layer = layer_from_strings(
        {
            "rate": "130",
            "pace": "slow",
            "count": "countdown:5",
            "chime": "off",
            "loudness": "off",
            "bed_level": "-24",
            "voice": None,
            "holds": ["b 54=45"],
            "cycles": ["LI4=8/4/5"],
        },
        "studio",
    )
    assert layer.source == "studio"
    assert layer.values == {
        "rate": 130,
        "pace": 1.5,
        "count": CountStyle.parse("countdown:5"),
        "chime": False,
        "loudness": None,
        "bed_level": -24.0,
        "holds": {"B54": 45.0},
        "cycles": {"LI4": Cycles(8.0, 4.0, 5)},
    }


def test_every_problem_is_reported_at_once_with_the_flag_names() -> None:
    with pytest.raises(UsageError) as caught:
        layer_from_strings(
            {"rate": "1000", "bed_level": "0", "chime": "sometimes", "ratte": "1", "holds": ["x"]}
        )
    lines = str(caught.value).splitlines()
    assert lines[0] == "--rate: must be >= 80 and <= 400 words per minute, got 1000"
    assert lines[1].startswith("--bed-level: must be")
    assert lines[2] == "--chime: 'sometimes' is not one of on, off"
    assert lines[3].startswith("unknown setting 'ratte'") and "'rate'" in lines[3]
    assert lines[4].startswith("--hold: 'x' should be POINT=SECONDS")


def test_the_cli_reports_all_bad_flags_and_still_takes_no_chime() -> None:
    err = io.StringIO()
    code = main(
        ["plan", "back_pain", "--engine", "fake", "--rate", "1", "--pitch", "x"], io.StringIO(), err
    )
    assert code == 2
    assert "--rate: must be" in err.getvalue() and "--pitch: 'x' is not a number" in err.getvalue()
    out = io.StringIO()
    assert main(["plan", "back_pain", "--engine", "fake", "--no-chime", "--settings"], out) == 0
    assert "chime" in out.getvalue() and "command line" in out.getvalue()


@pytest.mark.parametrize(
    "strings",
    [
        {"rate": "130", "volume": "0.05", "pitch": "0", "voice": "en-us+f3", "engine": "fake"},
        {"pace": "0.3", "count": "every:5", "find": "0", "gap": "0.1", "sides": "left"},
        {"repeat": "3", "chime": "on", "tick": "5", "bed": "noise", "bed_level": "-6.5"},
        {"loudness": "off", "holds": ["B54=0.5", "B53=600"], "cycles": ["LI4=0.25/1/50"]},
        {"loudness": "-40", "count": "none", "step_pause": "60"},
        {"phrases": ["press=Now: press, {{firmly}}.", "step=Point {n}: {name}."]},
    ],
)
def test_a_written_profile_reads_back_the_same(strings: dict, tmp_path: Path) -> None:
    layer = layer_from_strings(strings)
    path = tmp_path / "p.yaml"
    path.write_text(profile_text(layer.values, "notes: with a colon, and 'quotes'"))
    assert load_profile(path).values == layer.values
