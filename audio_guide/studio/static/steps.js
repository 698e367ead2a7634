// The step list of the routine form: one card per step with its fields; add from a menu
// (library point with search, own point, say, pause, stretch, phased cycle); reorder by drag or
// by the arrow keys on a step's handle; duplicate; delete. Every change goes through edit().
"use strict";
import { $, api, state } from "./core.js";
import { t } from "./i18n.js";
import { edit, field, note, num, select, textInput } from "./form.js";
import { placer, pointImage, stepPicture } from "./pictures.js";
import { cueWords, withStretchWords } from "./cuewords.js";

const SIDES = ["", "together", "each", "left", "right"];
let library = null;
let libraryKey = null;

/** The library, its texts in the routine's language (else the page's). */
async function points() {
  const lang = (state.form && state.form.language) || state.lang;
  const query = pointQuery();
  const key = `${lang}|${query}`;
  if (!library || libraryKey !== key) {
    libraryKey = key;
    library = (await api(`/api/points${query}${query ? "&" : "?"}lang=${encodeURIComponent(lang)}`)).points;
  }
  return library;
}
/** The chosen point files as a query string (files.js keeps state.pointFiles). */
export function pointQuery() {
  const files = state.pointFiles || [];
  return files.length ? "?" + files.map((f) => `points=${encodeURIComponent(f)}`).join("&") : "";
}
export function forgetLibrary() { library = null; }

function kindOf(s) {
  if (!s || typeof s !== "object") return "other";
  if ("pause" in s) return "pause";
  if ("point" in s) return "point";
  if ("name" in s) return s.cycles && s.cycles.phases ? "phased" : "location" in s ? "own" : "stretch";
  if ("say" in s) return "say";
  return "other";
}

function summary(s, kind) {
  if (kind === "pause") return t("step.pause_summary", { seconds: s.pause });
  if (kind === "say") return [].concat(s.say || []).join(" ").slice(0, 60);
  return String(s.point || s.name || "");
}

/** The <ol> of step cards. */
export function renderSteps(steps) {
  const box = document.createElement("fieldset");
  const ids = document.createElement("datalist");
  ids.id = "point-ids";
  points().then((list) => { for (const pt of list) ids.append(new Option(pt.title ? `${pt.name} — ${pt.title}` : pt.name, pt.id)); }).catch(() => {});
  box.id = "steps";
  const legend = document.createElement("legend");
  legend.textContent = t("form.steps");
  const help = document.createElement("p");
  help.id = "move-help";
  help.className = "hint";
  help.classList.add("keys-hint");
  help.textContent = t("step.move_help");
  const touch = document.createElement("p");
  touch.className = "hint touch-hint";
  touch.textContent = t("step.move_touch");
  const list = document.createElement("ol");
  list.id = "step-list";
  steps.forEach((s, i) => list.appendChild(card(s, i, steps.length)));
  box.append(legend, help, touch, list, ids);
  return box;
}

