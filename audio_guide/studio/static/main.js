// audio-guide studio: plain ES modules over the studio's JSON endpoints. No build step, no CDN.
// Each panel is a module that registers itself (see core.js); import a new one here.
"use strict";
import { $, api, emit, say, state } from "./core.js";
import { buildControls } from "./settings.js";
import { openRoutine } from "./routine.js";
import "./plan.js";
import "./preview.js";
import "./build.js";
import "./profile.js";

async function init() {
  const data = await api("/api/controls");
  state.controls = data.controls;
  buildControls(state.controls);
  for (const started of emit("init")) await started;
  const shipped = [...$("routine-picker").options].find((o) => o.value === "shipped:back_pain");
  if (shipped) { $("routine-picker").value = shipped.value; await openRoutine(shipped.value); }
}

init().catch((e) => say(`could not start: ${e.message}`));
