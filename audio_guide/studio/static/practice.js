// The practice panel: run `batch` on the studio's practice folder and watch its progress.
// It adds its own section to the page and talks to /api/practice (studio/practice_runs.py);
// shown only when the studio was started with --practice DIR.
"use strict";
import { $, api, registerPanel } from "./core.js";
import { t } from "./i18n.js";

let latest = null;

function section() {
  const panel = document.createElement("section");
  panel.id = "practice";
  panel.setAttribute("aria-labelledby", "practice-h");
  panel.hidden = true;
  panel.innerHTML = `
    <h2 id="practice-h" data-i18n="practice.heading"></h2>
    <p id="practice-folder"></p>
    <div class="row">
      <button id="practice-dry" type="button" data-i18n="practice.dry"></button>
      <button id="practice-run" type="button" data-i18n="practice.run"></button>
    </div>
    <p id="practice-summary" role="status" aria-live="polite"></p>
    <pre id="practice-log"></pre>`;
  (document.querySelector("main") || document.body).appendChild(panel);
  return panel;
}

function summary(run) {
  if (!run.done) return t("practice.running", { line: run.lines.length ? run.lines[run.lines.length - 1] : "" });
  const failed = run.failures.length ? t("practice.problems", { count: run.failures.length }) : "";
  const total = run.todo.length + run.up_to_date;
  if (!run.todo.length) return t("practice.uptodate", { total }) + failed;
  if (run.dry_run) return t("practice.todo", { todo: run.todo.length, total }) + failed;
  return t("practice.built", { built: run.built.length, todo: run.todo.length, seconds: run.seconds }) + failed;
}

function show(run) {
  latest = run;
  $("practice-summary").textContent = summary(run);
  const lines = [...run.lines];
  if (run.dry_run) lines.push(...run.todo.map((x) => t("practice.would", { track: x.track, why: x.why })));
  lines.push(...run.failures.map((f) => t("practice.problem", { message: f.message })));
  $("practice-log").textContent = lines.join("\n");
  for (const id of ["practice-dry", "practice-run"]) $(id).disabled = !run.done;
}

function fail(e) { $("practice-summary").textContent = e.message; }

async function poll() {
  const run = await api("/api/practice/batch");
  show(run);
  if (!run.done) setTimeout(() => poll().catch(fail), 500);
}

async function start(dryRun) {
  show(await api("/api/practice/batch", { json: { dry_run: dryRun } }));
  await poll();
}

function texts(folder) {
  for (const el of $("practice").querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
  if (folder) $("practice-folder").textContent = t("practice.folder", { folder });
  if (latest) show(latest);
}

let folder = null;

registerPanel({
  name: "practice",
  async init() {
    const about = await api("/api/practice");
    if (!about.folder) return;
    folder = about.folder;
    section().hidden = false;
    texts(folder);
    $("practice-dry").addEventListener("click", () => start(true).catch(fail));
    $("practice-run").addEventListener("click", () => start(false).catch(fail));
    if (about.run) show(about.run);
  },
  onLanguage() { if (folder) texts(folder); },
});
