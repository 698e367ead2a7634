// Point files (as --points) and the cover image, chosen from the routines folder.
"use strict";
import { $, api, registerPanel, state } from "./core.js";
import { translated } from "./i18n.js";
import { forgetLibrary } from "./steps.js";
import { schedulePlan } from "./plan.js";

async function load() {
  const data = await api("/api/files");
  const box = $("point-files");
  for (const old of box.querySelectorAll(".check")) old.remove();
  state.pointFiles = (state.pointFiles || []).filter((f) => data.point_files.includes(f));
  for (const name of data.point_files) {
    const label = document.createElement("label");
    label.className = "check";
    const box1 = document.createElement("input");
    box1.type = "checkbox";
    box1.value = name;
    box1.checked = state.pointFiles.includes(name);
    box1.addEventListener("change", () => {
      state.pointFiles = [...box.querySelectorAll("input:checked")].map((c) => c.value);
      forgetLibrary();
      schedulePlan();
    });
    label.append(box1, ` ${name}`);
    box.append(label);
  }
  const cover = $("cover");
  const chosen = cover.value;
  cover.textContent = "";
  cover.add(translated(new Option("", ""), "files.no_cover"));
  for (const name of data.images) cover.add(new Option(name, name));
  cover.value = data.images.includes(chosen) ? chosen : "";
}

registerPanel({
  name: "files",
  init: load,
  request() {
    const out = {};
    if (state.pointFiles && state.pointFiles.length) out.points = state.pointFiles;
    if ($("cover").value) out.cover = $("cover").value;
    return out;
  },
});
