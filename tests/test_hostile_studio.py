"""Hostile requests to the studio (issue 25, group 7): every one a 4xx with a message, none a
500, and no traceback in the studio's log."""

from __future__ import annotations

import logging
import time
from typing import Any

import pytest

GOOD = "title: t\nsteps:\n  - point: LI4\n    hold: 5\n"
DEEP_YAML = "title: t\nsteps: " + "[" * 1000 + "]" * 1000 + "\n"
FORM_CASES = {
    "insert on a number": {"text": "title: t\nn: 5\n", "edits": [{"op": "insert", "path": ["n"]}]},
    "insert on a boolean": {
        "text": "title: t\nb: true\n",
        "edits": [{"op": "insert", "path": ["b"], "value": 1}],
    },
    "insert on a text": {"text": GOOD, "edits": [{"op": "insert", "path": ["title"]}]},
    "python tag": {
        "text": "title: !!python/object/apply:os.system ['true']\nsteps: []\n",
        "edits": [{"op": "set", "path": ["title"], "value": "x"}],
    },
    "merge key": {
        "text": "base: &b {hold: 5}\nsteps:\n  - <<: *b\n    point: LI4\n",
        "edits": [{"op": "set", "path": ["title"], "value": "x"}],
    },
    "1000 nested lists": {
        "text": DEEP_YAML,
        "edits": [{"op": "set", "path": ["title"], "value": "x"}],
    },
    "path through a text": {
        "text": GOOD,
        "edits": [{"op": "set", "path": ["title", "x", "y"], "value": "z"}],
    },
}
RAW_BODIES = {
    "100,000 deep": b'{"text": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
    "lone surrogate": b'{"text": "\\ud800"}',
    "NaN": b'{"text": "t", "edits": [{"op": "set", "path": ["hold"], "value": NaN}]}',
    "Infinity": b'{"text": "t", "x": Infinity}',
    "1e999": b'{"text": "t", "x": 1e999}',
    "not UTF-8": b'{"text": "\xff"}',
    "an array": b"[1, 2]",
}
JSON_ENDPOINTS = ("/api/form", "/api/plan", "/api/validate", "/api/packs")


@pytest.fixture
def log(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.ERROR)
    return caplog


def no_traceback(log: pytest.LogCaptureFixture) -> None:
    assert not [r for r in log.records if r.exc_info], "a traceback in the studio's log"


@pytest.mark.parametrize("case", sorted(FORM_CASES))
def test_the_form_editor_refuses_what_it_cannot_keep(
    client: Any, log: pytest.LogCaptureFixture, case: str
) -> None:
    started = time.monotonic()
    res = client.post("/api/form", json=FORM_CASES[case])
    assert 400 <= res.status_code < 500, (case, res.status_code, res.text)
    assert res.json()["error"], case
    assert time.monotonic() - started < 1.0, case
    no_traceback(log)


@pytest.mark.parametrize("case", sorted(RAW_BODIES))
@pytest.mark.parametrize("endpoint", JSON_ENDPOINTS)
def test_json_bodies_are_strict(
    client: Any, log: pytest.LogCaptureFixture, case: str, endpoint: str
) -> None:
    res = client.post(
        endpoint, content=RAW_BODIES[case], headers={"Content-Type": "application/json"}
    )
    assert res.status_code == 400, (endpoint, case, res.status_code, res.text)
    assert res.json()["error"], (endpoint, case)
    no_traceback(log)


def test_a_good_form_edit_still_works(client: Any) -> None:
    edit = {"op": "set", "path": ["title"], "value": "New"}
    res = client.post("/api/form", json={"text": GOOD, "edits": [edit]})
    assert res.status_code == 200 and "title: New" in res.json()["text"]
