"""The studio's recording endpoints: packs, the list of what to record, takes saved or refused."""

from __future__ import annotations

import io
import wave
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from pack_helpers import TINY, burst, write_wav

from audio_guide.sound.packs import find_pack


def body(settings: dict[str, str] | None = None) -> dict[str, Any]:
    return {"routine": {"ref": "folder:tiny.yaml", "text": TINY}, "settings": settings or {}}


def wav_bytes(samples: np.ndarray, tmp_path: Path) -> bytes:
    return write_wav(tmp_path / "take.wav", samples).read_bytes()


def take_url(text: str) -> str:
    return f"/api/packs/me/take?text={text}&lang=en"


def test_record_a_pack_through_the_studio(client: Any, config: Path, tmp_path: Path) -> None:
    assert client.get("/api/packs").json()["packs"] == []
    new = {"name": "me", "speaker": "Ana Test", "language": "en", "consent": "I agree."}
    res = client.post("/api/packs", json=new)
    assert res.status_code == 201 and res.json()["clips"] == 0
    assert client.post("/api/packs", json=new).status_code == 400  # already there
    bad = client.post("/api/packs", json={**new, "name": "../x"})
    assert bad.status_code == 400 and "not allowed" in bad.json()["error"]
    bad = client.post("/api/packs", json={**new, "name": "x", "language": "xx"})
    assert bad.status_code == 400 and "language 'xx'" in bad.json()["error"]

    items = client.post("/api/packs/me/list", json=body()).json()["items"]
    texts = [i["text"] for i in items]
    assert texts[0] == "Sit comfortably." and [i["count"] for i in items[-2:]] == [True, True]
    assert not any(i["recorded"] for i in items)

    take = wav_bytes(burst(0.6, 0.2), tmp_path)
    for text in texts:
        res = client.put(take_url(text), content=take, headers={"Content-Type": "audio/wav"})
        assert res.status_code == 201, res.text
        assert abs(res.json()["seconds"] - 0.7) < 0.05
    items = client.post("/api/packs/me/list", json=body()).json()["items"]
    assert all(i["recorded"] for i in items)

    # usable at once: the plan and a step preview read the pack
    settings = {"engine": "recorded", "voice": "me"}
    plan = client.post("/api/plan", json=body(settings))
    assert plan.status_code == 200, plan.text
    step = client.post("/api/preview", json=body(settings) | {"chapter": 1})
    assert step.status_code == 200 and step.headers["content-type"] == "audio/wav"
    heard = client.post("/api/preview", json=body(settings) | {"text": "Sit comfortably."})
    with wave.open(io.BytesIO(heard.content)) as w:
        assert abs(w.getnframes() / w.getframerate() - 0.6) < 0.05  # trimmed to the sound

    got = client.get(take_url("That is all."))
    assert got.status_code == 200 and got.content[:4] == b"RIFF"
    res = client.delete(take_url("That is all."))
    assert res.json() == {"text": "That is all.", "deleted": True}
    assert client.get(take_url("That is all.")).status_code == 404
    missing = client.post("/api/plan", json=body(settings))
    assert missing.status_code == 400 and "lacks 1 of the" in missing.json()["error"]
    filled = client.post("/api/plan", json=body({**settings, "fill": "fake"}))
    assert filled.status_code == 200, filled.text


@pytest.mark.parametrize(
    ("make", "kind", "status", "message"),
    [
        (lambda p: b"", "audio/webm", 422, "the take is empty (0 bytes)"),
        (lambda p: wav_bytes(np.zeros(22050), p), "audio/wav", 422, "the take is empty: no sound"),
        (lambda p: wav_bytes(np.clip(burst(1, 4.0), -1, 1), p), "audio/wav", 422, "clipped"),
        (lambda p: wav_bytes(burst(1, 0.003), p), "audio/wav", 422, "too quiet"),
        (lambda p: b"GIF89a not a sound", "audio/webm", 422, "not audio"),
        (lambda p: wav_bytes(burst(1, 0.2), p), "text/plain", 415, "send the take as audio"),
        (lambda p: wav_bytes(burst(1, 0.2), p), "application/json", 415, "as audio"),
    ],
)
def test_bad_takes_get_a_message(
    client: Any, config: Path, tmp_path: Path, make: Any, kind: str, status: int, message: str
) -> None:
    client.post("/api/packs", json={"name": "me", "speaker": "A", "language": "en"})
    res = client.put(
        take_url("Sit comfortably."), content=make(tmp_path), headers={"Content-Type": kind}
    )
    assert res.status_code == status and message in res.json()["error"]
    assert not find_pack("me").has("Sit comfortably.")


def test_unknown_pack_and_missing_text(client: Any, config: Path) -> None:
    assert client.post("/api/packs/nope/list", json=body()).status_code == 404
    client.post("/api/packs", json={"name": "me", "speaker": "A", "language": "en"})
    res = client.put("/api/packs/me/take", content=b"x", headers={"Content-Type": "audio/wav"})
    assert res.status_code == 400 and "?text=" in res.json()["error"]


def test_the_plan_counts_filled_sounds(client: Any, config: Path, tmp_path: Path) -> None:
    client.post("/api/packs", json={"name": "me", "speaker": "A", "language": "en"})
    take = wav_bytes(burst(0.4, 0.2), tmp_path)
    res = client.put(take_url("That is all."), content=take, headers={"Content-Type": "audio/wav"})
    assert res.status_code == 201
    plan = client.post(
        "/api/plan", json=body({"engine": "recorded", "voice": "me", "fill": "fake"})
    )
    assert plan.status_code == 200, plan.text
    assert plan.json()["filled"] == 8  # 9 sounds (counts 1 and 2 included) but the one take