function card(s, i, count) {
  const kind = kindOf(s);
  const li = document.createElement("li");
  li.className = `step step-${kind}`;
  li.id = `step-${i}`;
  li.dataset.path = `steps.${i}`;
  li.draggable = true;
  li.addEventListener("dragstart", (e) => { e.dataTransfer.setData("text/plain", String(i)); li.classList.add("dragging"); });
  li.addEventListener("dragend", () => li.classList.remove("dragging"));
  li.addEventListener("dragover", (e) => e.preventDefault());
  li.addEventListener("drop", (e) => {
    e.preventDefault();
    const from = Number(e.dataTransfer.getData("text/plain"));
    if (Number.isInteger(from) && from !== i) move(from, i);
  });
  const head = document.createElement("div");
  head.className = "step-head";
  const handle = button(`step-${i}-move`, "⇅", t("step.move", { n: i + 1, kind: t(`kind.${kind}`) }));
  handle.className = "handle";
  handle.setAttribute("aria-describedby", "move-help");
  handle.addEventListener("keydown", (e) => {
    const to = e.key === "ArrowUp" ? i - 1 : e.key === "ArrowDown" ? i + 1 : null;
    if (to === null) return;
    e.preventDefault();
    if (to >= 0 && to < count) move(i, to);
  });
  const title = document.createElement("span");
  title.className = "step-title";
  title.textContent = `${i + 1}. ${t(`kind.${kind}`)}: ${summary(s, kind)}`;
  // for touch (and anyone): move by buttons; focus stays on the same button of the moved step
  const up = button(`step-${i}-up`, "↑", t("step.up_n", { n: i + 1 }));
  up.disabled = i === 0;
  up.addEventListener("click", () => move(i, i - 1, `step-${i - 1}-up`));
  const down = button(`step-${i}-down`, "↓", t("step.down_n", { n: i + 1 }));
  down.disabled = i === count - 1;
  down.addEventListener("click", () => move(i, i + 1, `step-${i + 1}-down`));
  const dup = button(`step-${i}-dup`, t("step.duplicate"), t("step.duplicate_n", { n: i + 1 }));
  dup.addEventListener("click", () => edit([{ op: "duplicate", path: ["steps", i] }], `step-${i + 1}-move`));
  const del = button(`step-${i}-del`, t("step.delete"), t("step.delete_n", { n: i + 1 }));
  del.addEventListener("click", () => {
    edit([{ op: "delete", path: ["steps", i] }], count > 1 ? `step-${Math.min(i, count - 2)}-move` : "add-point");
    note(t("step.deleted", { n: i + 1 }));
  });
  const msg = document.createElement("div");
  msg.className = "step-msg";
  msg.id = `step-${i}-msg`;
  const tools = document.createElement("span");
  tools.className = "step-tools";
  tools.append(up, down, dup, del);
  head.append(handle, title, tools);
  li.append(head, msg, fields(s, i, kind));
  return li;
}

function button(id, text, label) {
  const b = document.createElement("button");
  b.type = "button";
  b.id = id;
  b.textContent = text;
  if (label && label !== text) b.setAttribute("aria-label", label);
  return b;
}

function move(from, to, focus = `step-${to}-move`) {
  edit([{ op: "move", path: ["steps", from], to }], focus).then(() => note(t("step.moved", { from: from + 1, to: to + 1 })));
}

const set = (i, key, value, focus) => edit([{ op: "set", path: ["steps", i, ...[].concat(key)], value }], focus);

function fields(s, i, kind) {
  const box = document.createElement("div");
  box.className = "step-fields";
  const p = (k) => ["steps", i, ...[].concat(k)];
  const text = (key, labelKey, hintKey) => {
    const input = textInput(s[key]);
    input.addEventListener("change", () => set(i, key, input.value.trim() || null));
    return field(`step-${i}-${key}`, labelKey, input, p(key), hintKey);
  };
  if (kind === "pause") {
    const input = textInput(s.pause, "number");
    input.addEventListener("change", () => set(i, "pause", num(input.value) ?? 0));
    box.append(field(`step-${i}-pause`, "step.pause_seconds", input, p("pause")));
    return box;
  }
  if (kind === "say" || kind === "other") {
    if (kind === "other") { box.textContent = t("step.other"); return box; }
    box.append(lines(s, i, "step.say_lines"));
    return box;
  }
  if (kind === "point") {
    const named = text("point", "step.point");
    named.querySelector("input").setAttribute("list", "point-ids");
    box.append(named);
    const info = document.createElement("div");
    info.className = "point-info";
    info.id = `step-${i}-info`;
    box.append(info);
    points().then((list) => showInfo(info, list, s.point)).catch(() => {});
    box.append(stepPicture(i, s.point));
  } else {
    const stretch = kind === "stretch"; // no place on the body: a stretch or an exercise, not a point
    box.append(text("name", "step.name"), ...(stretch ? [] : [text("location", "step.location")]), text("method", stretch ? "step.method_stretch" : "step.method"));
    if (kind === "own" || (stretch && s.figure)) { // a stretch placed in its YAML keeps its picture
      const place = (figure) => edit([{ op: "set", path: ["steps", i, "figure"], value: figure }], `step-${i}-move`);
      box.append(stepPicture(i, s.name, s.location), placer(i, s.figure, place));
    }
  }
  box.append(work(s, i), cueWords(s, i, howOf(s)));
  const sides = select(SIDES, s.sides, (v) => (v ? t(`sides.${v}`) : t("form.default")));
  sides.addEventListener("change", () => set(i, "sides", sides.value || null));
  const find = textInput(s.find, "number");
  find.addEventListener("change", () => set(i, "find", num(find.value)));
  box.append(field(`step-${i}-sides`, "step.sides", sides, p("sides")), field(`step-${i}-find`, "step.find", find, p("find"), "step.find_hint"));
  return box;
}

