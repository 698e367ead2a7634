// The "Build" panel: start, progress pushed by the server (server-sent events), cancel, then the
// player, chapters, captions and downloads.
"use strict";
import { $, api, emit, registerPanel, requestBody, state } from "./core.js";
import { t } from "./i18n.js";
import { showFieldErrors } from "./settings.js";

let events = null;

async function startBuild() {
  $("build").disabled = true;
  status(t("build.starting"));
  try {
    const job = await api("/api/builds", { json: requestBody() });
    state.job = job.id;
    $("cancel").hidden = false;
    $("progress").hidden = false;
    follow(job.id);
  } catch (e) {
    $("build").disabled = false;
    if (e.data && e.data.fields) showFieldErrors(e.data.fields);
    status(e.message);
  }
}

function status(text) { $("build-status").textContent = text; }

/** Follow a build's progress as the server pushes it; announce each stage once. */
function follow(id) {
  if (events) events.close();
  events = new EventSource(`/api/builds/${id}/events`);
  let stage = null;
  events.onmessage = (ev) => {
    const job = JSON.parse(ev.data);
    if (job.state === "running" || job.state === "queued") {
      $("progress").value = job.percent || 0;
      $("progress").setAttribute("aria-valuetext", `${job.percent || 0}%`);
      if (job.stage !== stage) { stage = job.stage; status(`${stageName(job.stage || job.state)}…`); }
      return;
    }
    events.close();
    events = null;
    finish(job);
  };
  events.onerror = () => { if (events) { events.close(); events = null; status(t("build.lost")); $("build").disabled = false; } };
}

function stageName(stage) { const key = `stage.${stage}`; const s = t(key); return s === key ? stage : s; }

function finish(job) {
  $("build").disabled = false;
  $("cancel").hidden = true;
  $("progress").hidden = true;
  if (job.state === "done") { showBuild(job); emit("onBuildDone", job); }
  else status(job.state === "cancelled" ? t("build.cancelled") : t("build.failed", { error: job.error }));
}

function fmtTime(s) {
  const m = Math.floor(s / 60), r = Math.floor(s % 60);
  return `${m}:${String(r).padStart(2, "0")}`;
}

function showBuild(job) {
  const tl = job.timeline;
  state.built = job;
  status(t("build.done", { file: job.files.audio, seconds: job.seconds }));
  const player = $("player");
  player.dataset.timelineDuration = tl.duration;
  player.src = `/files/${encodeURIComponent(job.files.audio)}`;
  const track = $("captions");
  track.src = `/files/${encodeURIComponent(job.files.vtt)}`;
  track.srclang = (state.plan && state.plan.language) || "en";  // the captions speak the routine's
  player.textTracks[0].mode = "hidden";
  player.textTracks[0].oncuechange = (ev) => {
    const cues = ev.target.activeCues;
    $("caption-line").textContent = cues && cues.length ? cues[cues.length - 1].text : "";
  };
  const list = $("chapters");
  list.textContent = "";
  for (const c of tl.chapters) {
    const li = document.createElement("li");
    li.dataset.start = c.start;
    const go = document.createElement("button");
    go.type = "button";
    go.className = "link";
    go.innerHTML = `<span class="time"></span><span class="title"></span>`;
    go.querySelector(".time").textContent = fmtTime(c.start);
    go.querySelector(".title").textContent = c.title;
    go.addEventListener("click", () => { player.currentTime = c.start; player.play().catch(() => {}); });
    li.append(go);
    list.appendChild(li);
  }
  showDownloads(job);
}

function showDownloads(job) {
  const links = $("downloads");
  links.textContent = `${t("build.download")} `;
  for (const key of [job.files.format, "vtt", "timeline"]) {
    const a = document.createElement("a");
    a.href = `/files/${encodeURIComponent(job.files[key])}?download=1`;
    a.textContent = t(`build.file_${key}`);
    a.id = `download-${key}`;
    links.append(a, " ");
  }
}

registerPanel({
  name: "build",
  init() {
    $("build").addEventListener("click", startBuild);
    $("cancel").addEventListener("click", () => state.job && api(`/api/builds/${state.job}`, { method: "DELETE" }).catch(() => {}));
  },
  onLanguage() {
    if (state.built) { status(t("build.done", { file: state.built.files.audio, seconds: state.built.seconds })); showDownloads(state.built); }
  },
});
