"""The same resolved inputs give the same bytes wherever they are built (espeak-ng, real).

espeak-ng kept its wave generator's state from one utterance to the next, so a track depended on
what its process had built before (other voices, rates, pitches): ``sound/engines/espeak_state``.
Here the same two tracks are built four ways, each with an empty clip cache: ``batch --jobs 1``
alone, ``batch --jobs 2`` after other clients' tracks (other voice, variant, rate and pitch), on
a Dask ``LocalCluster`` after those tracks, and as single ``build`` commands in fresh processes.

The cluster has one worker process with one thread: it builds all six tracks one after another
(Dask starts a map's tasks in about the order given, zoe's last), so her tracks are made in a
process that made the other voices' tracks; it costs one worker's start less than two, and
``--jobs 2`` already spreads the tracks over two processes.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import kept_environment, run
from practice_helpers import tokens

from audio_guide.runtime import espeak_library
from audio_guide.sound.engines.espeak_state import Pristine

pytestmark = pytest.mark.real

ROUTINES = {
    "hand": "title: The hand\nintro: [Sit comfortably.]\nsteps:\n  - point: LI4\n    hold: 3\n"
    'outro: ["Done. How do you feel?"]\n',
    "knee": "title: The knee\nsteps:\n  - point: ST36\n    hold: 4\noutro: [Well done.]\n",
}
TARGET = "{engine: pyttsx3, id: en, rate: 165}"
OTHERS = {
    "ann": "{engine: pyttsx3, id: en+f3, rate: 210, pitch: 70}",
    "bob": "{engine: pyttsx3, id: de, rate: 130, pitch: 35}",
}


def practice(root: Path, others: bool) -> Path:
    (root / "routines").mkdir(parents=True)
    (root / "clients").mkdir()
    for name, text in ROUTINES.items():
        (root / "routines" / f"{name}.yaml").write_text(text)
    clients = {**(OTHERS if others else {}), "zoe": TARGET}  # zoe's tracks come last
    for name, voice in clients.items():
        text = f"title: {name}\nroutines: [hand, knee]\nvoice: {voice}\n"
        (root / "clients" / f"{name}.yaml").write_text(text)
    return root


def zoe(root: Path) -> dict[str, bytes]:
    folder = root / "site" / tokens(root)["zoe"]
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.suffix == ".mp3"}


def pcm(mp3: Path | bytes, tmp: Path) -> str:
    """sha256 of the decoded samples (a single build's tags differ from a feed track's)."""
    if isinstance(mp3, bytes):
        (tmp / "x.mp3").write_bytes(mp3)
        mp3 = tmp / "x.mp3"
    ffmpeg = os.environ.get("AUDIO_GUIDE_FFMPEG", "ffmpeg")
    args = [ffmpeg, "-v", "error", "-i", str(mp3), "-f", "s16le", "-"]
    return hashlib.sha256(subprocess.run(args, capture_output=True, check=True).stdout).hexdigest()


@pytest.fixture
def fresh_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[], Path]:
    """Each call: a new empty clip cache folder, set as ``$AUDIO_GUIDE_CACHE``."""
    count = iter(range(100))

    def new() -> Path:
        folder = tmp_path / f"cache{next(count)}"
        monkeypatch.setenv("AUDIO_GUIDE_CACHE", str(folder))
        return folder

    return new


def test_same_tracks_same_bytes_in_every_process(
    tmp_path: Path, fresh_cache: Callable[[], Path]
) -> None:
    if not Pristine(espeak_library()).available:
        pytest.skip("this libespeak-ng has no symbol table: its state cannot be reset")
    distributed = pytest.importorskip("distributed", reason="pip install 'audio-guide[cluster]'")
    built: dict[str, dict[str, bytes]] = {}

    fresh_cache()
    alone = practice(tmp_path / "alone", others=False)
    code, _, err = run("batch", str(alone), "--jobs", "1")
    assert code == 0, err
    built["jobs 1"] = zoe(alone)
    assert sorted(built["jobs 1"]) == ["hand.mp3", "knee.mp3"]

    fresh_cache()
    pool = practice(tmp_path / "pool", others=True)
    code, out, err = run("batch", str(pool), "--jobs", "2")
    assert code == 0 and "built 6 of 6" in out, err
    built["jobs 2"] = zoe(pool)

    fresh_cache()  # before the cluster starts: its worker processes inherit the variable
    dask = practice(tmp_path / "dask", others=True)
    with kept_environment(), distributed.LocalCluster(
        n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        address = cluster.scheduler_address.replace("tcp://", "dask://")
        code, out, err = run("batch", str(dask), "--executor", address)
    assert code == 0 and "built 6 of 6" in out, err
    built["dask"] = zoe(dask)

    assert built["jobs 2"] == built["jobs 1"] and built["dask"] == built["jobs 1"]
    folder = alone / "site" / tokens(alone)["zoe"]
    timeline = json.loads((folder / "hand.timeline.json").read_text())
    for name in ("hand", "knee"):  # each track alone: a fresh process, a fresh cache
        out = tmp_path / f"{name}.mp3"
        env = {**os.environ, "AUDIO_GUIDE_CACHE": str(fresh_cache())}
        args = ["build", str(alone / "routines" / f"{name}.yaml"), "--engine", "pyttsx3"]
        args += ["--voice", "en", "--rate", "165", "-o", str(out)]
        subprocess.run([sys.executable, "-m", "audio_guide", *args], env=env, check=True)
        assert pcm(out, tmp_path) == pcm(built["jobs 1"][f"{name}.mp3"], tmp_path), name
    single = json.loads((tmp_path / "hand.timeline.json").read_text())
    assert single["events"] == timeline["events"]
