// The routine form: title, language, count style, intro/safety/closing lines, and the step list
// (steps.js). Every change is a structured edit sent to /api/form, which applies it to the YAML
// text (comments and key order kept) and returns the new text: the YAML view and the form are
// one document. Typing in the YAML re-reads the form. Problems are marked on their field too.
"use strict";
import { $, api, debounce, registerPanel, state } from "./core.js";
import { languageName, t, valueWord } from "./i18n.js";
import { renderSteps, addMenu } from "./steps.js";

const LINES = ["intro", "safety", "outro"];
const LANGS = ["", "en", "es", "de", "fr"];
const COUNTS = ["", "every", "every:5", "countdown:5", "countdown:10", "none"];

/** Tell screen readers (and everyone) what the form did. */
export function note(text) { $("form-note").textContent = text; }

let queue = Promise.resolve();

/** Apply `edits` to the editor's text; then show the new text and form, keep focus on `focusId`.
 * Edits run one after another, each on the text the previous one left. */
export function edit(edits, focusId) {
  queue = queue.then(() => apply(edits, focusId));
  return queue;
}

async function apply(edits, focusId) {
  const keep = focusId || (document.activeElement && document.activeElement.id);
  try {
    const res = await api("/api/form", { json: { text: $("editor").value, edits } });
    $("editor").value = res.text;
    show(res);
    $("editor").dispatchEvent(new Event("input"));
  } catch (e) { note(e.message); }
  const el = keep && $(keep);
  if (el) el.focus();
}

/** Re-read the form from the YAML text (after typing in it, opening a routine). */
export async function reread() {
  try { show(await api("/api/form", { json: { text: $("editor").value, edits: [] } })); }
  catch (e) {
    state.form = null;
    $("form-fields").textContent = "";
    note(e.message);
  }
}
const scheduleReread = debounce(reread, 400);

/** A labelled field: `make` builds the input; `path` is its place in the document. */
export function field(id, labelKey, input, path, hintKey) {
  const wrap = document.createElement("div");
  wrap.className = "field";
  const label = document.createElement("label");
  label.htmlFor = id;
  label.textContent = t(labelKey);
  input.id = id;
  if (path) input.dataset.path = path.join(".");
  const msg = document.createElement("div");
  msg.className = "field-msg";
  msg.id = `${id}-msg`;
  wrap.append(label, input);
  if (hintKey) {
    const hint = document.createElement("small");
    hint.id = `${id}-hint`;
    hint.textContent = t(hintKey);
    input.setAttribute("aria-describedby", hint.id);
    wrap.append(hint);
  }
  wrap.append(msg);
  return wrap;
}

export function select(values, current, labelOf) {
  const sel = document.createElement("select");
  for (const v of values) sel.add(new Option(labelOf(v), v));
  if (current !== undefined && current !== null && !values.includes(String(current))) sel.add(new Option(String(current), String(current)));
  sel.value = current === undefined || current === null ? "" : String(current);
  return sel;
}

export function textInput(value, type = "text") {
  const input = document.createElement("input");
  input.type = type;
  if (type === "number") { input.min = "0"; input.step = "any"; }
  input.value = value === undefined || value === null ? "" : String(value);
  return input;
}

/** A number typed in a field, or null for blank. */
export function num(text) {
  const v = String(text).trim();
  if (v === "") return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : v;
}

function linesBox(key, doc) {
  const area = document.createElement("textarea");
  area.rows = 2;
  const value = doc[key];
  area.value = Array.isArray(value) ? value.join("\n") : (value ?? "");
  area.addEventListener("change", () => {
    const lines = area.value.split("\n").map((s) => s.trim()).filter(Boolean);
    edit([{ op: "set", path: [key], value: lines.length ? lines : null }]);
  });
  return field(`f-${key}`, `form.${key}`, area, [key], "form.lines_hint");
}

function show(res) {
  state.form = res.doc;
  state.positions = res.positions;
  const doc = res.doc;
  const root = $("form-fields");
  root.textContent = "";
  note("");
  const title = textInput(doc.title);
  title.addEventListener("change", () => edit([{ op: "set", path: ["title"], value: title.value.trim() || null }]));
  const lang = select(LANGS, doc.language, (v) => (v ? languageName(v, state.lang) : t("form.default")));
  lang.addEventListener("change", () => edit([{ op: "set", path: ["language"], value: lang.value || null }]));
  const pacing = doc.pacing && typeof doc.pacing === "object" ? doc.pacing : {};
  const count = select(COUNTS, pacing.count, (v) => (v ? valueWord("count", v) : t("form.default")));
  count.addEventListener("change", () => edit([{ op: "set", path: ["pacing", "count"], value: count.value || null }]));
  root.append(
    field("f-title", "form.title", title, ["title"]),
    field("f-language", "form.language", lang, ["language"]),
    field("f-count", "form.count", count, ["pacing", "count"], "form.count_hint"),
    linesBox("intro", doc), linesBox("safety", doc),
  );
  const steps = Array.isArray(doc.steps) ? doc.steps : [];
  root.append(renderSteps(steps), addMenu(steps.length));
  root.append(linesBox("outro", doc));
  markProblems(state.problems);
}

/** Mark each problem on the field it concerns (as well as at its line:col in the list). */
export function markProblems(problems) {
  state.problems = problems || [];
  for (const el of document.querySelectorAll("#form [aria-invalid]")) el.removeAttribute("aria-invalid");
  for (const el of document.querySelectorAll("#form .field-msg, #form .step-msg")) el.textContent = "";
  if (!state.positions) return;
  for (const p of state.problems) {
    const path = pathAt(p.line, p.col);
    if (!path) continue;
    let el = null;
    for (let n = path.length; n > 0 && !el; n--) el = document.querySelector(`#form [data-path="${path.slice(0, n).join(".")}"]`);
    if (!el) continue;
    el.setAttribute("aria-invalid", "true");
    const msg = el.id && $(`${el.id}-msg`);
    if (msg) {
      msg.textContent = p.message;
      const ids = new Set((el.getAttribute("aria-describedby") || "").split(" ").filter(Boolean));
      ids.add(msg.id);
      el.setAttribute("aria-describedby", [...ids].join(" "));
    }
    const closed = el.closest("details:not([open])"); // a step's cue words: open where the problem is
    if (closed) closed.open = true;
  }
}

function pathAt(line, col) {
  const exact = state.positions.filter((p) => p.line === line && p.col === col);
  const pool = exact.length ? exact : state.positions.filter((p) => p.line === line);
  if (!pool.length) return null;
  return pool.reduce((a, b) => (b.path.length > a.path.length ? b : a)).path;
}

registerPanel({
  name: "form",
  init() {
    $("editor").addEventListener("input", (e) => { if (e.isTrusted) scheduleReread(); });
  },
  // drawn again from the document it has (its words are the page's own): nothing to wait for
  onLanguage() { if (state.form) show({ doc: state.form, positions: state.positions }); },
});
