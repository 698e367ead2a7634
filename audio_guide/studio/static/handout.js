// The plan panel's handout buttons: the routine's printable handout (HTML or PDF) with the
// page's settings, opened in a new tab to print (or saved, when the browser blocks the tab).
"use strict";
import { $, api, requestBody, say, state } from "./core.js";
import { t } from "./i18n.js";

async function handout(format) {
  const tab = window.open("", "_blank");
  say(t("plan.handout_making"));
  try {
    const blob = await api("/api/handout", { json: requestBody({ format }) });
    const url = URL.createObjectURL(blob);
    const name = `${(state.plan && state.plan.name) || "routine"}.handout.${format}`;
    if (tab) tab.location.href = url;
    else Object.assign(document.createElement("a"), { href: url, download: name }).click();
    setTimeout(() => URL.revokeObjectURL(url), 60000);
    $("plan-error").textContent = "";
    say("");
  } catch (e) {
    if (tab) tab.close();
    $("plan-error").textContent = e.message;
    say("");
  }
}

$("handout-html").addEventListener("click", () => handout("html"));
$("handout-pdf").addEventListener("click", () => handout("pdf"));
