// The "Routine" panel: pick, upload, edit (YAML text), validate as you type, save.
"use strict";
import { $, api, debounce, registerPanel, say, state } from "./core.js";
import { schedulePlan } from "./plan.js";

async function validate() {
  const problems = $("problems");
  try {
    const res = await api("/api/validate", { json: { routine: { ref: state.ref, text: $("editor").value } } });
    problems.textContent = "";
    problems.className = res.ok ? "ok" : "";
    if (res.ok) { problems.innerHTML = "<li>✓ valid</li>"; schedulePlan(); return; }
    for (const p of res.problems) {
      const li = document.createElement("li");
      li.textContent = `${p.line}:${p.col}: ${p.message}`;
      li.addEventListener("click", () => goTo(p.line, p.col));
      problems.appendChild(li);
    }
  } catch (e) { problems.className = ""; problems.textContent = e.message; }
}
const scheduleValidate = debounce(validate, 350);

function goTo(line, col) {
  const ed = $("editor");
  const lines = ed.value.split("\n");
  let pos = 0;
  for (let i = 0; i < line - 1 && i < lines.length; i++) pos += lines[i].length + 1;
  ed.focus();
  ed.setSelectionRange(pos + col - 1, pos + col - 1);
}

async function loadRoutines(select) {
  const data = await api("/api/routines");
  const pick = $("routine-picker");
  pick.textContent = "";
  pick.add(new Option("(pasted)", ""));
  for (const r of data.routines) pick.add(new Option(`${r.name}${r.where === "folder" ? " (your folder)" : ""}`, r.ref));
  if (select !== undefined) pick.value = select;
}

export async function openRoutine(ref) {
  state.ref = ref || null;
  if (!ref) { $("editor").value = ""; return; }
  const data = await api(`/api/routine?ref=${encodeURIComponent(ref)}`);
  $("editor").value = data.text;
  state.holds = {}; state.cycles = {};
  const first = data.text.match(/^\s*-\s*"?([^"\n]{10,})"?\s*$/m);
  if (first && !$("preview-text").value) $("preview-text").value = first[1];
  $("save-name").value = ref.startsWith("folder:") ? ref.slice(7) : "";
  await validate();
}

async function saveRoutine(name, text) {
  const res = await api(`/api/routines/${encodeURIComponent(name)}`, { method: "PUT", body: text });
  await loadRoutines(res.ref);
  state.ref = res.ref;
  say(`saved ${name}${res.ok ? "" : " (it still has problems)"}`);
}

registerPanel({
  name: "routine",
  async init() {
    await loadRoutines();
    $("routine-picker").addEventListener("change", (e) => openRoutine(e.target.value).catch((err) => say(err.message)));
    $("editor").addEventListener("input", scheduleValidate);
    $("upload").addEventListener("change", async (e) => {
      const file = e.target.files[0];
      if (!file) return;
      try { await saveRoutine(file.name, file); await openRoutine(state.ref); } catch (err) { say(`upload: ${err.message}`); }
      e.target.value = "";
    });
    $("save-routine").addEventListener("click", () => {
      const name = $("save-name").value.trim();
      if (!name) { say("give a file name, e.g. my_routine.yaml"); return; }
      saveRoutine(name, $("editor").value).catch((err) => say(`save: ${err.message}`));
    });
  },
});
