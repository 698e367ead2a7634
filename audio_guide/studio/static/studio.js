// audio-guide studio: plain JS over the studio's JSON endpoints. No build step, no CDN.
"use strict";

const $ = (id) => document.getElementById(id);
const state = { controls: [], overrides: {}, holds: {}, cycles: {}, keyed: {}, keyDefaults: {}, ref: null, plan: null, job: null,
                planSeq: 0, pictureUrl: null, voicesFor: null };

function debounce(fn, ms) {
  let t = null;
  return (...a) => { clearTimeout(t); t = setTimeout(() => fn(...a), ms); };
}

async function api(path, options = {}) {
  const init = { ...options };
  if (init.json !== undefined) {
    init.method = init.method || "POST";
    init.headers = { "Content-Type": "application/json" };
    init.body = JSON.stringify(init.json);
    delete init.json;
  }
  const res = await fetch(path, init);
  const type = res.headers.get("content-type") || "";
  const data = type.includes("application/json") ? await res.json() : await res.blob();
  if (!res.ok) throw Object.assign(new Error((data && data.error) || res.statusText), { data, status: res.status });
  return data;
}

function say(text) { $("status").textContent = text; }

// ---- the request every plan, preview, build and profile sends ----
function settingsBody() {
  const out = { ...state.overrides };
  const holds = Object.entries(state.holds).map(([p, v]) => `${p}=${v}`);
  const cycles = Object.entries(state.cycles).map(([p, v]) => `${p}=${v}`);
  if (holds.length) out.holds = holds;
  if (cycles.length) out.cycles = cycles;
  for (const [name, items] of Object.entries(state.keyed)) {
    const list = Object.entries(items).map(([k, v]) => `${k}=${v}`);
    if (list.length) out[name] = list;
  }
  return out;
}
function requestBody(extra = {}) {
  return { routine: { ref: state.ref, text: $("editor").value }, settings: settingsBody(), ...extra };
}

// ---- controls, generated from /api/controls ----
function buildControls(list) {
  const root = $("controls");
  root.textContent = "";
  const sections = {};
  for (const c of list) {
    if (c.kind === "per_point") continue;
    if (c.kind === "per_key") { root.appendChild(keyedElement(c)); continue; }
    if (!sections[c.section]) {
      const fs = document.createElement("fieldset");
      fs.innerHTML = `<legend></legend>`;
      fs.querySelector("legend").textContent = c.section;
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
  const label = document.createElement("label");
  label.textContent = c.label;
  label.htmlFor = `ctl-${c.name}`;
  label.title = `${c.flag}: ${c.help}`;
  let input;
  if (c.kind === "choice" || c.kind === "switch") {
    input = document.createElement("select");
    for (const v of c.choices) input.add(new Option(v, v));
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
      for (const w of words) list.appendChild(new Option(w, w));
      wrap.appendChild(list);
      input.setAttribute("list", list.id);
    }
  }
  input.id = `ctl-${c.name}`;
  input.name = c.name;
  input.className = "inherited";
  input.addEventListener("change", () => {
    state.overrides[c.name] = input.value.trim();
    if (state.overrides[c.name] === "") delete state.overrides[c.name];
    if (c.name === "engine") state.voicesFor = null;
    input.classList.toggle("inherited", !(c.name in state.overrides));
    schedulePlan();
  });
  const reset = document.createElement("button");
  reset.className = "reset"; reset.type = "button"; reset.textContent = "↺";
  reset.title = "Back to the inherited value";
  reset.addEventListener("click", () => { delete state.overrides[c.name]; input.classList.add("inherited"); schedulePlan(); });
  const help = document.createElement("small");
  const span = `${c.min}..${c.max}`;
  const range = c.kind === "number" && !c.help.includes(span) ? ` — ${span} ${c.unit}` : "";
  help.textContent = c.help + range;
  const msg = document.createElement("div");
  msg.className = "msg";
  wrap.append(label, input, reset, help, msg);
  return wrap;
}

// A setting overridden key by key (phrases): one input per key, the shipped text greyed.
function keyedElement(c) {
  const box = document.createElement("details");
  box.id = `control-${c.name}`;
  box.className = "keyed";
  box.innerHTML = `<summary></summary><div class="msg error"></div>`;
  box.querySelector("summary").textContent = `${c.label} (${c.items.length}) — ${c.help}`;
  state.keyed[c.name] = {};
  for (const item of c.items) {
    const row = document.createElement("div");
    row.className = "control";
    const label = document.createElement("label");
    label.textContent = item.key.replace(/_/g, " ");
    label.htmlFor = `ctl-${c.name}-${item.key}`;
    const input = document.createElement("input");
    input.id = label.htmlFor;
    input.className = "inherited";
    input.value = item.default;
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
    help.textContent = `${item.help}${marks ? " Placeholders: " + marks : ""}`;
    row.append(label, input, document.createElement("span"), help);
    box.appendChild(row);
  }
  return box;
}

function showSettings(effective, origins) {
  for (const c of state.controls) {
    if (c.kind === "per_point") continue;
    if (c.kind === "per_key") {
      for (const item of c.items) {
        const input = $(`ctl-${c.name}-${item.key}`);
        if (item.key in state.keyed[c.name] || document.activeElement === input) continue;
        const shipped = (state.keyDefaults[c.name] || {})[item.key] || item.default;
        input.value = (effective[c.name] || {})[item.key] || shipped;
        input.title = `from ${origins[`${c.name}.${item.key}`] || "the phrase table"}`;
      }
      continue;
    }
    const input = $(`ctl-${c.name}`);
    if (!(c.name in state.overrides) && document.activeElement !== input) input.value = effective[c.name];
    input.title = `from ${origins[c.name] || "?"}`;
  }
}

function showFieldErrors(fields) {
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
  } catch (e) { say(`voices: ${e.message}`); }
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
    const input = document.createElement("input");
    input.id = `point-${s.point}`;
    const table = s.work === "hold" ? state.holds : state.cycles;
    const current = (effective[s.work === "hold" ? "holds" : "cycles"] || {})[s.point];
    input.value = table[s.point] || current || s.value;
    input.className = s.point in table ? "" : "inherited";
    input.placeholder = s.work === "hold" ? "seconds" : "press/release/times";
    input.addEventListener("change", () => {
      const v = input.value.trim();
      if (v === "" || v === s.value) delete table[s.point]; else table[s.point] = v;
      schedulePlan();
    });
    const help = document.createElement("small");
    help.textContent = `${s.title} — ${s.work === "hold" ? "hold, seconds" : "cycles: press/release/times"}`;
    row.append(label, input, document.createElement("span"), help);
    root.appendChild(row);
  }
}

