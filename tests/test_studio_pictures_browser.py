"""Point pictures in the studio, in a real browser (issue 22.5): the picture shows in the library
search results, on each step card and beside *Hear step*; an own step placed by a click on a
region figure gets ``figure:`` in its YAML, shows its picture and builds with it (an APIC in its
chapter). axe-core finds no serious or critical violation with the pictures shown."""

from __future__ import annotations

import io
from typing import Any

import pytest
from mutagen.id3 import ID3
from PIL import Image
from test_studio_browser import page, studio_url  # noqa: F401
from test_studio_forms_browser import editor_has, new_routine, serious

pytestmark = pytest.mark.browser

SHOWN = """sel => {
  const i = document.querySelector(sel);
  return !!i && !i.hidden && i.naturalWidth > 0;
}"""
"""A picture is shown: present, not hidden, and decoded by the browser."""


def test_pictures_in_results_cards_hear_step_and_placing_by_a_click(
    page: Any,  # noqa: F811
    workspace: Any,
) -> None:
    pytest.importorskip("axe_playwright_python", reason="axe-playwright-python (test extra)")
    axe: dict[str, int] = {}
    page.wait_for_selector("body[data-ready]")
    page.wait_for_function("document.getElementById('total').textContent !== '–'")
    page.wait_for_function(SHOWN, arg="#step-0-picture")
    page.locator("#add-point").click()
    page.locator("#point-query").fill("LI 4")
    page.wait_for_function(SHOWN, arg="#point-results img.point-pic")
    chapters = page.locator("#preview-step option").evaluate_all("o => o.map(x => x.value)")
    page.locator("#preview-step").select_option(chapters[1])
    page.locator("#hear-step").click()
    page.wait_for_function(SHOWN, arg="#preview-figure img")
    alt = page.locator("#preview-figure img").get_attribute("alt")
    assert alt and page.locator("#preview-figure figcaption").text_content() in alt
    serious(page, "pictures shown (en)", axe)

    new_routine(page, "Mine")
    page.locator("#add-own").click()
    page.wait_for_selector("#step-0 details.placer")
    assert page.locator("#step-0-picture").is_hidden(), "not placed yet: no picture"
    page.locator("#step-0 details.placer summary").click()
    page.wait_for_selector("#step-0 .placer-figure svg")
    page.locator("#step-0-figure").select_option("knee_back")
    page.wait_for_function(
        "document.querySelector('#step-0 .placer-figure svg')?.outerHTML"
        ".includes('Backs of the knees')"
    )
    page.locator("#step-0 .placer-figure svg").click(position={"x": 150, "y": 120})
    editor_has(page, "region: knee_back")
    page.wait_for_function(SHOWN, arg="#step-0-picture")
    serious(page, "own step placed (en)", axe)
    page.locator("#build").click()
    page.wait_for_function(
        "document.getElementById('build-status').textContent.startsWith('built')"
    )
    (mp3,) = workspace.output.glob("*.mp3")
    chaps = [c for c in ID3(str(mp3)).getall("CHAP") if c.sub_frames.getall("APIC")]
    assert chaps, "the own step's chapter carries its picture"
    Image.open(io.BytesIO(chaps[0].sub_frames.getall("APIC")[0].data)).verify()
