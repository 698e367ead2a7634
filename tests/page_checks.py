"""Checks of the studio page shared by its browser tests: English words left on a page in
another language (issue 27), controls that cover one another."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from audio_guide.authoring.validate import data_dir
from audio_guide.studio import messages

OVERLAPS = """() => {
  const sel = 'button, select, input, textarea, summary, a[href], audio, [role=button], '
    + 'label.button';
  const boxes = [];
  const clipped = (el) => {  // the part of el a scrolled list it sits in shows
    let [l, t, r, b] = ['left', 'top', 'right', 'bottom'].map((k) => el.getBoundingClientRect()[k]);
    for (let up = el.parentElement; up; up = up.parentElement) {
      if (getComputedStyle(up).overflow === 'visible') continue;
      const c = up.getBoundingClientRect();
      [l, t] = [Math.max(l, c.left), Math.max(t, c.top)];
      [r, b] = [Math.min(r, c.right), Math.min(b, c.bottom)];
    }
    return { left: l, top: t, right: r, bottom: b, width: r - l, height: b - t };
  };
  for (const el of document.querySelectorAll(sel)) {
    const r = clipped(el);
    // (the rows of a closed <details> keep boxes from when it was open: not shown)
    if (r.width <= 1 || r.height <= 1) continue;
    if (!el.checkVisibility({ visibilityProperty: true })) continue;
    if (el.classList.contains('skip')) continue;
    boxes.push([el, r]);
  }
  const out = [];
  const name = (el) => `${el.tagName}#${el.id || el.className}`;
  for (let i = 0; i < boxes.length; i++)
    for (let j = i + 1; j < boxes.length; j++) {
      const [a, p] = boxes[i], [b, q] = boxes[j];
      if (a.contains(b) || b.contains(a)) continue;
      const w = Math.min(p.right, q.right) - Math.max(p.left, q.left);
      const h = Math.min(p.bottom, q.bottom) - Math.max(p.top, q.top);
      if (w > 2 && h > 2) out.push(`${name(a)} / ${name(b)} ${p.top | 0} ${q.top | 0}`);
    }
  return out.slice(0, 8);
}"""


PAGE_TEXTS = """() => {
  const out = [];
  const shown = (el) => {
    const r = el.getBoundingClientRect();
    return (r.width || r.height) && getComputedStyle(el).visibility !== 'hidden';
  };
  const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walk.nextNode(); n; n = walk.nextNode()) {
    // the routine's own text in the editor is the user's; code is what a person types
    const el = n.parentElement;
    if (!el || el.closest('script, style, code, #editor, datalist') || !shown(el)) continue;
    if (n.textContent.trim()) out.push([el.closest('[id]')?.id || el.tagName, n.textContent]);
  }
  for (const el of document.querySelectorAll('[placeholder], [title], [aria-label]'))
    for (const a of ['placeholder', 'title', 'aria-label'])
      if (el.getAttribute(a)) out.push([`${el.id || el.tagName}@${a}`, el.getAttribute(a)]);
  for (const o of document.querySelectorAll('select option'))
    out.push([o.parentElement.id, o.text]);
  for (const tr of document.querySelectorAll('track')) out.push(['track', tr.label]);
  return out;
}"""
_STOP = (
    "the of and to is are with for from must missing required seconds second rounds times "
    "noise none default built-in words minute per step unknown key got not did you mean "
    "see text number lacks utterances record them take too quiet loud empty nothing was "
    "recorded longer than larger at routine language profile phrase table"
)
STOP_WORDS = set(_STOP.split())
_ALLOWED = (
    "english deutsch français piper espeak espeak-ng pyttsx3 fake recorded yaml mp3 m4b opus "
    "ogg aac wav html pdf qr lufs dbtp db dbfs hz ffmpeg audio-guide id3 tlan iso cldr"
)
ALLOWED = set(_ALLOWED.split())
"""Proper nouns, formats, units and the engine ids a person types."""
LITERAL = re.compile(r"'[^'\n]*'|\"[^\"\n]*\"|«[^»]*»|\{\w+\}|--[\w-]+|\S*[/_.\d]\S*")
"""Quoted text, placeholders, flags, file names, paths, keys and numbers: what a person types."""


def english_words() -> set[str]:
    """Words of the English catalogue and phrase-key help that no Spanish text uses, and the
    stop words: the detector of English left on a Spanish page."""
    root = data_dir()
    catalogue = Path(messages.__file__).parent / "static" / "i18n"
    en = " ".join(json.loads((catalogue / "en.json").read_text(encoding="utf-8")).values())
    en += (root / "phrases" / "keys.yaml").read_text(encoding="utf-8")
    es = " ".join(json.loads((catalogue / "es.json").read_text(encoding="utf-8")).values())
    es += (root / "phrases" / "es.yaml").read_text(encoding="utf-8")
    es += (root / "back_pain_es.yaml").read_text(encoding="utf-8")
    return (words(LITERAL.sub(" ", en)) - words(es) | STOP_WORDS) - ALLOWED


def words(text: str) -> set[str]:
    return {w.lower() for w in re.findall(r"[^\W\d_]+(?:-[^\W\d_]+)*", text) if len(w) > 1}


def english_on(tab: Any, typed: str, english: set[str]) -> list[str]:
    """Every shown text with an English word in it (beside what the person typed)."""
    own = words(typed)
    found = []
    for where, text in tab.evaluate(PAGE_TEXTS):
        left = sorted(words(LITERAL.sub(" ", text)) & english - own)
        if left:
            found.append(f"{where}: {left} in {text[:120]!r}")
    return found