function lines(s, i, labelKey) {
  const area = document.createElement("textarea");
  area.rows = 2;
  area.value = [].concat(s.say || []).join("\n");
  area.addEventListener("change", () => {
    const said = area.value.split("\n").map((x) => x.trim()).filter(Boolean);
    set(i, "say", said.length ? said : null);
  });
  return field(`step-${i}-say`, labelKey, area, ["steps", i, "say"], "form.lines_hint");
}

function showInfo(info, list, name) {
  const key = (x) => String(x || "").replace(/\s+/g, "").toLowerCase();
  const found = list.find((pt) => [pt.id, pt.who, pt.name].some((x) => key(x) === key(name)));
  info.textContent = "";
  if (!found) return;
  const where = document.createElement("p");
  where.textContent = `${found.name}${found.title ? " — " + found.title : ""}: ${found.location}`;
  info.append(where);
  for (const c of found.cautions) {
    const warn = document.createElement("p");
    warn.className = "caution";
    warn.textContent = `${t("point.caution")} ${c}`;
    info.append(warn);
  }
}

const howOf = (s) => ("hold" in s ? "hold" : s.cycles && s.cycles.phases ? "phases" : "cycles" in s ? "cycles" : "hold");

function work(s, i) {
  const box = document.createElement("div");
  box.className = "work";
  const how = howOf(s);
  const pick = select(["hold", "cycles", "phases"], how, (v) => t(`work.${v}`));
  pick.addEventListener("change", () => {
    const v = pick.value;
    const value = v === "hold" ? 30 : v === "cycles" ? { press: 10, release: 5, times: 3 } : template("phased").cycles;
    edit([{ op: "set", path: ["steps", i, "hold"], value: v === "hold" ? value : null },
          { op: "set", path: ["steps", i, "cycles"], value: v === "hold" ? null : value }], pick.id);
  });
  box.append(field(`step-${i}-how`, "step.how", pick, null));
  if (how === "hold") {
    const input = textInput(s.hold, "number");
    input.addEventListener("change", () => set(i, "hold", num(input.value) ?? 30));
    box.append(field(`step-${i}-hold`, "step.hold", input, ["steps", i, "hold"]));
  } else if (how === "cycles") {
    for (const k of ["press", "release", "times"]) {
      const input = textInput((s.cycles || {})[k], "number");
      input.addEventListener("change", () => set(i, ["cycles", k], num(input.value)));
      box.append(field(`step-${i}-cycles-${k}`, `step.${k}`, input, ["steps", i, "cycles", k]));
    }
  } else {
    const phases = s.cycles.phases || [];
    phases.forEach((ph, j) => {
      const row = document.createElement("div");
      row.className = "phase";
      const say = textInput(ph.say);
      say.addEventListener("change", () => set(i, ["cycles", "phases", j, "say"], say.value.trim()));
      const secs = textInput(ph.seconds, "number");
      secs.addEventListener("change", () => set(i, ["cycles", "phases", j, "seconds"], num(secs.value) ?? 1));
      const drop = button(`step-${i}-phase-${j}-del`, "✕", t("step.phase_delete", { n: j + 1 }));
      drop.addEventListener("click", () => edit([{ op: "delete", path: ["steps", i, "cycles", "phases", j] }], `step-${i}-phase-add`));
      row.append(field(`step-${i}-phase-${j}-say`, "step.phase_say", say, ["steps", i, "cycles", "phases", j, "say"]),
                 field(`step-${i}-phase-${j}-seconds`, "step.phase_seconds", secs, ["steps", i, "cycles", "phases", j, "seconds"]), drop);
      box.append(row);
    });
    const add = button(`step-${i}-phase-add`, t("step.phase_add"));
    add.addEventListener("click", () => edit([{ op: "insert", path: ["steps", i, "cycles", "phases"], index: phases.length, value: { say: t("tpl.hold_breath"), seconds: 4 } }]));
    const times = textInput(s.cycles.times, "number");
    times.addEventListener("change", () => set(i, ["cycles", "times"], num(times.value) ?? 1));
    box.append(add, field(`step-${i}-cycles-times`, "step.times", times, ["steps", i, "cycles", "times"]));
  }
  return box;
}

