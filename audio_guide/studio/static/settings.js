// The "Voice and pacing" panel: controls generated from /api/controls, per-point overrides.
"use strict";
import { $, api, registerPanel, say, state } from "./core.js";
import { schedulePlan } from "./plan.js";
import { has, t, valueWord } from "./i18n.js";

const label = (c) => (has(`setting.${c.name}`) ? t(`setting.${c.name}`) : c.label);
const helpOf = (c) => (has(`setting.${c.name}.help`) ? t(`setting.${c.name}.help`) : c.help);

export function buildControls(list) {
  const root = $("controls");
  root.textContent = "";
  const sections = {};
  for (const c of list) {
    if (c.kind === "per_point") continue;
    if (c.kind === "per_key") { root.appendChild(keyedElement(c)); continue; }
    if (!sections[c.section]) {
      const fs = document.createElement("fieldset");
      fs.innerHTML = `<legend></legend>`;
      fs.querySelector("legend").textContent = has(`section.${c.section}`) ? t(`section.${c.section}`) : c.section;
      root.appendChild(fs);
      sections[c.section] = fs;
    }
    sections[c.section].appendChild(controlElement(c));
  }
}

function controlElement(c) {
  const wrap = document.createElement("div");
  wrap.className = "control";
  wrap.id = `control-${c.name}`;
  const name = document.createElement("label");
  name.textContent = label(c);
  name.htmlFor = `ctl-${c.name}`;
  name.title = `${c.flag}: ${helpOf(c)}`;
  let input;
  if (c.kind === "choice" || c.kind === "switch") {
    input = document.createElement("select");
    for (const v of c.choices) input.add(new Option(valueWord(c.name, v), v));
  } else {
    input = document.createElement("input");
    const words = c.words || [];
    if (c.kind === "number" && !words.length) {
      input.type = "number";
      input.min = c.min; input.max = c.max;
      input.step = c.integer ? 1 : "any";
    }
    if (words.length || c.kind === "voice") {
      const list = document.createElement("datalist");
      list.id = `list-${c.name}`;
      for (const w of words) list.appendChild(new Option(valueWord(c.name, w), w));
      wrap.appendChild(list);
      input.setAttribute("list", list.id);
    }
  }
  input.id = `ctl-${c.name}`;
  input.name = c.name;
  input.className = c.name in state.overrides ? "" : "inherited";
  if (c.name in state.overrides) input.value = state.overrides[c.name];
  input.addEventListener("change", () => {
    state.overrides[c.name] = input.value.trim();
    if (state.overrides[c.name] === "") delete state.overrides[c.name];
    if (c.name === "engine") state.voicesFor = null;
    input.classList.toggle("inherited", !(c.name in state.overrides));
    schedulePlan();
  });
  const reset = document.createElement("button");
  reset.className = "reset"; reset.type = "button"; reset.textContent = "↺";
  reset.title = t("settings.reset");
  reset.setAttribute("aria-label", t("settings.reset_n", { name: label(c) }));
  reset.addEventListener("click", () => { delete state.overrides[c.name]; input.classList.add("inherited"); schedulePlan(); });
  const help = document.createElement("small");
  const span = `${c.min}..${c.max}`;
  const unit = has(`unit.${c.unit}`) ? t(`unit.${c.unit}`) : c.unit;
  const range = c.kind === "number" && !helpOf(c).includes(span) ? ` — ${span} ${unit}` : "";
  help.textContent = helpOf(c) + range;
  help.id = `help-${c.name}`;
  input.setAttribute("aria-describedby", `help-${c.name} msg-${c.name}`);
  const msg = document.createElement("div");
  msg.className = "msg";
  msg.id = `msg-${c.name}`;
  wrap.append(name, input, reset, help, msg);
  return wrap;
}

// A setting overridden key by key (phrases): one input per key, the shipped text greyed.
function keyedElement(c) {
  const box = document.createElement("details");
  box.id = `control-${c.name}`;
  box.className = "keyed";
  box.innerHTML = `<summary></summary><div class="msg error"></div>`;
  box.querySelector("summary").textContent = `${label(c)} (${c.items.length}) — ${helpOf(c)}`;
  state.keyed[c.name] = state.keyed[c.name] || {};
  for (const item of c.items) {
    const row = document.createElement("div");
    row.className = "control";
    const label = document.createElement("label");  // the key as written in YAML: code
    label.appendChild(document.createElement("code")).textContent = item.key;
    label.htmlFor = `ctl-${c.name}-${item.key}`;
    const input = document.createElement("input");
    input.id = label.htmlFor;
    const mine = state.keyed[c.name][item.key];
    input.className = mine === undefined ? "inherited" : "";
    input.value = mine === undefined ? item.default : mine;
    input.addEventListener("change", () => {
      const v = input.value.trim();
      const shipped = (state.keyDefaults[c.name] || {})[item.key] || item.default;
      if (v === "" || v === shipped) { delete state.keyed[c.name][item.key]; input.value = shipped; }
      else state.keyed[c.name][item.key] = v;
      input.classList.toggle("inherited", !(item.key in state.keyed[c.name]));
      schedulePlan();
    });
    const help = document.createElement("small");
    const marks = item.placeholders.map((p) => `{${p}}`).join(" ");
    help.textContent = `${(item.says || {})[state.lang] || item.help}${marks ? ` ${t("settings.placeholders")} ${marks}` : ""}`;
    row.append(label, input, document.createElement("span"), help);
    box.appendChild(row);
  }
  return box;
}

