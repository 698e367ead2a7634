"""A practice of 6 clients x 2 routines (fake engine): batch builds what changed and nothing else,
delivers private folders with a podcast feed, and refuses bad client files at their position."""

from __future__ import annotations

import json
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import feedparser
import jsonschema
import pytest
import yaml
from conftest import run
from practice_helpers import POINTS, client_text, make_practice, manifest, tokens

from audio_guide.authoring import schema
from audio_guide.authoring.clients import CLIENT_KEYS
from audio_guide.authoring.config import PROFILE_KEYS


def batch(root: Path, *argv: str) -> tuple[int, str, str]:
    return run("batch", str(root), "--jobs", "1", *argv)


def built(err: str) -> list[str]:
    """Track keys a batch reported built."""
    return sorted(re.findall(r"\] (\S+) built in", err))


@pytest.fixture(scope="module")
def first(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, str]:
    """The practice after its first batch (copied by each test that changes it)."""
    root = make_practice(tmp_path_factory.mktemp("practice") / "p")
    code, out, err = batch(root, "--base-url", "https://example.org/care")
    assert code == 0, err
    return root, out, err


def copy(first: tuple[Path, str, str], tmp_path: Path) -> Path:
    root = tmp_path / "p"
    shutil.copytree(first[0], root)
    return root


def test_first_batch_builds_12_then_nothing(first: tuple[Path, str, str]) -> None:
    root, out, err = first
    assert len(built(err)) == 12 and "[12/12]" in err and "left" in err
    assert "built 12 of 12" in out
    code, out, _ = batch(root, "--base-url", "https://example.org/care")
    assert code == 0 and out == "nothing to build: all 12 tracks are up to date\n"


def test_changes_rebuild_exactly_the_tracks_they_reach(
    first: tuple[Path, str, str], tmp_path: Path
) -> None:
    root = copy(first, tmp_path)
    before = manifest(root)
    (root / "clients" / "c2.yaml").write_text(client_text(2, pacing="{find: 4}"))
    code, out, _ = batch(root, "--dry-run")
    assert code == 0 and out.count("would build") == 2 and "2 of 12 tracks out of date" in out
    assert "would build c2/r1.mp3: changed: what is said or when" in out
    assert "clients/c2.yaml" in out
    code, _, err = batch(root)
    assert code == 0 and built(err) == ["c2/r1.mp3", "c2/r2.mp3"]

    # the point only r1 speaks, and only where no client file brings its own (c5 does)
    points = POINTS.replace("On top of", "On the top of")
    (root / "points" / "extra.yaml").write_text(points)
    code, _, err = batch(root)
    assert code == 0 and built(err) == [f"c{i}/r1.mp3" for i in range(5)]
    # a point no routine speaks, a comment, a client's notes and feed title: no sound changes
    (root / "points" / "extra.yaml").write_text(
        "# a comment\n" + points.replace("Nowhere in", "Nowhere at all in")
    )
    (root / "clients" / "c3.yaml").write_text(client_text(3, notes="Likes it slow.", title="New"))
    code, out, _ = batch(root)
    assert code == 0 and "nothing to build" in out
    after = manifest(root)
    assert after["c3/r2.mp3"]["date"] == before["c3/r2.mp3"]["date"]
    feed = feedparser.parse(str(root / "site" / tokens(root)["c3"] / "feed.xml"))
    assert feed.feed.title == "New"


