// "Record your voice": record every utterance of the current routine into a voice pack.
// Uses the microphone (getUserMedia + MediaRecorder); the server trims, levels or refuses each
// take (studio/recording.py). A panel (core.js): it refreshes its list after each plan.
"use strict";
import { $, api, registerPanel, requestBody, state } from "./core.js";
import { schedulePlan } from "./plan.js";
import { t, translated } from "./i18n.js";

const st = { pack: null, language: null, items: [], index: 0, stream: null, recorder: null, busy: false, missed: false, errors: {}, listSeq: 0 };

const takeUrl = (item) =>
  `/api/packs/${encodeURIComponent(st.pack)}/take?text=${encodeURIComponent(item.text)}&lang=${encodeURIComponent(st.language)}`;

function showError(text) { $("record-error").textContent = text || ""; }

// The row shown now for `item`: a list that came while a take was being made replaced the
// rows, so a take marks the row of its text, not the object it began with.
const shown = (item) => st.items.find((x) => x.text === item.text) || item;

async function loadPacks(select) {
  const data = await api("/api/packs");
  const pick = $("pack-picker");
  pick.textContent = "";
  for (const p of data.packs) pick.add(new Option(`${p.name} — ${p.speaker} (${p.language})`, p.name));
  if (!data.packs.length) { pick.add(translated(new Option("", ""), "record.none")); $("pack-new").open = true; }
  if (select) pick.value = select;
  st.pack = pick.value || null;
  await loadList();
}

async function loadList() {
  const root = $("takes");
  if (!st.pack) { root.textContent = ""; $("record-summary").textContent = ""; return; }
  const seq = ++st.listSeq;  // a take saved meanwhile makes this answer stale
  try {
    const data = await api(`/api/packs/${encodeURIComponent(st.pack)}/list`, { json: requestBody() });
    // an answer set aside (stale, or come while a take is made) is asked again by listAgain
    if (seq !== st.listSeq || st.recorder || st.busy) { st.missed = true; return; }
    st.missed = false;
    st.language = data.language;
    st.items = data.items;
    st.index = Math.min(st.index, Math.max(0, st.items.length - 1));
    // a list that failed (as while the routine loads) stops showing once a list comes; any
    // other message (a refused take) stays
    if (st.listError && $("record-error").textContent === st.listError) showError("");
    st.listError = "";
    render();
  } catch (e) { if (seq === st.listSeq) { st.listError = e.message; showError(e.message); } }
}

function render() {
  const root = $("takes");
  root.textContent = "";
  st.items.forEach((item, i) => {
    const li = document.createElement("li");
    li.id = `take-${item.n}`;
    if (i === st.index) li.setAttribute("aria-current", "true");
    const n = document.createElement("span"); n.className = "n"; n.textContent = `${item.n}.`;
    const badge = document.createElement("span");
    badge.className = `state ${item.recorded ? "recorded" : "missing"}`;
    badge.textContent = item.recorded ? t("record.recorded") : t("record.missing");
    if (st.recorder && i === st.index) { li.classList.add("recording"); badge.textContent = t("record.recording"); }
    const text = document.createElement("span"); text.className = "text"; text.textContent = item.text;
    if (item.count) text.title = t("record.count");
    const buttons = document.createElement("span");
    const rec = button(st.recorder && i === st.index ? t("record.stop") : t("record.record"), `${t("record.record")} ${item.n}`, () => { select(i); toggle(); });
    rec.className = "rec";
    const play = button(t("record.play"), `${t("record.play")} ${item.n}`, () => { select(i); playTake(); });
    const del = button(t("record.remove"), `${t("record.remove")} ${item.n}`, () => { select(i); removeTake(); });
    play.disabled = del.disabled = !item.recorded;
    buttons.append(rec, play, del);
    const msg = document.createElement("span"); msg.className = "msg"; msg.textContent = st.errors[item.text] || "";
    li.append(n, badge, text, buttons, msg);
    li.addEventListener("click", () => { $("takes").focus(); select(i); });
    root.appendChild(li);
  });
  const have = st.items.filter((x) => x.recorded).length;
  $("record-summary").textContent = st.items.length ? t("record.summary", { n: have, total: st.items.length }) : "";
}

function button(label, aria, onClick) {
  const b = document.createElement("button");
  b.type = "button"; b.textContent = label; b.tabIndex = -1;
  b.setAttribute("aria-label", aria);
  b.addEventListener("click", (e) => { e.stopPropagation(); $("takes").focus(); onClick(); });
  return b;
}

function select(i) {
  if (st.recorder || i < 0 || i >= st.items.length) return;
  st.index = i;
  render();
  const li = $(`take-${st.items[i].n}`);
  if (li) li.scrollIntoView({ block: "nearest" });
}

