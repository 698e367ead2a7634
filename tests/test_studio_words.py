"""Every problem and refusal the studio shows reaches a non-English page in its language
(issue 27): a routine's problems, a voice pack that lacks lines, every refused take."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from pack_helpers import TINY, burst, fake_pack, write_wav

from audio_guide.studio import messages

ENGLISH = re.compile(
    r"\b(the|must|missing|required|lacks|record them|utterances|take is|and \d+ more|"
    r"microphone|too loud|too quiet|nothing was|send the|is not)\b"
)
"""Words of the English messages; none may be left in a translated one."""


def drive(client: Any, config: Path, tmp_path: Path, lang: str) -> list[str]:
    """Every message the studio gives for bad routines, a pack that lacks lines and bad takes."""
    head = {messages.HEADER: lang}
    out: list[str] = []
    for text in ("- a\n", "title: x\n", "title: x\nsteps: 3\n", "title: x\nsteps:\n  - 3\n"):
        res = client.post(
            "/api/validate", json={"routine": {"ref": None, "text": text}}, headers=head
        ).json()
        out += [p["message"] for p in res["problems"]]
    routine = {"ref": "folder:tiny.yaml", "text": TINY}
    for language in ("en", "de"):  # the pack's language, the routine's, then another
        if not (config / "packs" / f"p{language}").exists():
            fake_pack(f"p{language}", ["Sit comfortably."], language)
        settings = {"engine": "recorded", "voice": f"p{language}"}
        res = client.post(
            "/api/plan", json={"routine": routine, "settings": settings}, headers=head
        )
        assert res.status_code == 400
        out.append(res.json()["error"])
    tmp_path.mkdir(exist_ok=True)
    takes = [
        (b"", "audio/webm"),
        (write_wav(tmp_path / "z.wav", np.zeros(22050)).read_bytes(), "audio/wav"),
        (write_wav(tmp_path / "c.wav", np.clip(burst(1, 4.0), -1, 1)).read_bytes(), "audio/wav"),
        (write_wav(tmp_path / "q.wav", burst(1, 0.003)).read_bytes(), "audio/wav"),
        (
            write_wav(
                tmp_path / "k.wav", np.concatenate([np.zeros(22050), burst(0.02, 0.5, lead=0)])
            ).read_bytes(),
            "audio/wav",
        ),
        (write_wav(tmp_path / "r.wav", burst(1, 0.3, sr=4000), 4000).read_bytes(), "audio/wav"),
        (write_wav(tmp_path / "l.wav", np.zeros(62 * 8000), 8000).read_bytes(), "audio/wav"),
        (b"GIF89a not a sound", "audio/webm"),
        (b"x", "text/plain"),
    ]
    for data, kind in takes:
        res = client.put(
            "/api/packs/pen/take?text=Sit%20comfortably.&lang=en",
            content=data,
            headers={**head, "Content-Type": kind},
        )
        assert res.status_code in (415, 422), res.text
        out.append(res.json()["error"])
    return out


@pytest.mark.parametrize("lang", ["es", "de", "fr"])
def test_no_english_message_on_another_page(
    client: Any, config: Path, tmp_path: Path, lang: str
) -> None:
    english = drive(client, config, tmp_path / "en", "en") if lang == "es" else []
    for message in english:
        assert ENGLISH.search(message), f"the marker words miss an English message: {message}"
    said = drive(client, config, tmp_path, lang)
    assert len(said) >= 12
    left = [m for m in said if ENGLISH.search(ui_words(m))]
    assert not left, left


def ui_words(message: str) -> str:
    """``message`` without the routine's own texts it quotes (the lines a pack lacks)."""
    return "\n".join(line for line in message.splitlines() if not line.startswith("  '"))


def test_phrase_rows_say_what_they_are_in_the_page_language(client: Any) -> None:
    """Each phrase row's help (what the key says) comes from the language's phrase file."""
    from audio_guide.authoring.phrasekeys import key_help, key_specs

    english = {k: s.says for k, s in key_specs().items()}
    for lang in ("es", "de", "fr"):
        same = [k for k, text in key_help(lang).items() if text == english[k]]
        assert not same, (lang, same)
    rows = next(c for c in client.get("/api/controls").json()["controls"] if c["name"] == "phrases")
    step = next(i for i in rows["items"] if i["key"] == "step")
    assert step["says"]["es"] == key_help("es")["step"] and step["says"]["en"] == english["step"]


def test_origins_in_the_page_language(client: Any, config: Path) -> None:
    """Where each setting came from (the titles of the settings) in the page language."""
    from studio_helpers import small

    head = {messages.HEADER: "es"}
    origins = client.post("/api/plan", json=small(), headers=head).json()["origins"]
    assert origins["rate"] == "valor de fábrica", origins
    assert origins["engine"] == "el estudio", origins
    left = {k: v for k, v in origins.items() if re.search(r"built-in|default|routine", v)}
    assert not left, left
