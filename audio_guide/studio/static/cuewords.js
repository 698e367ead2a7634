// A step's cue words: its own `phrases:` (what it says instead of the phrase table), in a
// collapsible section of the step card. One field per phrase key the step's work says, with the
// routine language's plural forms; empty means the table's words (shown as the placeholder).
// The keys, their forms and defaults come from the server (/api/cuewords: the script's own code
// and the shipped tables), as do the Stretch template's words. What is typed is checked by the
// pipeline like any routine text: its problems come back at their field.
"use strict";
import { api, state } from "./core.js";
import { has, t } from "./i18n.js";
import { edit, field, textInput } from "./form.js";

const answers = new Map(); // routine language -> promise of /api/cuewords
const known = new Map(); // routine language -> its answer, once there (to draw without waiting)
const opened = new Set(); // steps whose cue words are open, kept while the form is redrawn

/** The routine's language (a routine without `language:` is English). */
function routineLanguage() { return (state.form && state.form.language) || "en"; }

/** The cue words of `lang` from the server (asked once per language). */
export function cueWordsIn(lang = routineLanguage()) {
  if (!answers.has(lang)) {
    const asked = api(`/api/cuewords?lang=${encodeURIComponent(lang)}`);
    answers.set(lang, asked.then((info) => { known.set(lang, info); return info; }, (e) => { answers.delete(lang); throw e; }));
  }
  return answers.get(lang);
}

/** `step` with the Stretch template's cue words ("Stretch." / "Let go.") in the routine's language. */
export async function withStretchWords(step) {
  const info = await cueWordsIn();
  return { ...step, phrases: info.templates.stretch };
}

/** A step's `phrases:` as dotted paths -> text (`hold_plan.one`). */
function flat(node, prefix = "", out = {}) {
  if (node === null || typeof node !== "object" || Array.isArray(node)) {
    if (prefix) out[prefix] = node === null || node === undefined ? "" : String(node);
    return out;
  }
  for (const [k, v] of Object.entries(node)) flat(v, prefix ? `${prefix}.${k}` : k, out);
  return out;
}

/** The collapsible cue words of step `i` (`s` its values; `how`: hold, cycles or phases). */
export function cueWords(s, i, how) {
  const box = document.createElement("details");
  box.className = "cue-words";
  box.id = `step-${i}-cues`;
  box.open = opened.has(i);
  box.addEventListener("toggle", () => (box.open ? opened.add(i) : opened.delete(i)));
  const given = flat(s.phrases);
  const count = Object.keys(given).length;
  const summary = document.createElement("summary");
  summary.id = `step-${i}-cues-head`;
  // Kept at the click: the form may be redrawn before the "toggle" event (a task later) comes.
  summary.addEventListener("click", () => (box.open ? opened.delete(i) : opened.add(i)));
  summary.dataset.path = `steps.${i}.phrases`;
  summary.textContent = count ? t("cue.summary_n", { n: count }) : t("cue.summary");
  const msg = document.createElement("div");
  msg.className = "field-msg";
  msg.id = `${summary.id}-msg`;
  const hint = document.createElement("p");
  hint.className = "hint";
  hint.textContent = t("cue.hint");
  const list = document.createElement("div");
  list.className = "cue-list";
  box.append(summary, msg, hint, list);
  const lang = routineLanguage();
  const draw = (info) => rows(list, info, i, how, given);
  if (known.has(lang)) draw(known.get(lang));
  else cueWordsIn(lang).then(draw).catch((e) => { list.textContent = e.message; });
  return box;
}

function rows(list, info, i, how, given) {
  list.textContent = "";
  const paths = [];
  for (const key of info.works[how] || []) {
    const spec = info.keys[key];
    const forms = Object.keys(spec.forms).filter(Boolean);
    if (!forms.length || typeof given[key] === "string" && given[key] !== "") paths.push(key); // one text for every number
    else paths.push(...forms.map((f) => `${key}.${f}`));
  }
  for (const path of Object.keys(given)) if (!paths.includes(path)) paths.push(path); // keys the form does not offer
  for (const path of paths) list.append(row(info, path, i, given));
}

function formWord(form) {
  return has(`cue.plural.${form}`) ? t(`cue.plural.${form}`) : t("cue.plural.exact", { n: form });
}

function row(info, path, i, given) {
  const [key, ...forms] = path.split(".");
  const spec = info.keys[key];
  const texts = spec ? spec.forms : {};
  const input = textInput(given[path]);
  input.placeholder = texts[forms.join(".")] ?? Object.values(texts).at(-1) ?? "";
  input.addEventListener("change", () => save(i, path, input.value.trim(), given));
  const id = `step-${i}-phrase-${path.replace(/\./g, "-")}`;
  const wrap = field(id, "cue.summary", input, ["steps", i, "phrases", ...path.split(".")]);
  const label = wrap.querySelector("label"); // named in the page language where the catalogue names the key
  const name = has(`cue.key.${key}`) ? t(`cue.key.${key}`) : key;
  label.textContent = forms.length ? t("cue.form", { key: name, form: forms.map(formWord).join(", ") }) : name;
  label.title = `phrases: ${path}`; // as the YAML writes it
  if (spec && spec.placeholders.length) {
    const marks = document.createElement("small");
    marks.id = `${id}-hint`;
    marks.textContent = `${t("settings.placeholders")} ${spec.placeholders.map((p) => `{${p}}`).join(" ")}`;
    input.setAttribute("aria-describedby", marks.id);
    wrap.insertBefore(marks, wrap.lastChild);
  }
  return wrap;
}

/** Write (or, empty, remove) one cue word; a plural key or `phrases:` left empty goes too. */
function save(i, path, value, given) {
  const at = ["steps", i, "phrases"];
  const parts = path.split(".");
  if (value) return edit([{ op: "set", path: [...at, ...parts], value }]);
  if (!(path in given)) return null;
  const left = Object.keys(given).filter((p) => p !== path);
  const edits = [{ op: "set", path: [...at, ...parts], value: null }];
  for (let n = parts.length - 1; n >= 1; n--) {
    const prefix = parts.slice(0, n).join(".");
    if (left.some((p) => p === prefix || p.startsWith(`${prefix}.`))) break;
    edits.push({ op: "set", path: [...at, ...parts.slice(0, n)], value: null });
  }
  if (!left.length) edits.push({ op: "set", path: at, value: null });
  return edit(edits);
}
