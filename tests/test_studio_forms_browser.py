"""The studio for people who do not write YAML, in a real browser (one session, several states).

From the page top, Tab reaches Build in at most 5 presses (skip link). A 3-step routine is made
from nothing with the forms only (a library point held 20 s on both sides, a pause, a breathing
cycle), two steps are reordered with the keyboard, and the saved file equals the expected YAML;
it builds. A step's cue words typed in the form reach the YAML, and the Stretch template brings
its own. A comment-bearing shipped routine edited through the forms keeps its comments. A bad
value shows on its field and at its line:col. The page in es leaves no English label (the same
word list is found on the English page), and a browser that prefers fr opens in fr. axe-core
finds no serious or critical violation in any of these states.
"""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import pytest
from studio_helpers import BACK_PAIN
from test_studio_browser import page, studio_url  # noqa: F401

pytestmark = pytest.mark.browser

ENGLISH_UI = (
    "Routine",
    "Open",
    "Upload",
    "Edit with forms",
    "Title",
    "Count style",
    "Opening lines",
    "Steps",
    "Add a step",
    "Library point",
    "Own point",
    "Pause",
    "Phased cycle",
    "Duplicate",
    "Delete",
    "Hold, seconds",
    "Sides",
    "Voice and pacing",
    "Per point",
    "Hear sentence",
    "The plan",
    "Total length",
    "Build",
    "Save as profile",
    "Download YAML",
    "Skip to Build",
)
"""Words of the English interface; none may be left on a page in another language."""
UI_TEXT = """() => {
  const sel = '[data-i18n], label, button, legend, h1, h2, h3, summary, nav a, .hint, '
    + '.skip, #add-h, #status';
  const out = [];
  for (const el of document.querySelectorAll(sel)) {
    if (el.closest('#point-results, #chapters')) continue;
    out.push(el.textContent);
  }
  for (const el of document.querySelectorAll('[aria-label], [placeholder], [title]')) {
    out.push(el.getAttribute('aria-label') || '', el.getAttribute('placeholder') || '');
  }
  return out.join('\\n');
}"""
EXPECTED = """title: My first routine
steps:
  - point: LI4
    hold: 20
    sides: each
  - name: Calm breathing
    cycles:
      phases:
        - {say: "Breathe in.", seconds: 4}
        - {say: "Breathe out.", seconds: 6}
      times: 5
  - pause: 10
"""


