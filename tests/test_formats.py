"""Choosing the audio format (fake engine): ``--format``, ``sound: format:`` in a profile, the
output suffix that must agree, the default name, the studio, and the chapter texts."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from conftest import run
from starlette.testclient import TestClient
from studio_helpers import SMALL, small, wait_for

from audio_guide import runtime
from audio_guide.cli import main
from audio_guide.errors import UsageError
from audio_guide.outputs.export import EXPORTERS, exporter_for
from audio_guide.outputs.m4b import ffmetadata
from audio_guide.outputs.opus import chapter_comments, clock
from audio_guide.settings import CHOICES
from audio_guide.studio.workspace import Workspace
from audio_guide.timeline import Chapter, Timeline


def _routine(tmp_path: Path) -> Path:
    path = tmp_path / "small.yaml"
    path.write_text(SMALL, encoding="utf-8")
    return path


def test_every_format_has_an_exporter_with_its_suffix() -> None:
    assert sorted(EXPORTERS) == sorted(f".{name}" for name in CHOICES["format"])
    for suffix, make in EXPORTERS.items():
        exporter = make()
        assert exporter.suffix == suffix and exporter.name == suffix[1:]


@pytest.mark.parametrize("fmt", ["m4b", "opus"])
def test_format_flag_writes_that_format_with_its_captions(tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"a.{fmt}"
    code, _, err = run("build", str(_routine(tmp_path)), "--engine", "fake", "--format",
                       fmt, "-o", str(out), "--captions", "vtt")  # fmt: skip
    assert code == 0, err
    head = out.read_bytes()[:64]
    assert (b"ftyp" in head) if fmt == "m4b" else head.startswith(b"OggS") and b"OpusHead" in head
    assert (tmp_path / "a.vtt").is_file()
    timeline = json.loads((tmp_path / "a.timeline.json").read_text(encoding="utf-8"))
    assert timeline["settings"]["format"] == fmt
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["small.yaml", f"a.{fmt}", "a.vtt", "a.timeline.json"]
    ), "no temporary file left"


def test_a_suffix_that_disagrees_with_the_format_is_refused(tmp_path: Path) -> None:
    code, _, err = run("build", str(_routine(tmp_path)), "--engine", "fake", "--format", "m4b",
                       "-o", str(tmp_path / "a.mp3"))  # fmt: skip
    assert code == 2
    assert "does not end in .m4b, the format m4b set by the command line; name it a.m4b" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["small.yaml"]


def test_a_profile_chooses_the_format_and_is_named_when_the_suffix_disagrees(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    profile = tmp_path / "client.yaml"
    profile.write_text("sound:\n  format: opus\n", encoding="utf-8")
    routine = _routine(tmp_path)
    monkeypatch.chdir(tmp_path)
    code, _, err = run("build", str(routine), "--engine", "fake", "--profile", str(profile))
    assert code == 0, err
    assert (tmp_path / "output" / "small.opus").is_file(), "default name takes the format"
    code, _, err = run("build", str(routine), "--engine", "fake", "--profile", str(profile),
                       "-o", "x.m4b")  # fmt: skip
    assert code == 2
    where = f"audio-guide: {profile}:2:11: "
    assert err.startswith(where + "the output x.m4b does not end in .opus"), err
    assert "format opus set here; name it x.opus or set the format m4b" in err


def test_an_unknown_format_is_refused_in_a_profile_and_on_the_command_line(
    tmp_path: Path,
) -> None:
    profile = tmp_path / "client.yaml"
    profile.write_text("sound:\n  format: ogg\n", encoding="utf-8")
    code, _, err = run("check", str(profile))
    assert code == 2 and f"{profile}:2:11" in err and "mp3" in err
    code, _, err = run("build", "back_pain", "--engine", "fake", "--format", "aac")
    assert code == 2 and "--format" in err and "'aac' is not one of mp3, m4b, opus, wav" in err


def test_without_a_format_the_suffix_chooses(tmp_path: Path) -> None:
    out = tmp_path / "a.wav"
    code, _, err = run("build", str(_routine(tmp_path)), "--engine", "fake", "-o", str(out))
    assert code == 0, err
    timeline = json.loads((tmp_path / "a.timeline.json").read_text(encoding="utf-8"))
    assert timeline["settings"]["format"] == "wav"
    code, _, err = run("build", str(_routine(tmp_path)), "--engine", "fake", "-o",
                       str(tmp_path / "a.ogg"))  # fmt: skip
    assert code == 1 and "cannot write '.ogg' files" in err


def test_a_wav_cannot_hold_a_cover(tmp_path: Path) -> None:
    cover = tmp_path / "c.png"
    cover.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(20))
    code, _, err = run("build", str(_routine(tmp_path)), "--engine", "fake", "-o",
                       str(tmp_path / "a.wav"), "--cover", str(cover))  # fmt: skip
    assert code == 2 and "--cover needs an .mp3, .m4b or .opus output" in err


@pytest.mark.parametrize("fmt", ["m4b", "opus"])
def test_a_failed_encode_leaves_no_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    monkeypatch.setenv("AUDIO_GUIDE_FFMPEG", "/bin/false")
    runtime.ffmpeg_exe.cache_clear()
    try:
        err = io.StringIO()
        code = main(["build", str(_routine(tmp_path)), "--engine", "fake", "--format", fmt,
                     "-o", str(tmp_path / f"x.{fmt}")], out=io.StringIO(), err=err)  # fmt: skip
    finally:
        runtime.ffmpeg_exe.cache_clear()
    assert code == 1 and f"ffmpeg could not encode the {fmt.upper()}" in err.getvalue().replace(
        "Opus file", "OPUS"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["small.yaml"]


def _timeline(*chapters: tuple[str, float, float]) -> Timeline:
    return Timeline(
        title="T",
        duration=4000.0,
        sample_rate=22050,
        events=(),
        holds=(),
        chapters=tuple(Chapter(title, start, end) for title, start, end in chapters),
    )


def test_chapter_texts_keep_the_milliseconds_and_escape_what_they_must() -> None:
    tl = _timeline(("Intro", 0.0, 37.905), ("a=b; #c\\d", 37.905, 3725.0004))
    assert clock(37.905) == "00:00:37.905" and clock(3725.0004) == "01:02:05.000"
    assert clock(59.9996) == "00:01:00.000"
    assert chapter_comments(tl) == [
        ("CHAPTER001", "00:00:00.000"),
        ("CHAPTER001NAME", "Intro"),
        ("CHAPTER002", "00:00:37.905"),
        ("CHAPTER002NAME", "a=b; #c\\d"),
    ]
    text = ffmetadata(tl)
    assert text.startswith(";FFMETADATA1\n")
    assert "START=37905\nEND=3725000\ntitle=a\\=b\\; \\#c\\\\d\n" in text


def test_exporter_for_checks_the_suffix_against_the_format() -> None:
    assert exporter_for(Path("a.M4B"), "m4b").name == "m4b"
    with pytest.raises(UsageError, match=r"does not end in \.opus"):
        exporter_for(Path("a.mp3"), "opus")


def test_the_studio_builds_the_chosen_format(client: TestClient, workspace: Workspace) -> None:
    controls = {c["name"]: c for c in client.get("/api/controls").json()["controls"]}
    assert controls["format"]["kind"] == "choice" and "m4b" in controls["format"]["choices"]
    job = wait_for(client, client.post("/api/builds", json=small({"format": "m4b"})).json()["id"])
    assert job["state"] == "done", job["error"]
    files: dict[str, Any] = job["files"]
    assert files["audio"].endswith(".m4b") and files["format"] == "m4b"
    served = client.get(f"/files/{files['audio']}")
    assert served.status_code == 200 and served.headers["content-type"] == "audio/mp4"
    assert (workspace.output / files["vtt"]).is_file()


def test_an_ffmpeg_without_the_encoder_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = tmp_path / "ffmpeg"
    fake.write_text("#!/bin/sh\necho \"Unknown encoder 'libopus'\" >&2\nexit 1\n")
    fake.chmod(0o755)
    monkeypatch.setenv("AUDIO_GUIDE_FFMPEG", str(fake))
    runtime.ffmpeg_exe.cache_clear()
    try:
        code, _, err = run("build", str(_routine(tmp_path)), "--engine", "fake", "--format",
                           "opus", "-o", str(tmp_path / "x.opus"))  # fmt: skip
    finally:
        runtime.ffmpeg_exe.cache_clear()
    assert code == 1
    assert "(Unknown encoder 'libopus'); this ffmpeg lacks an encoder" in err
    assert not (tmp_path / "x.opus").exists()


def test_a_client_gets_each_of_its_formats(tmp_path: Path) -> None:
    """A practice client with ``formats: [m4b, opus]`` gets both tracks, each timeline naming
    its own format, the feed's enclosure the first with its media type."""
    import feedparser
    from practice_helpers import client_text, make_practice, tokens

    root = make_practice(tmp_path / "p", clients=1)
    (root / "clients" / "c0.yaml").write_text(client_text(0, formats="[m4b, opus]"))
    code, _, err = run("batch", str(root), "--jobs", "1")
    assert code == 0, err
    site = root / "site" / tokens(root)["c0"]
    for name in ("r1", "r2"):
        for fmt in ("m4b", "opus"):
            assert (site / f"{name}.{fmt}").is_file()
        timeline = json.loads((site / f"{name}.timeline.json").read_text(encoding="utf-8"))
        assert timeline["settings"]["format"] in ("m4b", "opus")
    feed = feedparser.parse(str(site / "feed.xml"))
    enclosures = [e.enclosures[0] for e in feed.entries]
    assert {e.type for e in enclosures} == {"audio/mp4"}
    assert all(e.href.endswith(".m4b") for e in enclosures)
