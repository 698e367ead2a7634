// audio-guide studio, shared core: element lookup, page state, the JSON API, the panel registry.
//
// A panel is an ES module that imports what it needs from here and calls registerPanel() at
// load time; main.js imports every panel module once (add one line there for a new panel).
// The page calls these optional hooks on every registered panel, in registration order:
//   init()            once, after the controls and routines are loaded (may be async)
//   onPlan(plan)      after each successful /api/plan (plan = its JSON)
//   onPlanFailed(err) after a /api/plan that was refused (err.message says why)
//   onBuildDone(job)  after a build finished (job = the /api/builds/ID JSON)
//   onLanguage(lang)  after the page's language changed (re-render texts with t())
//   settings()        an object of extra setting texts merged into every request's settings
//   request()         an object of extra top-level fields merged into every request body
// Texts come from the message catalogue: import { t } from "./i18n.js"; t("key", {name: v}).
"use strict";

export const $ = (id) => document.getElementById(id);
export const state = { controls: [], overrides: {}, holds: {}, cycles: {}, keyed: {}, keyDefaults: {}, ref: null,
                       plan: null, job: null, planSeq: 0, pictureUrl: null, voicesFor: null, lang: "en",
                       form: null, problems: [] };

const panels = [];

/** Add a panel (an object with any of the hooks above). */
export function registerPanel(panel) { panels.push(panel); }

/** Call `hook(...args)` on every panel that has it; returns their results. */
export function emit(hook, ...args) {
  return panels.filter((p) => typeof p[hook] === "function").map((p) => p[hook](...args));
}

export function debounce(fn, ms) {
  let t = null;
  return (...a) => { clearTimeout(t); t = setTimeout(() => fn(...a), ms); };
}

export async function api(path, options = {}) {
  const init = { ...options };
  init.headers = { "X-Studio-Language": state.lang, ...(init.headers || {}) };
  if (init.json !== undefined) {
    init.method = init.method || "POST";
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(init.json);
    delete init.json;
  }
  const res = await fetch(path, init);
  const type = res.headers.get("content-type") || "";
  const data = type.includes("application/json") ? await res.json() : await res.blob();
  if (!res.ok) throw Object.assign(new Error((data && data.error) || res.statusText), { data, status: res.status });
  return data;
}

export function say(text) { $("status").textContent = text; }

// ---- the request every plan, preview, build and profile sends ----
export function settingsBody() {
  const out = { ...state.overrides };
  const holds = Object.entries(state.holds).map(([p, v]) => `${p}=${v}`);
  const cycles = Object.entries(state.cycles).map(([p, v]) => `${p}=${v}`);
  if (holds.length) out.holds = holds;
  if (cycles.length) out.cycles = cycles;
  for (const [name, items] of Object.entries(state.keyed)) {
    const list = Object.entries(items).map(([k, v]) => `${k}=${v}`);
    if (list.length) out[name] = list;
  }
  for (const extra of emit("settings")) Object.assign(out, extra);
  return out;
}

export function requestBody(extra = {}) {
  const body = { routine: { ref: state.ref, text: $("editor").value }, settings: settingsBody() };
  for (const more of emit("request")) Object.assign(body, more);
  return { ...body, ...extra };
}
