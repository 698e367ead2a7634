// "The plan" panel: the total length and the timeline picture, redrawn after every change.
"use strict";
import { $, api, debounce, emit, registerPanel, requestBody, say, state } from "./core.js";
import { showFieldErrors } from "./settings.js";
import { t } from "./i18n.js";

/** Say that the figures shown are not those of the routine as it is now (a new routine, an
 *  invalid one, a failed plan): the total and the picture are cleared, not left as if current. */
export function markStale(reason) {
  state.plan = null;
  $("total").textContent = "–";
  $("plan-note").textContent = t(`plan.stale.${reason}`);
  $("picture").classList.add("stale");
  $("picture-img").removeAttribute("src");
  if (state.pictureUrl) { URL.revokeObjectURL(state.pictureUrl); state.pictureUrl = null; }
}

async function plan() {
  const seq = ++state.planSeq;
  const lang = state.lang;  // the server words the plan's texts (origins, warnings) in it
  say(t("plan.planning"));
  try {
    const res = await api("/api/plan", { json: requestBody() });
    if (seq !== state.planSeq) return;
    res.lang = lang;
    state.plan = res;
    showFieldErrors({});
    $("plan-error").textContent = "";
    $("picture").classList.remove("stale");
    $("total").textContent = res.length;
    $("total").dataset.lang = lang;
    $("plan-note").textContent = [
      res.skipped_counts ? t("plan.skipped", { n: res.skipped_counts }) : "",
      ...(res.count_warnings || []),
      res.filled ? t("plan.filled", { n: res.filled, engine: res.settings.fill }) : "",
    ].filter(Boolean).join(" ");
    if (state.pictureUrl) URL.revokeObjectURL(state.pictureUrl);
    state.pictureUrl = URL.createObjectURL(new Blob([res.svg], { type: "image/svg+xml" }));
    $("picture-img").src = state.pictureUrl;
    $("picture-img").dataset.duration = res.duration;
    emit("onPlan", res);
    say("");
  } catch (e) {
    if (seq !== state.planSeq) return;
    if (e.data && e.data.fields) showFieldErrors(e.data.fields);
    else if (e.data && e.data.problems) {
      $("plan-error").textContent = e.data.problems.map((p) => `${p.file}:${p.line}:${p.col}: ${p.message}`).join("\n");
    } else $("plan-error").textContent = e.message;
    say("");
    markStale("failed");
    emit("onPlanFailed", e);
  }
}

/** Re-plan shortly after the last change (settings, routine text). */
export const schedulePlan = debounce(plan, 300);

registerPanel({ name: "plan", onLanguage() { schedulePlan(); } });
