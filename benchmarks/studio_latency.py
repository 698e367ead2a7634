"""How long the studio takes to answer what a user does by ear, with the real engine (pyttsx3).

Usage: .venv/bin/python benchmarks/studio_latency.py [RATE [ENGINE]]   (default 150 pyttsx3; a
rate not used before shows the uncached first plan; ENGINE piper needs the 'natural' extra)

Times, through the HTTP endpoints (Starlette's test client, no browser): the voice list, a
sentence preview (twice: uncached, cached), the live plan with picture (twice: first synthesizes
every clip at this rate, then from the clip cache), and one step's preview (B 48, mastered).
Uses the user clip cache unless $AUDIO_GUIDE_CACHE says otherwise.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from starlette.testclient import TestClient

from audio_guide.authoring.validate import data_dir
from audio_guide.studio.app import create_app
from audio_guide.studio.workspace import Workspace


def main() -> None:
    rate = sys.argv[1] if len(sys.argv) > 1 else "150"
    engine = sys.argv[2] if len(sys.argv) > 2 else "pyttsx3"
    folder = Path(tempfile.mkdtemp(prefix="studio-latency-"))
    (folder / "r").mkdir()
    (folder / "o").mkdir()
    text = (data_dir() / "back_pain.yaml").read_text(encoding="utf-8")
    request = {
        "routine": {"ref": "shipped:back_pain", "text": text},
        "settings": {"engine": engine, "rate": rate},
    }
    app = create_app(Workspace(folder / "r", folder / "o"))
    with TestClient(app, base_url="http://127.0.0.1") as client:

        def timed(label: str, method: str, path: str, **kw: object) -> None:
            started = time.perf_counter()
            res = client.request(method, path, **kw)  # type: ignore[arg-type]
            took = time.perf_counter() - started
            print(f"{label:<28} {res.status_code} {took:6.2f} s  {len(res.content):>9} bytes")

        timed("voices", "GET", "/api/voices", params={"engine": engine})
        sentence = {**request, "text": f"Breathe in slowly at rate {rate}."}
        timed("sentence (new)", "POST", "/api/preview", json=sentence)
        timed("sentence (cached)", "POST", "/api/preview", json=sentence)
        timed("plan + picture (first)", "POST", "/api/plan", json=request)
        timed("plan + picture (cached)", "POST", "/api/plan", json=request)
        timed("step preview (chapter 3)", "POST", "/api/preview", json={**request, "chapter": 3})


if __name__ == "__main__":
    main()
