"""``audio-guide studio`` as a user starts it: a server on 127.0.0.1 that prints its address."""

from __future__ import annotations

import io
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx2
import pytest
from starlette.testclient import TestClient

from audio_guide.cli import main
from audio_guide.studio import controls


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_studio_serves_on_localhost_and_prints_the_url(tmp_path: Path) -> None:
    exe = Path(sys.executable).with_name("audio-guide")
    port = free_port()
    argv = [str(exe), "studio", "--no-browser", "--port", str(port)]
    argv += ["--routines", str(tmp_path / "r"), "--output", str(tmp_path / "o")]
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        assert first.strip() == f"audio-guide studio at http://127.0.0.1:{port}/"
        deadline = time.monotonic() + 30
        while True:
            try:
                page = httpx2.get(f"http://127.0.0.1:{port}/", timeout=5)
                break
            except httpx2.TransportError:
                assert time.monotonic() < deadline and proc.poll() is None, proc.stderr
                time.sleep(0.1)
        assert page.status_code == 200 and "audio-guide studio" in page.text
        assert (tmp_path / "r").is_dir() and (tmp_path / "o").is_dir()
        with socket.socket() as s, pytest.raises(OSError):  # bound to 127.0.0.1 only
            s.connect(("127.0.0.2", port))
    finally:
        proc.terminate()
        proc.wait(30)


def test_bad_ports_exit_2_with_a_message(tmp_path: Path) -> None:
    err = io.StringIO()
    argv = ["studio", "--no-browser", "--routines", str(tmp_path), "--output", str(tmp_path)]
    assert main([*argv, "--port", "0"], io.StringIO(), err) == 2
    assert "--port: 0 is not a port number" in err.getvalue()
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        err = io.StringIO()
        assert main([*argv, "--port", str(port)], io.StringIO(), err) == 2
    assert "is the port in use?" in err.getvalue()


def test_an_unexpected_failure_is_a_json_500_without_a_traceback(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(debug: bool = False) -> list[dict[str, object]]:
        raise RuntimeError("secret detail /home/user")

    monkeypatch.setattr(controls, "describe", broken)
    res = client.get("/api/controls")
    assert res.status_code == 500
    assert res.json() == {"error": "internal error (RuntimeError); see the studio's terminal"}