def english_left(tab: Any) -> list[str]:
    text = tab.evaluate(UI_TEXT)
    return [w for w in ENGLISH_UI if re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", text)]


AXE_RUN = """async () => {
  const found = await axe.run(document, { resultTypes: ['violations'] });
  const bad = found.violations.filter((v) => ['serious', 'critical'].includes(v.impact));
  return [found.violations.length, bad.map((v) => [v.id, v.help, v.nodes.map((n) => n.target)])];
}"""
"""axe-core over the whole page, every rule; what comes back is the count of violations and the
serious or critical ones (the full result, passes and all, cost more to send than to find)."""


def serious(tab: Any, state: str, found: dict[str, int]) -> None:
    """Run axe-core; record and assert no serious or critical violation. axe-core is put in
    the page once (until the page is opened again), not before each run."""
    from axe_playwright_python.base import AXE_SCRIPT

    started = time.perf_counter()
    if not tab.evaluate("typeof window.axe === 'object'"):
        tab.evaluate(AXE_SCRIPT)
    total, bad = tab.evaluate(AXE_RUN)
    found[state] = len(bad)
    took = time.perf_counter() - started
    print(f"axe {state}: {total} violations, {len(bad)} serious or critical ({took:.1f} s)")
    assert not bad, bad


def editor_has(tab: Any, text: str, timeout: float | None = None) -> None:
    """Wait until the YAML editor holds ``text`` (the page's default timeout unless given)."""
    tab.wait_for_function(
        "t => document.getElementById('editor').value.includes(t)", arg=text, timeout=timeout
    )


def new_routine(tab: Any, title: str) -> None:
    """*New routine* in the picker, then its title typed in the form until the YAML has it."""
    tab.locator("#routine-picker").select_option("")
    tab.wait_for_function(
        "document.getElementById('f-title') && !document.getElementById('f-title').value"
    )
    tab.locator("#f-title").fill(title)
    tab.locator("#f-title").press("Tab")
    editor_has(tab, f"title: {title}")


def drag_until(tab: Any, source: str, target: str, text: str) -> None:
    """Drag with the mouse until the editor shows ``text``: a drag that starts while the form is
    being redrawn after the previous edit can be lost (seen once in CI), so it is tried again."""
    # Both steps in view at once: a step card with its fields is tall, and a drag that has to
    # scroll the page to reach its target is not a gesture a person makes either.
    # The page is scrolled down to the save button by then: with the target step above the
    # view, every first drag was lost (the page scrolls under the held mouse; 5 s waited).
    size = tab.viewport_size
    tab.set_viewport_size({"width": size["width"], "height": 2400})
    tab.locator(target).evaluate("e => e.scrollIntoView({ block: 'start' })")
    try:
        for _ in range(4):  # by the step's handle onto the other step's head
            tab.locator(f"{source} .handle").drag_to(tab.locator(f"{target} .step-head"))
            try:  # a drop that registers shows in the editor within ~0.2 s on an idle machine
                editor_has(tab, text, timeout=5_000)
                return
            except Exception:  # playwright's TimeoutError: the drop did not register
                print("drag lost, tried again")
                continue
        editor_has(tab, text)
    finally:
        tab.set_viewport_size(size)


def test_forms_languages_keyboard_and_axe(page: Any, workspace: Any, studio_url: str) -> None:  # noqa: F811
    pytest.importorskip("axe_playwright_python", reason="axe-playwright-python (test extra)")
    page.wait_for_selector("body[data-ready]")
    page.wait_for_function("document.getElementById('total').textContent !== '–'")
    axe: dict[str, int] = {}

    # From the page top, Tab reaches Build in at most 5 presses (the skip link, Enter, Tab).
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    presses = 0
    while presses < 5 and page.evaluate("document.activeElement.id") != "build":
        page.keyboard.press("Tab")
        presses += 1
        if page.evaluate("document.activeElement.classList.contains('skip')"):
            page.keyboard.press("Enter")
    print(f"Tab presses to Build: {presses}")
    assert page.evaluate("document.activeElement.id") == "build", f"not reached in {presses}"
    serious(page, "routine open (en)", axe)
    assert english_left(page) == list(ENGLISH_UI), "every listed word is on the English page"

    # Editing a comment-bearing shipped routine through the forms keeps its comments.
    page.locator("#step-0-hold").fill("45")
    page.locator("#step-0-hold").press("Tab")
    editor_has(page, "hold: 45")
    assert page.locator("#editor").input_value() == BACK_PAIN.replace("hold: 60", "hold: 45", 1)

    # A 3-step routine from nothing, with the forms only.
    new_routine(page, "My first routine")
    page.locator("#add-point").click()
    page.locator("#point-query").fill("web of the hand")
    page.locator("#pick-LI4").click()
    editor_has(page, "point: LI4")
    page.locator("#step-0-hold").fill("20")
    page.locator("#step-0-hold").press("Tab")
    editor_has(page, "hold: 20")
    page.locator("#step-0-sides").select_option("each")
    editor_has(page, "sides: each")
    page.locator("#add-pause").click()
    editor_has(page, "pause: 10")
    page.locator("#add-phased").click()
    editor_has(page, "Breathe out.")
    page.locator("#step-2-move").focus()
    page.keyboard.press("ArrowUp")
    page.wait_for_function(
        "() => /Calm breathing[\\s\\S]*pause: 10/.test(document.getElementById('editor').value)"
    )
    assert page.evaluate("document.activeElement.id") == "step-1-move", "focus follows the step"
    assert "2" in page.locator("#form-note").text_content(), "the move is announced"
    page.locator("#save-name").fill("first.yaml")
    page.locator("#save-routine").click()
    page.wait_for_function(
        "document.getElementById('routine-picker').value === 'folder:first.yaml'"
    )
    assert (workspace.routines / "first.yaml").read_text(encoding="utf-8") == EXPECTED
    drag_until(page, "#step-2", "#step-0", "steps:\n  - pause: 10")  # by mouse: the pause first
    page.wait_for_function(
        "document.getElementById('total').textContent.startsWith('1:')"
        " || document.getElementById('total').textContent.startsWith('2:')"
    )
    page.locator("#build").click()
    page.wait_for_function("document.querySelectorAll('#chapters li').length >= 2")
    page.wait_for_function(
        "document.getElementById('build-status').textContent.startsWith('built')"
    )
    serious(page, "build done (en)", axe)

    # A step's own cue words: opened, a press phrase typed, it is in the YAML (the plan reads it);
    # the Stretch template brings "Stretch." / "Let go." from the routine language's table.
    page.locator("#step-1-cues summary").click()
    page.locator("#step-1-phrase-press").fill("Press gently.")
    page.locator("#step-1-phrase-press").press("Tab")
    editor_has(page, '    sides: each\n    phrases:\n      press: "Press gently."\n')
    page.wait_for_function("document.getElementById('step-1-cues').open")
    hold_one = page.locator("#step-1-phrase-hold_plan-one")
    assert hold_one.get_attribute("placeholder") == "We will hold for {seconds} second."
    page.locator("#add-stretch").click()
    editor_has(page, '      press: "Stretch."\n      release: "Let go."\n')
    assert page.locator("#step-3-location").count() == 0, "a stretch is not placed like a point"
    assert page.locator("label[for=step-3-method]").text_content() == "How to do it"

    # A bad value shows on its field and at its line:col.
    page.locator("#step-1-hold").fill("0")
    page.locator("#step-1-hold").press("Tab")
    page.wait_for_function(
        "() => document.getElementById('step-1-hold')?.getAttribute('aria-invalid') === 'true'"
    )
    assert "must be > 0 and <= 600" in page.locator("#step-1-hold-msg").text_content()
    assert re.match(r"5:\d+: ", page.locator("#problems li").first.text_content())
    serious(page, "error shown (en)", axe)

    # The page in Spanish: no English label left, the problem translated; then de and fr.
    page.locator("#language").select_option("es")
    page.wait_for_function("document.getElementById('build').textContent === 'Generar'")
    page.wait_for_function(
        "() => (document.getElementById('step-1-hold-msg')?.textContent || '').includes('segundos')"
    )
    assert page.evaluate("document.documentElement.lang") == "es"
    # The forms' own labels are redrawn once their table arrives, a moment after the Build
    # button and the messages (a fresh-clone CI run caught all 14 still English here).
    deadline = time.monotonic() + 10
    while english_left(page) and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    assert english_left(page) == []
    serious(page, "error shown (es)", axe)
    for lang, build in (("de", "Erstellen"), ("fr", "Générer")):
        page.locator("#language").select_option(lang)
        page.wait_for_function(f"document.getElementById('build').textContent === '{build}'")
        serious(page, f"error shown ({lang})", axe)
    print("axe serious/critical per state:", axe)

    # A browser that prefers French opens the page in French (same browser, a new context).
    # (closed once it shows: the rest of its start, a plan of back_pain, proves nothing here)
    context = page.context.browser.new_context(locale="fr-FR")
    french = context.new_page()
    french.goto(studio_url)
    translated = "document.getElementById('routine-h').textContent !== 'Routine'"
    french.wait_for_function(translated, timeout=30_000)  # the page's own text is English
    assert french.evaluate("document.documentElement.lang") == "fr"
    assert french.locator("#routine-h").text_content() == "Séance"
    context.close()


def test_expected_text_is_what_the_cli_reads(tmp_path: Path) -> None:
    """The expected YAML of the browser test is itself a valid routine."""
    import io

    from audio_guide.cli import main

    path = tmp_path / "first.yaml"
    path.write_text(EXPECTED, encoding="utf-8")
    assert main(["check", str(path)], io.StringIO(), io.StringIO()) == 0
