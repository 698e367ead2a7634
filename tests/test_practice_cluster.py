"""The same track jobs on a local pool of spawned processes and on a Dask cluster of 2 worker
processes give the same timelines and the same sound (fake engine)."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from conftest import kept_environment, run
from practice_helpers import make_practice, manifest, tokens


def timelines(root: Path) -> dict[str, object]:
    names = tokens(root)
    return {
        f"{client}/{p.name}": json.loads(p.read_text())
        for client, token in names.items()
        for p in sorted((root / "site" / token).glob("*.timeline.json"))
    }


def test_dask_cluster_builds_what_the_local_pool_builds(tmp_path: Path) -> None:
    """(Also: the batch's own process writes each track's chapter pictures from those its
    spawned builds kept in the clip cache; it does not draw them again.)"""
    from audio_guide.figures.render import to_png

    distributed = pytest.importorskip("distributed", reason="pip install 'audio-guide[cluster]'")
    before = dict(os.environ)
    local = make_practice(tmp_path / "local", clients=2)
    remote = tmp_path / "remote"
    shutil.copytree(local, remote)
    to_png.cache_clear()
    code, out, err = run("batch", str(local), "--jobs", "2")
    assert code == 0 and "built 4 of 4" in out and "2 at a time" in err, err
    assert to_png.cache_info().misses == 0, "pictures drawn again in the batch's process"
    assert list((local / "site").glob("*/*.png")), "the tracks have pictures"

    with kept_environment(), distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        address = cluster.scheduler_address.replace("tcp://", "dask://")
        code, out, err = run("batch", str(remote), "--executor", address)
        assert code == 0 and "built 4 of 4" in out and "Dask at" in err, err
        workers = {w["name"] for w in cluster.scheduler_info["workers"].values()}
        assert len(workers) == 2
    # Dask's own settings for its workers (MALLOC_TRIM_THRESHOLD_, OMP_NUM_THREADS=1, ...)
    assert dict(os.environ) == before, "the cluster's settings stay out of later tests"

    assert timelines(remote) == timelines(local) and len(timelines(local)) == 4
    assert {k: v["audio"] for k, v in manifest(remote).items()} == {
        k: v["audio"] for k, v in manifest(local).items()
    }
    code, out, _ = run("batch", str(remote), "--executor", "dask://127.0.0.1:9")
    assert code == 0 and "nothing to build" in out, "nothing to do: no scheduler needed"
