// The "Save as profile" panel: the chosen settings as a profile YAML, downloaded or saved.
"use strict";
import { $, api, registerPanel, requestBody, state } from "./core.js";
import { t } from "./i18n.js";

async function saveProfile(target) {
  const name = $("profile-name").value.trim() || undefined;
  try {
    const res = await api("/api/profile", { json: requestBody({ target, name }) });
    if (target === "download") {
      const a = document.createElement("a");
      a.href = URL.createObjectURL(res);
      a.download = `${name || (state.plan && state.plan.name) || "profile"}.yaml`;
      a.click();
      $("profile-status").textContent = t("profile.downloaded");
    } else {
      $("profile-status").textContent = t("profile.saved", { path: res.path });
    }
  } catch (e) { $("profile-status").textContent = e.message; }
}

registerPanel({
  name: "profile",
  init() {
    $("profile-download").addEventListener("click", () => saveProfile("download"));
    $("profile-config").addEventListener("click", () => saveProfile("config"));
  },
});
