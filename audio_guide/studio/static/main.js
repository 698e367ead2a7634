// audio-guide studio: plain ES modules over the studio's JSON endpoints. No build step, no CDN.
// Each panel is a module that registers itself (see core.js); import a new one here.
"use strict";
import { $, api, emit, say, state } from "./core.js";
import { preferred, setLanguage } from "./i18n.js";
import { buildControls } from "./settings.js";
import { openRoutine } from "./routine.js";
import "./form.js";
import "./plan.js";
import "./handout.js";
import "./preview.js";
import "./build.js";
import "./profile.js";
import "./files.js";
import "./practice.js";
import "./record.js";

async function init() {
  const [data] = await Promise.all([api("/api/controls"), setLanguage(preferred())]);
  state.controls = data.controls;
  buildControls(state.controls);
  for (const done of emit("init")) await done;
  state.started = true;
  $("language").addEventListener("change", (e) => setLanguage(e.target.value, true));
  // the routine offered first speaks the page's language when one does (back_pain_es)
  const options = [...$("routine-picker").options];
  const shipped = options.find((o) => o.value === `shipped:back_pain_${state.lang}`)
    || options.find((o) => o.value === "shipped:back_pain");
  // unless a routine was picked while the page was starting
  if (shipped && !state.ref && !$("routine-picker").value) {
    $("routine-picker").value = shipped.value;
    await openRoutine(shipped.value);
  }
  document.body.dataset.ready = "true";
}

init().catch((e) => say(`${state.started ? "" : "could not start: "}${e.message}`));