// ---- validation and the live plan ----
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

async function plan() {
  const seq = ++state.planSeq;
  say("planning…");
  try {
    const res = await api("/api/plan", { json: requestBody() });
    if (seq !== state.planSeq) return;
    state.plan = res;
    showFieldErrors({});
    $("plan-error").textContent = "";
    $("total").textContent = res.length;
    $("plan-note").textContent = res.skipped_counts ? `(${res.skipped_counts} counts left out: they would not fit)` : "";
    if (state.pictureUrl) URL.revokeObjectURL(state.pictureUrl);
    state.pictureUrl = URL.createObjectURL(new Blob([res.svg], { type: "image/svg+xml" }));
    $("picture-img").src = state.pictureUrl;
    $("picture-img").dataset.duration = res.duration;
    state.keyDefaults.phrases = res.phrase_defaults;
    showSettings(res.settings, res.origins);
    showPoints(res.steps, res.settings);
    const pick = $("preview-step"), old = pick.value;
    pick.textContent = "";
    res.chapters.forEach((c, i) => pick.add(new Option(c.title, String(i))));
    if (old && Number(old) < res.chapters.length) pick.value = old;
    loadVoices(res.settings.engine);
    say("");
  } catch (e) {
    if (seq !== state.planSeq) return;
    if (e.data && e.data.fields) showFieldErrors(e.data.fields);
    else if (e.data && e.data.problems) {
      $("plan-error").textContent = e.data.problems.map((p) => `${p.file}:${p.line}:${p.col}: ${p.message}`).join("\n");
    } else $("plan-error").textContent = e.message;
    say("");
  }
}
const schedulePlan = debounce(plan, 300);

// ---- preview ----
async function hear(extra, button) {
  button.disabled = true;
  try {
    const blob = await api("/api/preview", { json: requestBody(extra) });
    const audio = $("preview-audio");
    audio.src = URL.createObjectURL(blob);
    audio.play().catch(() => {});
  } catch (e) { say(`preview: ${e.message}`); } finally { button.disabled = false; }
}

// ---- build ----
async function startBuild() {
  $("build").disabled = true;
  $("build-status").textContent = "starting…";
  try {
    const job = await api("/api/builds", { json: requestBody() });
    state.job = job.id;
    $("cancel").hidden = false;
    $("progress").hidden = false;
    poll(job.id);
  } catch (e) {
    $("build").disabled = false;
    if (e.data && e.data.fields) showFieldErrors(e.data.fields);
    $("build-status").textContent = e.message;
  }
}