/** Show the effective settings; each control's title says where its value comes from, when
 *  `origins` (worded by the server in the page's language) are given, else it has none. */
function showSettings(effective, origins) {
  for (const c of state.controls) {
    if (c.kind === "per_point") continue;
    if (c.kind === "per_key") {
      for (const item of c.items) {
        const input = $(`ctl-${c.name}-${item.key}`);
        if (item.key in state.keyed[c.name] || document.activeElement === input) continue;
        const shipped = (state.keyDefaults[c.name] || {})[item.key] || item.default;
        input.value = (effective[c.name] || {})[item.key] || shipped;
        if (origins) input.title = t("settings.from", { origin: origins[`${c.name}.${item.key}`] || t("settings.phrase_table") });
        else input.removeAttribute("title");
      }
      continue;
    }
    const input = $(`ctl-${c.name}`);
    if (!(c.name in state.overrides) && document.activeElement !== input) {
      if (input.tagName === "SELECT" && ![...input.options].some((o) => o.value === effective[c.name])) {
        input.add(new Option(effective[c.name], effective[c.name]));
      }
      input.value = effective[c.name];
    }
    if (origins) input.title = t("settings.from", { origin: origins[c.name] || "?" });
    else input.removeAttribute("title");
  }
}

export function showFieldErrors(fields) {
  for (const c of state.controls) {
    const box = $(`control-${c.name}`);
    const msg = fields[c.name] || "";
    if (box && box.querySelector(".msg")) { box.classList.toggle("bad", !!msg); box.querySelector(".msg").textContent = msg; }
    if (box && msg && box.tagName === "DETAILS") box.open = true;
  }
  const pointMsg = [fields.holds, fields.cycles].filter(Boolean).join("\n");
  $("points").dataset.error = pointMsg;
  if (pointMsg) $("plan-error").textContent = pointMsg;
}

async function loadVoices(engine) {
  if (state.voicesFor === engine) return;
  state.voicesFor = engine;
  try {
    const data = await api(`/api/voices?engine=${encodeURIComponent(engine)}`);
    const list = $("list-voice");
    list.textContent = "";
    for (const v of data.voices) list.appendChild(new Option(`${v.name} (${v.languages.join(", ")})`, v.id));
  } catch (e) { say(e.message); }
}

// ---- per-point overrides, one row per step of the routine ----
function showPoints(steps, effective) {
  const root = $("points");
  root.textContent = "";
  for (const s of steps) {
    const row = document.createElement("div");
    row.className = "control";
    const label = document.createElement("label");
    label.textContent = s.point;
    label.title = s.title;
    label.htmlFor = `point-${s.point}`;
    const input = document.createElement("input");
    input.id = `point-${s.point}`;
    const table = s.work === "hold" ? state.holds : state.cycles;
    const current = (effective[s.work === "hold" ? "holds" : "cycles"] || {})[s.point];
    input.value = table[s.point] || current || s.value;
    input.className = s.point in table ? "" : "inherited";
    input.placeholder = s.work === "hold" ? t("settings.seconds") : t("settings.cycles_form");
    input.addEventListener("change", () => {
      const v = input.value.trim();
      if (v === "" || v === s.value) delete table[s.point]; else table[s.point] = v;
      schedulePlan();
    });
    const help = document.createElement("small");
    help.textContent = `${s.title} — ${s.work === "hold" ? t("settings.hold_help") : t("settings.cycles_help")}`;
    row.append(label, input, document.createElement("span"), help);
    root.appendChild(row);
  }
}

registerPanel({
  name: "settings",
  onLanguage() { buildControls(state.controls); if (state.plan) this.onPlan(state.plan); },
  onPlan(res) {
    state.keyDefaults.phrases = res.phrase_defaults;
    // a plan asked for in another language (the page switched since) keeps its values but not
    // its origins' words, until the plan asked for in this language comes back
    showSettings(res.settings, res.lang === state.lang ? res.origins : null);
    showPoints(res.steps, res.settings);
    loadVoices(res.settings.engine);
  },
});