/** A new step of `kind`, its texts in the page's language. */
function template(kind) {
  if (kind === "own") return { name: t("tpl.own_name"), location: t("tpl.own_location"), hold: 30 };
  if (kind === "say") return { say: [t("tpl.say")] };
  if (kind === "pause") return { pause: 10 };
  if (kind === "stretch") return { name: t("tpl.stretch_name"), method: t("tpl.stretch_method"), hold: 20, sides: "each" };
  return { name: t("tpl.breathing"), cycles: { phases: [{ say: t("tpl.breathe_in"), seconds: 4 }, { say: t("tpl.breathe_out"), seconds: 6 }], times: 5 } };
}

/** The "Add a step" menu, with the library search. */
export function addMenu(count) {
  const box = document.createElement("div");
  box.className = "add-menu";
  box.setAttribute("role", "group");
  box.setAttribute("aria-labelledby", "add-h");
  const h = document.createElement("span");
  h.id = "add-h";
  h.textContent = t("add.heading");
  box.append(h);
  const lib = button("add-point", t("kind.point"));
  lib.setAttribute("aria-expanded", "false");
  lib.setAttribute("aria-controls", "point-search");
  box.append(lib);
  for (const kind of ["own", "say", "pause", "stretch", "phased"]) {
    const b = button(`add-${kind}`, t(`kind.${kind}`));
    b.addEventListener("click", async () => {
      let value = template(kind);
      try { if (kind === "stretch") value = await withStretchWords(value); } catch (e) { note(e.message); return; }
      edit([{ op: "insert", path: ["steps"], index: count, value }], `step-${count}-move`); note(t("step.added", { n: count + 1 }));
    });
    box.append(b);
  }
  const search = document.createElement("div");
  search.id = "point-search";
  search.hidden = true;
  const query = textInput("", "search");
  const results = document.createElement("ul");
  results.id = "point-results";
  results.setAttribute("aria-live", "polite");
  search.append(field("point-query", "add.search", query, null, "add.search_hint"), results);
  lib.addEventListener("click", async () => {
    search.hidden = !search.hidden;
    lib.setAttribute("aria-expanded", String(!search.hidden));
    if (!search.hidden) { query.focus(); showResults(results, await matching(query.value), count); }
  });
  query.addEventListener("input", async () => showResults(results, await matching(query.value), count));
  box.append(search);
  return box;
}

let searchSeq = 0;
/** The library points matching `q`, best first (the server ranks: code, then words in the
 *  page language and English, accents and case ignored); null for an answer overtaken. */
async function matching(q) {
  const seq = ++searchSeq;
  if (!q.trim()) return (await points()).slice(0, 12);
  const lang = (state.form && state.form.language) || state.lang;
  const query = pointQuery();
  const found = (await api(`/api/points${query}${query ? "&" : "?"}lang=${encodeURIComponent(lang)}&q=${encodeURIComponent(q)}`)).points;
  return seq === searchSeq ? found : null;
}

function showResults(results, found, count) {
  if (!found) return;
  results.textContent = "";
  for (const pt of found) {
    const li = document.createElement("li");
    const b = button(`pick-${pt.id}`, `${pt.name}${pt.title ? " — " + pt.title : ""}${pt.region ? " (" + (pt.region_name || pt.region) + ")" : ""}`);
    b.addEventListener("click", () => { edit([{ op: "insert", path: ["steps"], index: count, value: { point: pt.id, hold: 30 } }], `step-${count}-hold`); note(t("step.added", { n: count + 1 })); });
    const where = document.createElement("small");
    where.textContent = pt.location + (pt.cautions.length ? ` ${t("point.caution")} ${pt.cautions.join(" ")}` : "");
    li.append(b, where, pointImage(pt.id, pt.name, pt.location, pointQuery(), "point-pic in-results"));
    results.append(li);
  }
  if (!found.length) results.textContent = t("add.none");
}
