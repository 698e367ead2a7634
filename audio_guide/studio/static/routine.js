// The "Routine" panel: pick, upload, edit (forms in form.js, YAML text here), validate as you
// type, save.
"use strict";
import { $, api, debounce, registerPanel, say, state } from "./core.js";
import { t, translated } from "./i18n.js";
import { markProblems, reread } from "./form.js";
import { markStale, schedulePlan } from "./plan.js";

async function validate() {
  const problems = $("problems");
  try {
    const body = { routine: { ref: state.ref, text: $("editor").value } };
    if (state.pointFiles && state.pointFiles.length) body.points = state.pointFiles;
    const res = await api("/api/validate", { json: body });
    problems.textContent = "";
    problems.className = res.ok ? "ok" : "";
    markProblems(res.problems);
    if (!res.ok) { state.planSeq++; markStale($("editor").value.trim() ? "invalid" : "new"); }
    if (res.ok) {
      const li = document.createElement("li");
      li.append("✓ ", translated(document.createElement("span"), "routine.valid"));
      problems.append(li);
      schedulePlan();
      return;
    }
    for (const p of res.problems) {
      const li = document.createElement("li");
      const go = document.createElement("button");
      go.type = "button";
      go.className = "link";
      go.textContent = `${p.line}:${p.col}: ${p.message}`;
      go.addEventListener("click", () => goTo(p.line, p.col));
      li.append(go);
      problems.appendChild(li);
    }
  } catch (e) { problems.className = ""; problems.textContent = e.message; }
}
const scheduleValidate = debounce(validate, 350);

function goTo(line, col) {
  const ed = $("editor");
  $("yaml-box").open = true;
  const lines = ed.value.split("\n");
  let pos = 0;
  for (let i = 0; i < line - 1 && i < lines.length; i++) pos += lines[i].length + 1;
  ed.focus();
  ed.setSelectionRange(pos + col - 1, pos + col - 1);
}

async function loadRoutines(select) {
  const data = await api("/api/routines");
  const pick = $("routine-picker");
  const old = pick.value;
  pick.textContent = "";
  pick.add(translated(new Option("", ""), "routine.new"));
  for (const r of data.routines) {
    const opt = new Option(r.name, r.ref);
    opt.dataset.name = r.name;
    opt.dataset.where = r.where;
    pick.add(opt);
  }
  relabel();
  pick.value = select !== undefined ? select : old;
}

/** The picker's routines in the page language ("name (your folder)"), at once (no request). */
function relabel() {
  for (const opt of $("routine-picker").options) {
    if (opt.dataset.name) opt.text = `${opt.dataset.name}${opt.dataset.where === "folder" ? ` (${t("routine.yours")})` : ""}`;
  }
}

let opening = 0;

export async function openRoutine(ref) {
  const mine = ++opening; // a routine asked for later wins over one still loading
  state.ref = ref || null;
  state.holds = {}; state.cycles = {};
  markStale("new");
  if (!ref) {
    $("editor").value = "";
    $("save-name").value = "";
    await reread();
    await validate();
    return;
  }
  const data = await api(`/api/routine?ref=${encodeURIComponent(ref)}`);
  if (mine !== opening) return;
  $("editor").value = data.text;
  const first = data.text.match(/^\s*-\s*"?([^"\n]{10,})"?\s*$/m);
  if (first && !$("preview-text").value) $("preview-text").value = first[1];
  $("save-name").value = ref.startsWith("folder:") ? ref.slice(7) : "";
  await reread();
  await validate();
}

async function saveRoutine(name, text) {
  const res = await api(`/api/routines/${encodeURIComponent(name)}`, { method: "PUT", body: text });
  await loadRoutines(res.ref);
  state.ref = res.ref;
  say(res.ok ? t("routine.saved", { name }) : t("routine.saved_problems", { name }));
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
      try { await saveRoutine(file.name, file); await openRoutine(state.ref); } catch (err) { say(err.message); }
      e.target.value = "";
    });
    $("save-routine").addEventListener("click", () => {
      const name = $("save-name").value.trim();
      if (!name) { say(t("routine.need_name")); return; }
      saveRoutine(name, $("editor").value).catch((err) => say(err.message));
    });
  },
  // the page's own words change at once (translate() words the marked ones); the problems,
  // worded by the server, when it answers
  onLanguage() { relabel(); validate(); },
});
