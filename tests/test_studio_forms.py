"""The routine forms' server side (structured edits on the YAML text), the message catalogues,
build progress as server-sent events, forgetting finished builds, point files and cover."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest
from starlette.testclient import TestClient
from studio_helpers import BACK_PAIN, small, wait_for

from audio_guide.authoring.validate import data_dir, shipped_routines
from audio_guide.settings import Settings
from audio_guide.studio import formedit, messages
from audio_guide.studio.controls import field_docs

CATALOGUES = Path(messages.__file__).parent / "static" / "i18n"


@pytest.mark.parametrize("name", shipped_routines())
def test_an_unchanged_routine_round_trips_to_the_same_text(name: str) -> None:
    text = (data_dir() / f"{name}.yaml").read_text(encoding="utf-8")
    assert formedit.apply(text, [{"op": "set", "path": ["title"], "value": None}]) != text
    assert formedit.apply(text, [{"op": "move", "path": ["steps", 0], "to": 0}]) == text


def test_edits_keep_comments_key_order_and_quoting(client: TestClient) -> None:
    text = "# my notes\ntitle: T   # the title\nsteps:\n  - point: LI4  # hand\n    hold: 30\n"
    edits = [
        {"op": "set", "path": ["steps", 0, "hold"], "value": 20},
        {"op": "insert", "path": ["steps"], "index": 1, "value": {"pause": 5}},
        {"op": "set", "path": ["intro"], "value": ["Sit.", "no"]},
        {"op": "set", "path": ["language"], "value": "en"},
        {"op": "duplicate", "path": ["steps", 0]},
        {"op": "move", "path": ["steps", 2], "to": 0},
        {
            "op": "set",
            "path": ["steps", 1, "cycles"],
            "value": {"press": 4, "release": 2, "times": 3},
        },
        {"op": "set", "path": ["steps", 1, "hold"], "value": None},
    ]
    res = client.post("/api/form", json={"text": text, "edits": edits})
    assert res.status_code == 200, res.text
    assert res.json()["text"] == (
        "# my notes\ntitle: T   # the title\nlanguage: en\nintro:\n"
        '  - "Sit."\n  - "no"\nsteps:\n  - pause: 5\n'
        "  - point: LI4  # hand\n    cycles: {press: 4, release: 2, times: 3}\n"
        "  - point: LI4  # hand\n    hold: 20\n"
    )
    form = res.json()
    assert form["doc"]["steps"][0] == {"pause": 5}
    assert {"path": ["steps", 2, "hold"], "line": 12, "col": 11} in form["positions"]


def test_shipped_routine_edited_through_the_forms_keeps_every_comment(client: TestClient) -> None:
    edit = {"op": "set", "path": ["steps", 0, "hold"], "value": 45}
    new = client.post("/api/form", json={"text": BACK_PAIN, "edits": [edit]}).json()["text"]
    assert new == BACK_PAIN.replace("hold: 60", "hold: 45", 1)
    assert [ln for ln in BACK_PAIN.splitlines() if "#" in ln] == [
        ln for ln in new.splitlines() if "#" in ln
    ]


@pytest.mark.parametrize(
    ("text", "edits", "says"),
    [
        ("title: [", [], "does not parse at 1:"),
        ("- a\n", [], "a routine is a mapping"),
        ("title: T\n", [{"op": "move", "path": ["steps", 0], "to": 1}], "path"),
        ("steps: [{pause: 1}]\n", [{"op": "move", "path": ["steps", 0], "to": 5}], "'move'"),
        ("title: T\n", [{"op": "explode", "path": ["title"]}], "unknown edit"),
        ("title: T\n", [{"op": "set", "path": []}], "non-empty list"),
        ("a: &a [1]\nb: [*a, *a, *a]\n" + "x" * 300_000, [], "too large"),
    ],
)
def test_bad_edits_are_refused_with_a_sentence(
    client: TestClient, text: str, edits: list[object], says: str
) -> None:
    res = client.post("/api/form", json={"text": text, "edits": edits})
    assert res.status_code == 422 and says in res.json()["error"]
    assert res.json()["text"] == text, "the text comes back unchanged"


def test_every_catalogue_has_the_same_keys_and_placeholders() -> None:
    cats = {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in CATALOGUES.glob("*.json")}
    assert sorted(cats) == sorted(messages.LANGUAGES)
    en = cats["en"]
    marks = re.compile(r"\{(\w+)\}")
    for lang, cat in cats.items():
        assert list(cat) == list(en), f"{lang}: keys differ from en"
        for key, text in cat.items():
            assert text.strip(), f"{lang}:{key} is empty"
            assert sorted(marks.findall(text)) == sorted(marks.findall(en[key])), f"{lang}:{key}"
    docs = field_docs(Settings)
    for name, doc in docs.items():
        assert en[f"setting.{name}.help"] == doc, f"setting.{name}.help follows the docstring"


def test_common_problems_come_translated(client: TestClient) -> None:
    bad = (
        "title: Bad\nintro: [no]\nsteps:\n  - point: LI44\n    hold: 1:30\n"
        "  - point: LI4\n    hold: 30\n    sides: both\n  - pause: '10'\n  - nme: y\n"
        "  - point: TE3\n    hold: -5\n"
    )
    body = {"routine": {"ref": None, "text": bad}}
    en = client.post("/api/validate", json=body).json()["problems"]
    es = client.post("/api/validate", json=body, headers={messages.HEADER: "es"}).json()
    assert len(en) == len(es["problems"]) >= 7
    for e, s in zip(en, es["problems"]):
        assert (e["line"], e["col"]) == (s["line"], s["col"])
        assert e["message"] != s["message"], f"not translated: {e['message']}"
    res = client.post("/api/plan", json=small({"rate": "1000"}), headers={messages.HEADER: "de"})
    assert (
        res.json()["fields"]["rate"]
        == "--rate: muss >= 80 und <= 400 Wörter pro Minute sein, ist 1000"
    )
    assert messages.translate("an unforeseen message", "fr") == "an unforeseen message"
    broken = {"text": "title: [", "edits": []}
    res = client.post("/api/form", json=broken, headers={messages.HEADER: "fr"})
    assert res.json()["error"].startswith("le YAML ne se lit pas à 1:")


def test_build_progress_is_pushed_as_events(client: TestClient) -> None:
    job = client.post("/api/builds", json=small()).json()
    seen = []
    with client.stream("GET", f"/api/builds/{job['id']}/events") as res:
        assert res.headers["content-type"].startswith("text/event-stream")
        for line in res.iter_lines():
            if line.startswith("data: "):
                seen.append(json.loads(line[6:]))
    assert seen[-1]["state"] == "done" and seen[-1]["files"]["mp3"].endswith(".mp3")
    assert all(s["state"] in ("queued", "running") for s in seen[:-1])
    assert client.get("/api/builds/nope/events").status_code == 404


def test_finished_builds_are_forgotten(client: TestClient, workspace: object) -> None:
    jobs = client.app.state.jobs  # type: ignore[attr-defined]
    first = wait_for(client, client.post("/api/builds", json=small()).json()["id"])
    (workspace.output / first["files"]["mp3"]).unlink()  # type: ignore[attr-defined]
    assert client.get(f"/api/builds/{first['id']}").status_code == 404, "its MP3 was deleted"
    second = wait_for(client, client.post("/api/builds", json=small()).json()["id"])
    jobs.keep = 0.0
    time.sleep(0.01)
    assert client.get(f"/api/builds/{second['id']}").status_code == 404, "ended long ago"


def test_point_files_and_cover_from_the_routines_folder(
    client: TestClient, workspace: object
) -> None:
    folder: Path = workspace.routines  # type: ignore[attr-defined]
    (folder / "mine.yaml").write_text(
        "points:\n  SHOULDER1:\n    name: the shoulder well\n    location: On the shoulder.\n"
    )
    cover = folder / "cover.png"
    cover.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    files = client.get("/api/files").json()
    assert "mine.yaml" in files["point_files"] and files["images"] == ["cover.png"]
    listed = client.get("/api/points", params={"points": "mine.yaml"}).json()["points"]
    assert any(p["id"] == "SHOULDER1" for p in listed)
    lib = {p["id"]: p for p in client.get("/api/points").json()["points"]}
    assert lib["LI4"]["cautions"] and lib["LI4"]["language"] == "en"
    es = {p["id"]: p for p in client.get("/api/points", params={"lang": "es"}).json()["points"]}
    assert es["LI4"]["language"] == "es" and es["LI4"]["location"] != lib["LI4"]["location"]
    text = "title: T\nsteps:\n  - point: SHOULDER1\n    hold: 5\n"
    routine = {"routine": {"ref": None, "text": text}}
    assert not client.post("/api/validate", json=routine).json()["ok"]
    assert client.post("/api/validate", json={**routine, "points": ["mine.yaml"]}).json()["ok"]
    res = client.post("/api/builds", json=small(cover="nope.png"))
    assert res.status_code == 400 and "cover image" in res.json()["error"]
    res = client.post("/api/builds", json=small(cover="../cover.png"))
    assert res.status_code == 400
    done = wait_for(client, client.post("/api/builds", json=small(cover="cover.png")).json()["id"])
    from mutagen.id3 import ID3

    tags = ID3(str(workspace.output / done["files"]["mp3"]))  # type: ignore[attr-defined]
    assert tags.getall("APIC")[0].data == cover.read_bytes()


def test_point_search_by_code_first_and_words_in_either_language(client: TestClient) -> None:
    def ids(q: str, lang: str = "es") -> list[str]:
        found = client.get("/api/points", params={"lang": lang, "q": q}).json()["points"]
        return [p["id"] for p in found]

    assert {"LI4", "TE3", "SI3"} <= set(ids("mano"))  # the region, in Spanish
    assert {"LI4", "TE3", "SI3"} <= set(ids("MÁNO"))  # case and accents ignored
    assert {"LI4", "TE3", "SI3"} <= set(ids("hand"))  # English words on a Spanish page
    assert ids("LI 4")[0] == "LI4" and ids("li4")[0] == "LI4"
    assert ids("indice")[0] == "LI4"  # its Spanish title, "índice"
    assert ids("nosuchword") == []
    es = {p["id"]: p for p in client.get("/api/points", params={"lang": "es"}).json()["points"]}
    assert es["LI4"]["region_name"] == "mano"
    de = client.get("/api/points", params={"lang": "de", "q": "LI 4"}).json()["points"][0]
    assert de["region_name"] == "Hand"
    regions = {p["region"] for p in es.values() if p["region"]}
    for lang in messages.LANGUAGES:  # every region has a name in every page language
        assert all(f"region.{r}" in messages.catalogue(lang) for r in regions), lang
