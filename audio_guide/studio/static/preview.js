// The "Hear it" panel: a sentence or one whole step in the chosen voice.
"use strict";
import { $, api, registerPanel, requestBody, say } from "./core.js";
import { showChapterPicture } from "./pictures.js";

let chapters = [];

async function hear(extra, button) {
  button.disabled = true;
  try {
    const blob = await api("/api/preview", { json: requestBody(extra) });
    const audio = $("preview-audio");
    audio.src = URL.createObjectURL(blob);
    audio.play().catch(() => {});
  } catch (e) { say(e.message); } finally { button.disabled = false; }
}

registerPanel({
  name: "preview",
  init() {
    $("hear-sentence").addEventListener("click", (e) => hear({ text: $("preview-text").value }, e.target));
    $("hear-step").addEventListener("click", (e) => {
      const n = Number($("preview-step").value);
      showChapterPicture(chapters[n]);
      hear({ chapter: n }, e.target);
    });
  },
  onPlan(res) {
    const pick = $("preview-step"), old = pick.value;
    pick.textContent = "";
    chapters = res.chapters;
    res.chapters.forEach((c, i) => pick.add(new Option(c.title, String(i))));
    if (old && Number(old) < res.chapters.length) pick.value = old;
  },
});