async function toggle() {
  if (st.busy) return;
  if (st.recorder) { st.recorder.stop(); return; }
  const item = st.items[st.index];
  if (!item) return;
  showError("");
  // busy while the microphone opens (the first time, a permission prompt): a second key press
  // would start a second recorder, and a list answering meanwhile would replace the rows
  st.busy = true;
  st.listSeq++;
  try {
    if (!st.stream) {
      st.stream = await navigator.mediaDevices.getUserMedia({
        audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false },
      });
    }
  } catch (e) { showError(t("record.no_mic", { why: e.message })); } finally { st.busy = false; }
  if (!st.stream) { listAgain(); return; }
  const chunks = [];
  const recorder = new MediaRecorder(st.stream);
  recorder.ondataavailable = (e) => { if (e.data.size) chunks.push(e.data); };
  recorder.onstop = () => {
    st.recorder = null;
    save(item, new Blob(chunks, { type: recorder.mimeType || "audio/webm" }));
  };
  st.recorder = recorder;
  st.listSeq++;
  recorder.start();
  render();
  $(`take-${item.n}`).classList.add("recording");
  $(`take-${item.n}`).querySelector(".state").textContent = t("record.recording");
}

async function save(item, blob) {
  st.busy = true;
  st.listSeq++;
  const li = $(`take-${item.n}`);
  if (li) li.querySelector(".state").textContent = t("record.saving");
  try {
    await api(takeUrl(item), { method: "PUT", headers: { "Content-Type": blob.type.split(";")[0] || "audio/webm" }, body: blob });
    shown(item).recorded = true; delete st.errors[item.text];
    const next = st.items.findIndex((x, i) => i > st.index && !x.recorded);
    if (next >= 0) st.index = next;
    afterChange();
  } catch (e) {
    st.errors[item.text] = e.message;
    showError(`${item.n}. ${e.message}`);
  } finally { st.busy = false; render(); listAgain(); }
}

// A list set aside while a take was made (as a plan of an edited routine's): ask again now.
function listAgain() { if (st.missed && !st.recorder && !st.busy) { st.missed = false; loadList(); } }

function afterChange() {
  if (requestBody().settings.engine === "recorded") schedulePlan();
}

function setSetting(name, value) {
  state.overrides[name] = value;
  const input = $(`ctl-${name}`);
  if (input) { input.value = value; input.classList.remove("inherited"); }
  if (name === "engine") state.voicesFor = null;
}

async function playTake() {
  const item = st.items[st.index];
  if (!item || !item.recorded) return;
  const audio = $("take-audio");
  audio.src = `${takeUrl(item)}&t=${Date.now()}`;
  audio.play().catch(() => {});
}

async function removeTake() {
  const item = st.items[st.index];
  if (!item || !item.recorded) return;
  st.listSeq++;
  try {
    await api(takeUrl(item), { method: "DELETE" });
    shown(item).recorded = false;
    render();
    afterChange();
  } catch (e) { showError(e.message); }
}

function onKey(e) {
  if (e.target.closest("input, select, textarea, button, details")) return;
  const keys = {
    " ": toggle,
    ArrowDown: () => select(st.index + 1),
    ArrowUp: () => select(st.index - 1),
    p: playTake,
    P: playTake,
    Delete: removeTake,
  };
  const act = keys[e.key];
  if (act && (e.target.id === "takes" || e.target === document.body)) { e.preventDefault(); act(); }
}

async function createPack() {
  const body = {
    name: $("pack-name").value.trim(),
    speaker: $("pack-speaker").value.trim(),
    language: $("pack-language").value.trim(),
    consent: $("pack-consent").value.trim(),
  };
  try {
    const pack = await api("/api/packs", { json: body });
    $("pack-new").open = false;
    showError("");
    await loadPacks(pack.name);
  } catch (e) { showError(e.message); }
}

registerPanel({
  name: "record",
  init() {
    $("pack-picker").addEventListener("change", (e) => { st.pack = e.target.value || null; st.index = 0; st.errors = {}; loadList(); });
    $("pack-create").addEventListener("click", createPack);
    $("pack-language").addEventListener("input", (e) => { e.target.dataset.chosen = "1"; });
    $("pack-use").addEventListener("click", () => {
      if (!st.pack) return;
      setSetting("engine", "recorded");
      setSetting("voice", st.pack);
      schedulePlan();
    });
    $("takes").addEventListener("keydown", onKey);
    return loadPacks().catch((e) => showError(e.message));
  },
  onPlan(plan) {
    // a new pack speaks the routine's language unless the person chose another
    const lang = $("pack-language");
    if (plan && plan.language && !lang.dataset.chosen) lang.value = plan.language;
    if (!st.recorder && !st.busy) loadList(); else st.missed = true;
  },
  onPlanFailed() { if (!st.recorder && !st.busy) loadList(); else st.missed = true; },
  onLanguage() { render(); if (!st.items.length && $("pack-picker").options.length) loadPacks(st.pack); },
});
