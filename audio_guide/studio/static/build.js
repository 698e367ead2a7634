// The "Build" panel: start, progress, cancel, then the player, chapters, captions and downloads.
"use strict";
import { $, api, emit, registerPanel, requestBody, state } from "./core.js";
import { showFieldErrors } from "./settings.js";

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
  if (job.state === "done") { showBuild(job); emit("onBuildDone", job); }
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

registerPanel({
  name: "build",
  init() {
    $("build").addEventListener("click", startBuild);
    $("cancel").addEventListener("click", () => state.job && api(`/api/builds/${state.job}`, { method: "DELETE" }).catch(() => {}));
  },
});
