"""Hostile input to a practice (issue 25): names that would leave the folder, state files that
lie, control characters, names too long for a file system, a lost tokens.json.

Every case ends in exit 2 with ``FILE:LINE:COL`` or one sentence naming the file and what to
do, and a sentinel tree around the practice is byte-for-byte untouched.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import run
from practice_helpers import make_practice, tokens


def snapshot(root: Path) -> dict[str, str]:
    """Every file under ``root`` (links not followed) with a hash of its bytes."""
    out = {}
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            out[str(path.relative_to(root))] = hashlib.sha256(path.read_bytes()).hexdigest()
        elif path.is_dir():
            out[str(path.relative_to(root)) + "/"] = "dir"
    return out


@pytest.fixture
def world(tmp_path: Path) -> tuple[Path, Path]:
    """A sentinel tree ``outside/`` (with files a bad name would read, write or delete) beside
    a practice ``zed/`` of 2 clients on the fake engine."""
    outside = tmp_path / "outside"
    (outside / "routines").mkdir(parents=True)
    (outside / "evil.yaml").write_text("title: evil\nsteps:\n  - point: LI4\n    hold: 3\n")
    (outside / "evil.mp3").write_bytes(b"not yours")
    (outside / "file.mp3").write_bytes(b"keep me")
    (outside / "somewhere").mkdir()
    (outside / "somewhere" / "x.txt").write_text("keep")
    practice = make_practice(tmp_path / "zed", clients=2)
    return practice, outside


def batch(root: Path, *argv: str) -> tuple[int, str, str]:
    return run("batch", str(root), "--jobs", "1", *argv)


def unchanged(outside: Path, before: dict[str, str]) -> None:
    assert snapshot(outside) == before, "something outside the practice changed"


@pytest.mark.parametrize(
    "name",
    ["../../outside/evil", "/abs/outside/evil", "..", ".hidden", "a:b", "javascript:alert(1)"],
)
def test_a_routine_name_that_leaves_the_folder_is_refused(
    world: tuple[Path, Path], name: str
) -> None:
    practice, outside = world
    before = snapshot(outside)
    client = practice / "clients" / "c0.yaml"
    client.write_text(f"routines: [r1, {json.dumps(name)}]\nvoice: {{engine: fake}}\n")
    code, out, err = run("check", str(client))
    assert code == 2
    assert f"{client}:1:" in err and "not a plain name" in err, err
    code, out, err = batch(practice)
    assert code == 2 and f"{client}:1:" in err
    assert "evil" not in out
    unchanged(outside, before)


def test_a_routine_reached_through_a_link_is_refused(world: tuple[Path, Path]) -> None:
    practice, outside = world
    before = snapshot(outside)
    (practice / "routines" / "evil.yaml").symlink_to(outside / "evil.yaml")
    client = practice / "clients" / "c0.yaml"
    client.write_text("routines: [evil]\nvoice: {engine: fake}\n")
    code, _, err = run("check", str(client))
    assert code == 2 and "leads outside" in err and f"{client}:1:" in err
    unchanged(outside, before)


def test_a_control_character_in_a_title_is_refused_at_check_time(tmp_path: Path) -> None:
    practice = make_practice(tmp_path / "p", clients=1)
    client = practice / "clients" / "c0.yaml"
    client.write_text('title: "a\\eb"\nroutines: [r1]\nvoice: {engine: fake}\n')
    code, _, err = run("check", str(client))
    assert code == 2
    assert f"{client}:1:8: title contains a control character (U+001B)" in err
    routine = practice / "routines" / "r1.yaml"
    routine.write_text('title: "x\\x00y"\nsteps:\n  - point: LI4\n    hold: 3\n')
    code, _, err = run("check", str(routine))
    assert code == 2 and f"{routine}:1:8:" in err and "U+0000" in err


def test_a_client_name_too_long_for_the_file_system_is_bad_input(tmp_path: Path) -> None:
    practice = make_practice(tmp_path / "p", clients=1)
    long = practice / "clients" / ("c" * 240 + ".yaml")
    long.write_text("routines: [r1]\nvoice: {engine: fake}\n")
    code, _, err = run("check", str(long))
    assert code == 2 and "the limit is 200" in err and "internal error" not in err


def good_practice(tmp_path: Path) -> Path:
    practice = make_practice(tmp_path / "zed", clients=2)
    code, _, err = batch(practice)
    assert code == 0, err
    return practice


LIES: list[tuple[str, Callable[[Path], None]]] = [
    ("folder", lambda p: _edit_tracks(p, lambda d: d.update(folder="../../outside/somewhere"))),
    ("key", lambda p: _edit_tracks(p, lambda d: d["tracks"].update({"c0/../../../file.mp3": {}}))),
    ("list", lambda p: (p / "state/tracks/c0.json").write_text("[1, 2]")),
    ("date", lambda p: _edit_tracks(p, lambda d: next(iter(d["tracks"].values())).update(date=7))),
    ("token", lambda p: _edit_tokens(p, lambda d: d["c0"].update(token="../../outside/x"))),
    ("int token", lambda p: _edit_tokens(p, lambda d: d["c0"].update(token=5))),
    ("null entry", lambda p: _edit_tokens(p, lambda d: d.update(c0=None))),
    ("string entry", lambda p: _edit_tokens(p, lambda d: d.update(c0="x"))),
    ("bad name", lambda p: _edit_tokens(p, lambda d: d.update({"../x": d["c0"]}))),
    ("truncated", lambda p: (p / "state/tokens.json").write_text('{"c0": {"tok')),
]


def _edit_tracks(practice: Path, change: Callable[[dict], object]) -> None:  # type: ignore[type-arg]
    path = practice / "state" / "tracks" / "c0.json"
    data = json.loads(path.read_text())
    change(data)
    path.write_text(json.dumps(data))


def _edit_tokens(practice: Path, change: Callable[[dict], object]) -> None:  # type: ignore[type-arg]
    path = practice / "state" / "tokens.json"
    data = json.loads(path.read_text())
    change(data)
    path.write_text(json.dumps(data))


def test_state_files_that_lie_are_refused_never_trusted(tmp_path: Path) -> None:
    practice = good_practice(tmp_path)
    outside = tmp_path / "outside"
    (outside / "somewhere").mkdir(parents=True)
    (outside / "somewhere" / "x.txt").write_text("keep")
    (outside / "file.mp3").write_bytes(b"keep me")
    state = {p: p.read_bytes() for p in (practice / "state").rglob("*.json")}
    for what, lie in LIES:
        lie(practice)
        before = snapshot(outside)
        site = snapshot(practice / "site")
        commands = [("batch", str(practice))]
        if "token" in what or "entry" in what or what in ("bad name", "truncated"):
            commands.append(("practice", "revoke", "c0", "--dir", str(practice)))  # tokens.json
        for argv in commands:
            code, _, err = run(*argv)
            assert code == 2, (what, argv, err)
            assert "restore" in err and "internal error" not in err, (what, err)
            assert "state/" in err, (what, err)
        unchanged(outside, before)
        assert snapshot(practice / "site") == site, what
        for path, data in state.items():  # put it back for the next lie
            path.write_bytes(data)


def test_a_lost_tokens_file_keeps_every_address(tmp_path: Path) -> None:
    practice = good_practice(tmp_path)
    before = tokens(practice)
    feeds = json.loads((practice / "state" / "tokens.json").read_text())
    feed_xml = {c: (practice / "site" / t / "feed.xml").read_text() for c, t in before.items()}
    (practice / "state" / "tokens.json").unlink()
    code, _, err = batch(practice)
    assert code == 0, err
    assert json.loads((practice / "state" / "tokens.json").read_text()) == feeds
    for client, token in before.items():
        assert (practice / "site" / token / "feed.xml").read_text() == feed_xml[client]


def test_a_lost_tokens_file_without_feed_records_asks_for_new_tokens(tmp_path: Path) -> None:
    practice = good_practice(tmp_path)
    for path in (practice / "state" / "tracks").glob("*.json"):  # a record from before feeds
        data = json.loads(path.read_text())
        data.pop("feed")
        path.write_text(json.dumps(data))
    (practice / "state" / "tokens.json").unlink()
    code, _, err = batch(practice)
    assert code == 2 and "--new-tokens" in err and "change" in err
    assert not (practice / "state" / "tokens.json").exists()
    old = set(os.listdir(practice / "site"))
    code, _, err = batch(practice, "--new-tokens")
    assert code == 0, err
    assert set(tokens(practice).values()).isdisjoint(old)


@pytest.mark.parametrize("client", ["c" * 300, "../c0", "/etc/passwd"])
def test_revoke_and_init_refuse_names_a_file_system_cannot_hold(
    tmp_path: Path, client: str
) -> None:
    practice = make_practice(tmp_path / "zed", clients=1)
    code, _, err = run("practice", "revoke", client, "--dir", str(practice))
    assert code == 2 and "internal error" not in err and "disk" not in err, err
    code, _, err = run("practice", "init", str(tmp_path / ("d" * 300)))
    assert code == 2 and "the limit is 200" in err, err


def test_published_files_carry_no_path_and_no_markup(tmp_path: Path) -> None:
    import numpy as np
    from pack_helpers import write_wav

    practice = make_practice(tmp_path / "zed", clients=1)
    write_wav(practice / "clients" / "own" / "rain.wav", np.full(22050, 0.01), 22050)
    (practice / "routines" / "r1.yaml").write_text(
        'title: "<svg onload=alert(1)> & co"\n'
        'intro: ["<b>Sit</b> & breathe --> now."]\n'
        "steps:\n  - point: LI4\n    hold: 3\n"
    )
    client = practice / "clients" / "c0.yaml"
    client.write_text(
        "routines: [r1]\nvoice: {engine: fake}\nsound: {bed: own/rain.wav, loudness: off}\n"
    )
    code, _, err = batch(practice)
    assert code == 0, err
    (folder,) = (practice / "site").iterdir()
    timeline = (folder / "r1.timeline.json").read_text()
    assert str(tmp_path) not in timeline and "rain.wav" in timeline
    assert json.loads(timeline)["settings"]["bed_sha256"]
    captions = (folder / "r1.vtt").read_text()
    assert "&lt;b&gt;Sit&lt;/b&gt; &amp; breathe --&gt; now." in captions and "<b>" not in captions
    page = (folder / "index.html").read_text()
    assert "<svg" not in page and "&lt;svg onload=alert(1)&gt;" in page
    assert 'href="./r1.mp3"' in page
    for published in folder.iterdir():
        assert str(tmp_path) not in published.read_bytes().decode("utf-8", "replace"), published


def test_control_characters_are_unicodes_cc_and_cs_and_the_two_noncharacters() -> None:
    """``control_character`` agrees with ``unicodedata`` on every code point (it is a regex)."""
    import unicodedata

    from audio_guide.safename import control_character

    for cp in range(0x110000):
        c = chr(cp)
        bad = unicodedata.category(c) in ("Cc", "Cs") or c in "\ufffe\uffff"
        assert control_character(f"a{c}b") == (f"U+{cp:04X}" if bad else None), hex(cp)
