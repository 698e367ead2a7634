"""The timeline picture's store: the studio plans again after every change and language switch,
and a plan that comes back to a timeline drawn before reuses its picture (``outputs.picture``)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from test_schedule import plan_for

from audio_guide.outputs import picture


@pytest.fixture
def drawn(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Titles of the timelines matplotlib drew, from an empty store."""
    titles: list[str] = []
    render = picture._render

    def counted(timeline, fmt):  # type: ignore[no-untyped-def]
        titles.append(timeline.title)
        return render(timeline, fmt)

    monkeypatch.setattr(picture, "_render", counted)
    monkeypatch.setattr(picture, "_KEPT", {})
    return titles


def test_the_same_timeline_is_drawn_once_and_gives_the_same_bytes(drawn: list[str]) -> None:
    timeline = plan_for("back_pain")
    first = picture.picture_bytes(timeline, "svg")
    again = picture.picture_bytes(replace(timeline), "svg")  # equal, not the same object
    assert again == first and first.startswith(b"<?xml")
    assert len(drawn) == 1
    png = picture.picture_bytes(timeline, "png")
    assert png.startswith(b"\x89PNG") and len(drawn) == 2


def test_any_change_to_the_timeline_draws_it_again(drawn: list[str]) -> None:
    timeline = plan_for("back_pain")
    before = picture.picture_bytes(timeline)
    retitled = picture.picture_bytes(replace(timeline, title="Another title"))
    assert retitled != before and b"Another title" in retitled
    words = dict(timeline.settings, language="de")
    picture.picture_bytes(replace(timeline, settings=words))
    assert len(drawn) == 3


def test_only_the_last_pictures_are_kept(
    drawn: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Which pictures the store keeps is the store's own doing: each is drawn as its title
    here (matplotlib drew back_pain's ten in ~1.6 s of CPU, proving nothing more)."""
    def titled(timeline, fmt):  # type: ignore[no-untyped-def]
        drawn.append(timeline.title)
        return timeline.title.encode()

    monkeypatch.setattr(picture, "_render", titled)
    timeline = plan_for("back_pain")
    for i in range(picture.KEEP + 1):
        picture.picture_bytes(replace(timeline, title=f"t{i}"))
    assert len(picture._KEPT) == picture.KEEP
    picture.picture_bytes(replace(timeline, title=f"t{picture.KEEP}"))  # the newest: kept
    picture.picture_bytes(replace(timeline, title="t0"))  # the oldest: drawn again
    assert drawn == [f"t{i}" for i in range(picture.KEEP + 1)] + ["t0"]
