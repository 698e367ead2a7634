"""Hostile input to voice packs (issue 25): a language that is a path, from the studio's take
endpoints, a numbering file or pack.yaml, never reads, writes or deletes outside the pack."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import run
from pack_helpers import burst, write_wav
from test_hostile_practice import snapshot

from audio_guide.sound.packs import find_pack

HOSTILE_LANGS = ["../../../../x", "/tmp/abs", "..", "en/../../x", "xx"]


@pytest.fixture
def sentinel(config: Path) -> tuple[Path, dict[str, str]]:
    """A tree beside the config folder, and its snapshot."""
    outside = config.parent / "outside"
    outside.mkdir()
    (outside / "keep.flac").write_bytes(b"keep")
    return outside, snapshot(config.parent / "outside")


@pytest.mark.parametrize("lang", HOSTILE_LANGS)
def test_take_endpoints_refuse_a_language_that_is_a_path(
    client: Any, config: Path, tmp_path: Path, sentinel: tuple[Path, dict[str, str]], lang: str
) -> None:
    outside, before = sentinel
    client.post("/api/packs", json={"name": "me", "speaker": "A", "language": "en"})
    take = write_wav(tmp_path / "t.wav", burst(0.6, 0.2)).read_bytes()
    url = "/api/packs/me/take"
    params = {"text": "Hello.", "lang": lang}
    put = client.put(url, params=params, content=take, headers={"Content-Type": "audio/wav"})
    assert put.status_code == 400 and "lang" in put.json()["error"], put.text
    assert client.get(url, params=params).status_code == 400
    assert client.delete(url, params=params).status_code == 400
    assert snapshot(outside) == before
    assert not list(config.rglob("*.flac"))


def test_a_numbering_file_with_a_path_for_a_language_writes_nothing_outside(
    config: Path, tiny: str, tmp_path: Path, sentinel: tuple[Path, dict[str, str]]
) -> None:
    outside, before = sentinel
    code, _, err = run("pack", "status", tiny, "--voice", "me", "--numbered")
    assert code == 0, err
    numbering = config / "packs" / "me" / "numbering.yaml"
    data = yaml.safe_load(numbering.read_text())
    data["language"] = "../../../../outside"
    numbering.write_text(yaml.safe_dump(data))
    takes = tmp_path / "takes"
    takes.mkdir()
    write_wav(takes / "1.wav", burst(0.6, 0.2))
    code, _, err = run("pack", "import", "me", str(takes))
    assert code == 2 and "not a plain name" in err and "internal error" not in err, err
    assert snapshot(outside) == before


def test_a_pack_file_with_a_path_for_a_language_is_refused_at_its_line(
    config: Path, tmp_path: Path
) -> None:
    folder = config / "packs" / "me"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "pack.yaml").write_text("name: me\nspeaker: A\nlanguage: ../../x\n")
    with pytest.raises(Exception) as info:
        find_pack("me")
    message = str(info.value)
    assert f"{folder / 'pack.yaml'}:3:11: language: '../../x' is not a plain name" in message


def test_a_pack_name_too_long_for_a_folder_is_bad_input(client: Any, config: Path) -> None:
    name = "p" * 300
    config.mkdir(exist_ok=True)
    code, _, err = run("pack", "import", name, str(config))
    assert code == 2 and "up to 64" in err and "internal error" not in err, err
    res = client.post("/api/packs", json={"name": name, "speaker": "A", "language": "en"})
    assert res.status_code == 400 and "up to 64" in res.json()["error"]
