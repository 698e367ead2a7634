"""The studio's endpoints over HTTP (Starlette's test client), good input and bad, fake engine."""

from __future__ import annotations

import io
import json
import wave
from pathlib import Path

import pytest
from starlette.testclient import TestClient
from studio_helpers import BACK_PAIN, body, small

from audio_guide.cli import main
from audio_guide.flags import setting_names
from audio_guide.settings import RANGES
from audio_guide.sound.engines import get_engine
from audio_guide.studio.app import create_app
from audio_guide.studio.controls import describe
from audio_guide.studio.workspace import Workspace


def cli_timeline(*argv: str) -> dict:
    out, err = io.StringIO(), io.StringIO()
    assert main(["plan", "back_pain", "--json", *argv], out=out, err=err) == 0, err.getvalue()
    return json.loads(out.getvalue())


def test_page_and_assets_are_served_and_offline(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200 and 'type="module" src="/static/main.js"' in page.text
    static = Path(create_app.__code__.co_filename).parent / "static"
    modules = sorted(p.name for p in static.glob("*.js"))
    assert {"main.js", "core.js", "form.js", "steps.js", "i18n.js"} <= set(modules)
    for asset in (*modules, "studio.css", "i18n/es.json"):
        res = client.get(f"/static/{asset}")
        assert res.status_code == 200
        assert "http://" not in res.text and "https://" not in res.text, "no CDN, no remote asset"
    assert "https://" not in page.text
    assert client.get("/static/nothing.js").status_code == 404
    assert client.get("/static/%2e%2e/app.py").status_code == 404


def test_controls_describe_every_setting_with_the_cli_ranges(client: TestClient) -> None:
    controls = {c["name"]: c for c in client.get("/api/controls").json()["controls"]}
    assert sorted(controls) == sorted(setting_names())
    for name, (low, high, inclusive, integer, unit) in RANGES.items():
        if name in controls:
            c = controls[name]
            assert (c["kind"], c["min"], c["max"], c["integer"], c["unit"]) == (
                "number",
                low,
                high,
                integer,
                unit,
            )
            assert c["min_inclusive"] is inclusive
    assert controls["sides"]["choices"] == ["both", "left", "right"]
    assert "fake" not in controls["engine"]["choices"], "the test engine is hidden from users"
    assert "pyttsx3" in controls["engine"]["choices"]
    debug = {c["name"]: c for c in describe(debug=True)}
    assert "fake" in debug["engine"]["choices"], "listed when the studio runs with --debug"
    assert controls["pace"]["words"] == ["slow", "normal", "brisk"]
    assert controls["chime"]["kind"] == "switch"
    assert controls["holds"]["kind"] == controls["cycles"]["kind"] == "per_point"
    assert controls["rate"]["help"].startswith("Words per minute")
    phrases = {item["key"]: item for item in controls["phrases"]["items"]}
    assert controls["phrases"]["kind"] == "per_key" and controls["phrases"]["flag"] == "--phrase"
    assert phrases["press"]["default"] == "Press." and phrases["step"]["placeholders"] == [
        "n",
        "total",
        "name",
    ]
    assert controls["bed_level"]["flag"] == "--bed-level"


def test_routines_are_listed_read_and_saved(client: TestClient, workspace: Workspace) -> None:
    (workspace.routines / "mine.yaml").write_text(BACK_PAIN)
    refs = [r["ref"] for r in client.get("/api/routines").json()["routines"]]
    assert "shipped:back_pain" in refs and "folder:mine.yaml" in refs
    assert (
        client.get("/api/routine", params={"ref": "shipped:back_pain"}).json()["text"] == BACK_PAIN
    )
    saved = client.put("/api/routines/new one.yaml", content=BACK_PAIN.encode())
    assert saved.status_code == 201 and saved.json()["ok"] is True
    assert (workspace.routines / "new one.yaml").read_text() == BACK_PAIN
    bad = client.put("/api/routines/broken.yaml", content=b"title: [")
    assert bad.status_code == 201 and bad.json()["problems"][0]["line"] == 1
    binary = client.put("/api/routines/latin1.yaml", content="title: café".encode("latin-1"))
    assert binary.status_code == 400 and "UTF-8" in binary.json()["error"]


@pytest.mark.parametrize(
    ("ref", "status"),
    [
        ("../../etc/passwd", 400),
        ("folder:../outside.yaml", 400),
        ("folder:/etc/passwd", 400),
        ("folder:notes.txt", 400),
        ("folder:missing.yaml", 404),
        ("shipped:nope", 404),
        ("shipped:points", 404),
        ("", 400),
    ],
)
def test_routine_refs_stay_inside_their_folders(client: TestClient, ref: str, status: int) -> None:
    res = client.get("/api/routine", params={"ref": ref})
    assert res.status_code == status
    assert res.json()["error"]


def test_a_link_out_of_the_routines_folder_is_refused(
    client: TestClient, workspace: Workspace, tmp_path: Path
) -> None:
    secret = tmp_path / "secret.yaml"
    secret.write_text("title: secret\n")
    (workspace.routines / "link.yaml").symlink_to(secret)
    res = client.get("/api/routine", params={"ref": "folder:link.yaml"})
    assert res.status_code == 400 and "outside" in res.json()["error"]


@pytest.mark.parametrize("name", ["x.txt", ".hidden.yaml", "a..yaml", "sub%2Fx.yaml"])
def test_saving_refuses_bad_names(client: TestClient, workspace: Workspace, name: str) -> None:
    res = client.put(f"/api/routines/{name}", content=b"title: x\n")
    assert res.status_code in (400, 404), res.text
    assert res.json()["error"]
    assert [p.name for p in workspace.routines.iterdir()] == ["small.yaml"]


def test_uploads_over_1_mb_are_refused(client: TestClient, workspace: Workspace) -> None:
    big = b"# " + b"x" * (1 << 20) + b"\n"
    res = client.put("/api/routines/big.yaml", content=big)
    assert res.status_code == 413 and "1 MB" in res.json()["error"]
    assert not (workspace.routines / "big.yaml").exists()
    res = client.post("/api/validate", json={"routine": {"text": big.decode()}})
    assert res.status_code == 413


def test_validate_marks_problems_at_line_and_column(client: TestClient) -> None:
    ok = client.post(
        "/api/validate", json={"routine": {"ref": "shipped:back_pain", "text": BACK_PAIN}}
    )
    assert ok.json()["ok"] is True
    assert [s["point"] for s in ok.json()["steps"]][:2] == ["B23", "B47"]
    text = "title: T\nsteps:\n  - point: LI4\n    hold: 1:30\n"
    res = client.post("/api/validate", json={"routine": {"text": text}}).json()
    assert res["ok"] is False
    assert (res["problems"][0]["line"], res["problems"][0]["col"]) == (4, 11)
    assert "1:30" in res["problems"][0]["message"]


@pytest.mark.parametrize(
    ("payload", "content_type", "status"),
    [
        (b"{not json", "application/json", 400),
        (b"[1, 2]", "application/json", 400),
        (b'{"routine": 5}', "application/json", 400),
        (b'{"routine": {"text": 5}}', "application/json", 400),
        (b'{"routine": {"text": "title: x"}}', "text/plain", 415),
        (b"\xff\xfe", "application/json", 400),
    ],
)
def test_malformed_requests_get_a_4xx_with_a_message(
    client: TestClient, payload: bytes, content_type: str, status: int
) -> None:
    for path in ("/api/validate", "/api/plan", "/api/preview", "/api/builds", "/api/profile"):
        res = client.post(path, content=payload, headers={"Content-Type": content_type})
        assert res.status_code == status, (path, res.text)
        assert isinstance(res.json()["error"], str)


@pytest.mark.parametrize(
    ("settings", "field"),
    [
        ({"rate": "1000"}, "rate"),
        ({"rate": 5}, "rate"),
        ({"rate": ["130"]}, "rate"),
        ({"pace": "sluggish"}, "pace"),
        ({"count": "countdown"}, "count"),
        ({"sides": "top"}, "sides"),
        ({"chime": "maybe"}, "chime"),
        ({"volume": "0"}, "volume"),
        ({"holds": "B54=45"}, "holds"),
        ({"holds": ["B54"]}, "holds"),
        ({"cycles": ["LI4=8/4"]}, "cycles"),
        ({"ratee": "130"}, "ratee"),
        ({"bed": "../../etc/passwd"}, "bed"),
    ],
)
def test_bad_settings_are_refused_with_the_cli_messages(
    client: TestClient, settings: dict, field: str
) -> None:
    res = client.post("/api/plan", json=body(settings))
    assert res.status_code == 400, res.text
    assert field in res.json()["fields"]
    if field == "rate" and settings["rate"] == "1000":
        assert res.json()["fields"]["rate"] == (
            "--rate: must be >= 80 and <= 400 words per minute, got 1000"
        )


def test_plan_equals_the_cli_plan_with_the_same_flags(client: TestClient) -> None:
    settings = {"rate": "130", "pace": "slow", "count": "countdown:5", "sides": "right"}
    res = client.post("/api/plan", json=body({**settings, "holds": ["B54=45"]}))
    assert res.status_code == 200, res.text
    plan = res.json()
    cli = cli_timeline(
        "--engine", "fake", "--rate", "130", "--pace", "slow", "--count", "countdown:5",
        "--sides", "right", "--hold", "B54=45",
    )  # fmt: skip
    assert plan["duration"] == pytest.approx(cli["duration"], abs=1e-3)
    assert [c["title"] for c in plan["chapters"]] == [c["title"] for c in cli["chapters"]]
    assert plan["settings"]["rate"] == "130" and plan["settings"]["holds"] == {"B54": "45"}
    assert plan["origins"]["rate"] == "studio"
    assert plan["svg"].lstrip().startswith("<?xml") and "<svg" in plan["svg"]
    slower = client.post("/api/plan", json=small({"rate": "100"})).json()
    assert slower["duration"] > client.post("/api/plan", json=small()).json()["duration"]


def test_plan_reports_routine_problems_and_override_mistakes(client: TestClient) -> None:
    res = client.post("/api/plan", json=body(routine="title: T\nsteps: []\n"))
    assert res.status_code == 422 and res.json()["problems"][0]["line"] == 2
    res = client.post("/api/plan", json=body({"holds": ["ZZ9=30"]}))
    assert res.status_code == 400 and "no point 'ZZ9'" in res.json()["error"]
    res = client.post("/api/plan", json=body({"voice": "klingon"}))
    assert res.status_code == 400 and "unknown voice" in res.json()["error"]
    text = BACK_PAIN + "\nsound:\n  bed: /etc/hostname\n"
    res = client.post("/api/plan", json=body(routine=text))
    assert res.status_code == 400 and "outside the routines folder" in res.json()["error"]


def test_voices_come_from_the_engine(client: TestClient) -> None:
    res = client.get("/api/voices", params={"engine": "fake"})
    ids = [v["id"] for v in res.json()["voices"]]
    assert ids == [v.id for v in get_engine("fake").voices()] and "fake/en-us" in ids
    res = client.get("/api/voices", params={"engine": "nope"})
    assert res.status_code == 400 and "unknown speech engine" in res.json()["error"]


def wav_seconds(data: bytes) -> float:
    with wave.open(io.BytesIO(data)) as w:
        return w.getnframes() / w.getframerate()


def test_preview_a_sentence_and_a_step(client: TestClient) -> None:
    res = client.post("/api/preview", json=body({"rate": "120"}, text="Breathe."))
    assert res.status_code == 200 and res.headers["content-type"] == "audio/wav"
    slow = wav_seconds(res.content)
    fast = wav_seconds(
        client.post("/api/preview", json=body({"rate": "240"}, text="Breathe.")).content
    )
    assert slow > fast > 0
    plan = client.post("/api/plan", json=small()).json()
    chapter = plan["chapters"][1]
    res = client.post("/api/preview", json=small(chapter=1))
    assert res.status_code == 200
    assert wav_seconds(res.content) == pytest.approx(chapter["end"] - chapter["start"], abs=0.01)


@pytest.mark.parametrize(
    "extra",
    [{"chapter": 99}, {"chapter": "2"}, {"chapter": True}, {"text": ""}, {"text": "x" * 401}, {}],
)
def test_preview_refuses_bad_requests(client: TestClient, extra: dict) -> None:
    res = client.post("/api/preview", json=body(**extra))
    assert res.status_code == 400, res.text
    assert res.json()["error"]


def test_unknown_routes_methods_and_hosts_get_json_errors(workspace: Workspace) -> None:
    with TestClient(create_app(workspace), base_url="http://127.0.0.1") as c:
        assert c.get("/api/nothing").status_code == 404
        assert c.get("/api/nothing").json()["error"] == "not found"
        res = c.get("/api/plan")
        assert res.status_code == 405 and "GET" in res.json()["error"]
        assert c.get("/api/builds/nope").status_code == 404
        assert c.delete("/api/builds/nope").status_code == 404
    with TestClient(create_app(workspace), base_url="http://evil.example") as c:
        assert c.get("/").status_code == 400, "a page from another host (DNS rebinding) is refused"


def test_phrase_overrides_reach_the_plan_as_with_phrase_flags(client: TestClient) -> None:
    chosen = {"phrases": ["press=Now press firmly.", "release=And let go."]}
    plan = client.post("/api/plan", json=small(chosen)).json()
    assert plan["settings"]["phrases"] == {"press": "Now press firmly.", "release": "And let go."}
    assert plan["origins"]["phrases.press"] == "studio"
    res = client.post("/api/preview", json=small(chosen, chapter=1))
    assert res.status_code == 200
    for bad in (["press"], ["pres=Now."], ["step=Point {m}."]):
        res = client.post("/api/plan", json=small({"phrases": bad}))
        assert res.status_code == 400 and res.json()["fields"]["phrases"].startswith("--phrase")


def test_the_phrase_panel_follows_the_routine_language(client: TestClient) -> None:
    es = client.get("/api/routine", params={"ref": "shipped:back_pain_es"}).json()["text"]
    request = {
        "routine": {"ref": "shipped:back_pain_es", "text": es},
        "settings": {"engine": "fake"},
    }
    plan = client.post("/api/plan", json=request)
    assert plan.status_code == 200, plan.text
    assert plan.json()["language"] == "es"
    english = client.post("/api/plan", json=small()).json()["phrase_defaults"]
    assert plan.json()["phrase_defaults"]["press"] != english["press"] == "Press."
    assert plan.json()["origins"]["voice"].startswith("the routine's language es")