def test_same_sound_keeps_its_date_and_guid(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import audio_guide

    root = make_practice(tmp_path / "p", clients=1)
    assert batch(root)[0] == 0
    site = root / "site" / tokens(root)["c0"]
    guids = [e.id for e in feedparser.parse(str(site / "feed.xml")).entries]
    before = manifest(root)
    monkeypatch.setattr(audio_guide, "__version__", "99.0")
    code, out, err = batch(root, "--dry-run")
    assert out.count("changed: audio-guide's version") == 2
    code, _, err = batch(root)
    assert code == 0 and len(built(err)) == 2
    after = manifest(root)
    assert all(after[k]["audio"] == before[k]["audio"] for k in before), "same sound"
    assert all(after[k]["date"] == before[k]["date"] for k in before), "same sound, same date"
    assert [e.id for e in feedparser.parse(str(site / "feed.xml")).entries] == guids


def test_bad_client_is_refused_at_its_position_while_the_others_build(tmp_path: Path) -> None:
    root = make_practice(tmp_path / "p")
    (root / "clients" / "c3.yaml").write_text(
        "routines: [r1, r3]\nvoice: {engine: fake, rate: fast}\n"
    )
    code, out, err = batch(root)
    assert code == 2
    assert f"{root}/clients/c3.yaml:1:16: routines: no routine 'r3'" in err
    assert f"{root}/clients/c3.yaml:2:29: voice.rate must be a number" in err
    assert len(built(err)) == 10 and "built 10 of 10" in out
    assert not (root / "site" / "c3").exists() and "c3" not in tokens(root)


def test_a_failing_track_does_not_stop_the_others_and_leaves_nothing(tmp_path: Path) -> None:
    root = make_practice(tmp_path / "p", clients=3)
    (root / "bad.ogg").write_bytes(b"\x00not audio" * 300)
    (root / "clients" / "c1.yaml").write_text(client_text(1, sound="{bed: ../bad.ogg}"))
    code, _, err = batch(root)
    assert code == 2, err
    assert "c1/r1.mp3 FAILED" in err and "c1/r2.mp3 FAILED" in err
    assert "cannot use" in err.split("these tracks were not built:")[1]
    assert built(err) == ["c0/r1.mp3", "c0/r2.mp3", "c2/r1.mp3", "c2/r2.mp3"]
    folder = root / "site" / tokens(root)["c1"]
    assert not list(folder.glob("*.mp3")) and not list(root.rglob("*.part"))
    assert feedparser.parse(str(folder / "feed.xml")).entries == []


def test_folders_are_private_and_revoke_moves_them(
    first: tuple[Path, str, str], tmp_path: Path
) -> None:
    root = copy(first, tmp_path)
    names = tokens(root)
    folders = {c: root / "site" / t for c, t in names.items()}
    assert sorted(p.name for p in (root / "site").iterdir()) == sorted(names.values())
    for client, folder in folders.items():
        files = sorted(p.name for p in folder.iterdir())
        assert files == sorted(
            ["feed.xml", "index.html"]
            + [f"r{n}.{ext}" for n in (1, 2) for ext in ("mp3", "vtt", "chapters.json")]
            + [f"r{n}.timeline.json" for n in (1, 2)]
            + ["r2.point-LI4.png"]  # r1's own point MYPT has no picture
            + [f"r{n}.handout.html" for n in (1, 2)]
        )
        text = b"".join(p.read_bytes() for p in folder.iterdir())
        for other, token in names.items():
            if other != client:
                assert token.encode() not in text and f"Feed {other[1]}".encode() not in text
        assert client.encode() not in b"".join(p.name.encode() for p in folder.iterdir())
    inodes = [p.stat().st_ino for f in folders.values() for p in f.iterdir()]
    assert len(inodes) == len(set(inodes))

    code, out, _ = run("practice", "revoke", "c4", "--dir", str(root))
    assert code == 0 and tokens(root)["c4"] != names["c4"] and tokens(root)["c4"] in out
    assert folders["c4"].is_dir(), "gone only after the next batch"
    code, out, _ = batch(root, "--base-url", "https://example.org/care")
    assert code == 0 and "nothing to build" in out
    assert not folders["c4"].exists()
    new = root / "site" / tokens(root)["c4"]
    feed = feedparser.parse(str(new / "feed.xml"))
    assert feed.entries[0].enclosures[0].href == f"https://example.org/care/{new.name}/r1.mp3"
    assert run("practice", "revoke", "nobody", "--dir", str(root))[0] == 2
    (root / "clients" / "c5.yaml").unlink()
    code, out, _ = batch(root)
    assert code == 0 and "all 10 tracks are up to date" in out
    assert not folders["c5"].exists() and "c5" not in tokens(root)
    assert not (root / "state" / "tracks" / "c5.json").exists() and len(manifest(root)) == 10


def test_feed_carries_what_a_podcast_app_needs(first: tuple[Path, str, str]) -> None:
    root = first[0]
    token = tokens(root)["c0"]
    folder = root / "site" / token
    feed = feedparser.parse(str(folder / "feed.xml"))
    assert not feed.bozo and feed.version == "rss20" and feed.feed.title == "Feed 0"
    assert [e.title for e in feed.entries] == ["The shoulder", "The hand"]
    base = f"https://example.org/care/{token}"
    for entry, name in zip(feed.entries, ("r1", "r2")):
        timeline = json.loads((folder / f"{name}.timeline.json").read_text())
        h, m, s = (int(x) for x in entry.itunes_duration.split(":"))
        assert h * 3600 + m * 60 + s == round(timeline["duration"])
        (enclosure,) = entry.enclosures
        assert enclosure.type == "audio/mpeg" and enclosure.href == f"{base}/{name}.mp3"
        assert int(enclosure.length) == (folder / f"{name}.mp3").stat().st_size
        assert entry.podcast_chapters["url"] == f"{base}/{name}.chapters.json"
        assert entry.podcast_chapters["type"] == "application/json+chapters"
        assert entry.podcast_transcript["url"] == f"{base}/{name}.vtt"
        assert entry.podcast_transcript["type"] == "text/vtt"
        chapters = json.loads((folder / f"{name}.chapters.json").read_text())["chapters"]
        assert [(c["startTime"], c["title"]) for c in chapters] == [
            (round(c["start"], 3), c["title"]) for c in timeline["chapters"]
        ]
        assert (folder / f"{name}.vtt").read_text().startswith("WEBVTT")
    guids = [e.id for e in feed.entries]
    assert len(set(guids)) == 2
    other = feedparser.parse(str(root / "site" / tokens(root)["c1"] / "feed.xml"))
    assert not set(guids) & {e.id for e in other.entries}
    xml = ET.parse(folder / "feed.xml").getroot()
    assert xml.find("channel/{https://podcastindex.org/namespace/1.0}guid") is not None
    page = (folder / "index.html").read_text()
    assert 'src="./r1.mp3"' in page and "http" not in page.replace("https://example", "")


def test_clients_are_checked_like_profiles(tmp_path: Path) -> None:
    root = tmp_path / "ex"
    code, out, _ = run("practice", "init", str(root))
    assert code == 0 and "audio-guide batch" in out
    assert run("practice", "init", str(root))[0] == 2, "never overwrites"
    clients = sorted((root / "clients").glob("*.yaml"))
    assert len(clients) >= 3
    files = [*clients, *(root / "routines").glob("*.yaml"), *(root / "points").glob("*.yaml")]
    code, out, err = run("check", *map(str, files))
    assert code == 0, err
    assert out.count("ok (client)") == len(clients)
    client_schema = json.loads(schema.shipped("client"))
    assert set(client_schema["properties"]) == {*CLIENT_KEYS, *PROFILE_KEYS}
    validator = jsonschema.Draft202012Validator(client_schema)
    for path in clients:
        assert list(validator.iter_errors(yaml.safe_load(path.read_text()))) == []
    assert list(validator.iter_errors({"routines": ["a"], "formats": ["wav"]}))
    bad = root / "clients" / "bad.yaml"
    bad.write_text("routines: [hands]\nformats: [mp3, flac]\nvoice:\n  rate: 1:30\n")
    code, _, err = run("check", str(bad))
    assert code == 2
    assert f"{bad}:2:16: formats: 'flac' is not one of" in err
    assert f"{bad}:4:9: voice.rate: '1:30' is read by YAML as a base-60 number" in err
    assert run("schema", "client")[1] == schema.shipped("client")
    code, out, _ = run("batch", str(root), "--dry-run")
    assert code == 2 and "would build ana/hands.mp3: new track" in out


@pytest.mark.real
def test_example_practice_builds_with_the_default_engine(tmp_path: Path) -> None:
    """``practice init`` then ``batch`` on espeak-ng, two spawned processes at a time."""
    root = tmp_path / "ex"
    assert run("practice", "init", str(root))[0] == 0
    code, out, err = run("batch", str(root), "--jobs", "2")
    assert code == 0, err
    assert "built 5 of 5" in out and "2 at a time" in err
    names = tokens(root)
    assert sorted(names) == ["ana", "ben", "carla"]
    for client, token in names.items():
        feed = feedparser.parse(str(root / "site" / token / "feed.xml"))
        assert len(feed.entries) == (1 if client == "ben" else 2)
        for entry in feed.entries:
            timeline = json.loads(
                (
                    root
                    / "site"
                    / token
                    / entry.enclosures[0].href.replace(".mp3", ".timeline.json")
                ).read_text()
            )
            assert timeline["settings"]["engine"] == "pyttsx3" and timeline["duration"] > 60
    assert run("batch", str(root), "--jobs", "2")[1].startswith("nothing to build")