async function poll(id) {
  let job;
  try { job = await api(`/api/builds/${id}`); } catch (e) { $("build-status").textContent = e.message; return; }
  if (job.state === "running" || job.state === "queued") {
    $("progress").value = job.percent || 0;
    $("build-status").textContent = `${job.stage || job.state} ${job.percent ?? ""}%`;
    setTimeout(() => poll(id), 300);
    return;
  }
  $("build").disabled = false;
  $("cancel").hidden = true;
  $("progress").hidden = true;
  if (job.state === "done") showBuild(job);
  else $("build-status").textContent = job.state === "cancelled" ? "cancelled; nothing was written" : `failed: ${job.error}`;
}

function fmtTime(s) {
  const m = Math.floor(s / 60), r = Math.floor(s % 60);
  return `${m}:${String(r).padStart(2, "0")}`;
}

function showBuild(job) {
  const t = job.timeline;
  $("build-status").textContent = `built ${job.files.mp3} in ${job.seconds} s`;
  const player = $("player");
  player.dataset.timelineDuration = t.duration;
  player.src = `/files/${encodeURIComponent(job.files.mp3)}`;
  const track = $("captions");
  track.src = `/files/${encodeURIComponent(job.files.vtt)}`;
  player.textTracks[0].mode = "hidden";
  player.textTracks[0].oncuechange = (ev) => {
    const cues = ev.target.activeCues;
    $("caption-line").textContent = cues && cues.length ? cues[cues.length - 1].text : "";
  };
  const list = $("chapters");
  list.textContent = "";
  for (const c of t.chapters) {
    const li = document.createElement("li");
    li.dataset.start = c.start;
    li.innerHTML = `<span class="time"></span><span class="title"></span>`;
    li.querySelector(".time").textContent = fmtTime(c.start);
    li.querySelector(".title").textContent = c.title;
    li.addEventListener("click", () => { player.currentTime = c.start; player.play().catch(() => {}); });
    list.appendChild(li);
  }
  const links = $("downloads");
  links.textContent = "Download: ";
  for (const [label, key] of [["MP3", "mp3"], ["captions (VTT)", "vtt"], ["timeline JSON", "timeline"]]) {
    const a = document.createElement("a");
    a.href = `/files/${encodeURIComponent(job.files[key])}?download=1`;
    a.textContent = label;
    a.id = `download-${key}`;
    links.append(a, " ");
  }
}

// ---- profile ----
async function saveProfile(target) {
  const name = $("profile-name").value.trim() || undefined;
  try {
    const res = await api("/api/profile", { json: requestBody({ target, name }) });
    if (target === "download") {
      const a = document.createElement("a");
      a.href = URL.createObjectURL(res);
      a.download = `${name || (state.plan && state.plan.name) || "profile"}.yaml`;
      a.click();
      $("profile-status").textContent = "downloaded; use it with: audio-guide build ROUTINE --profile FILE";
    } else {
      $("profile-status").textContent = `saved ${res.path}`;
    }
  } catch (e) { $("profile-status").textContent = e.message; }
}

// ---- routines ----
async function loadRoutines(select) {
  const data = await api("/api/routines");
  const pick = $("routine-picker");
  pick.textContent = "";
  pick.add(new Option("(pasted)", ""));
  for (const r of data.routines) pick.add(new Option(`${r.name}${r.where === "folder" ? " (your folder)" : ""}`, r.ref));
  if (select !== undefined) pick.value = select;
}

async function openRoutine(ref) {
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

async function init() {
  const data = await api("/api/controls");
  state.controls = data.controls;
  buildControls(state.controls);
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
  $("hear-sentence").addEventListener("click", (e) => hear({ text: $("preview-text").value }, e.target));
  $("hear-step").addEventListener("click", (e) => hear({ chapter: Number($("preview-step").value) }, e.target));
  $("build").addEventListener("click", startBuild);
  $("cancel").addEventListener("click", () => state.job && api(`/api/builds/${state.job}`, { method: "DELETE" }).catch(() => {}));
  $("profile-download").addEventListener("click", () => saveProfile("download"));
  $("profile-config").addEventListener("click", () => saveProfile("config"));
  const shipped = [...$("routine-picker").options].find((o) => o.value === "shipped:back_pain");
  if (shipped) { $("routine-picker").value = shipped.value; await openRoutine(shipped.value); }
}

init().catch((e) => say(`could not start: ${e.message}`));
