// Pictures of the points: a small picture beside each search result and on each point step's
// card, the chapter's point while "Hear step" plays, and a region figure an own step is placed
// on by a click (the server turns the click into the step's `figure:`).
"use strict";
import { $, api, requestBody, state } from "./core.js";
import { t } from "./i18n.js";

function lang() { return (state.form && state.form.language) || state.lang; }

/** The URL of point `id`'s picture in the routine's language (`query`: the point files). */
export function pictureUrl(id, query = "") {
  const sep = query ? "&" : "?";
  return `/api/points/${encodeURIComponent(id)}/picture${query}${sep}lang=${encodeURIComponent(lang())}`;
}

/** An <img> of a point's picture; its words are the point's name and where to find it. It
 *  removes itself when the point has no picture (the server answers 404). */
export function pointImage(id, name, location, query = "", cls = "point-pic") {
  const img = document.createElement("img");
  img.className = cls;
  img.loading = "lazy";
  img.alt = location ? `${name}: ${location}` : name;
  img.addEventListener("error", () => img.remove());
  img.src = pictureUrl(id, query);
  return img;
}

/** Fill `img` with the picture of a step of the routine being edited (`which`: {step: index}
 *  or {point: a chapter's point id}); own steps included. Hidden when it has none. */
async function stepImage(img, which) {
  try {
    const blob = await api("/api/steps/picture", { json: requestBody(which) });
    if (img.src) URL.revokeObjectURL(img.src);
    img.src = URL.createObjectURL(blob);
    img.hidden = false;
  } catch { img.hidden = true; }  // no picture (check notes it), or the routine has problems
}

/** The picture on step `i`'s card (library or own point, placed or not). */
export function stepPicture(i, name, location) {
  const img = document.createElement("img");
  img.className = "point-pic on-card";
  img.id = `step-${i}-picture`;
  img.alt = location ? `${name}: ${location}` : String(name || "");
  img.hidden = true;
  stepImage(img, { step: i });
  return img;
}

/** Show the picture of the chapter "Hear step" plays, beside its player (none: hidden). */
export function showChapterPicture(chapter) {
  let figure = $("preview-figure");
  if (!figure) {
    figure = document.createElement("figure");
    figure.id = "preview-figure";
    const img = document.createElement("img");
    img.className = "point-pic in-preview";
    figure.append(img, document.createElement("figcaption"));
    $("preview-audio").after(figure);
  }
  const [img, caption] = figure.children;
  figure.hidden = !(chapter && chapter.point);
  if (figure.hidden) return;
  img.alt = chapter.title;
  caption.textContent = chapter.title;
  stepImage(img, { point: chapter.point });
}

let figureList = null;

/** For an own step: pick a body region, click where the point is; `set(figure)` writes the
 *  step's `figure:` (through the form editor). */
export function placer(i, current, set) {
  const box = document.createElement("details");
  box.className = "placer";
  const summary = document.createElement("summary");
  summary.textContent = current ? t("picture.placed", { region: t(`figure.${current.region}`) }) : t("picture.place");
  const pick = document.createElement("select");
  pick.id = `step-${i}-figure`;
  const label = document.createElement("label");
  label.htmlFor = pick.id;
  label.textContent = t("picture.region");
  const canvas = document.createElement("div");
  canvas.className = "placer-figure";
  const help = document.createElement("p");
  help.className = "hint";
  help.textContent = t("picture.click");
  box.append(summary, label, pick, help, canvas);
  box.addEventListener("toggle", async () => {
    if (!box.open || pick.options.length) return;
    figureList = figureList || (await api("/api/figures")).figures;
    for (const id of figureList) pick.add(new Option(t(`figure.${id}`), id));
    if (current && current.region) pick.value = current.region;
    await draw();
  });
  pick.addEventListener("change", draw);
  async function draw() {
    const res = await fetch(`/api/figures/${encodeURIComponent(pick.value)}`);
    canvas.innerHTML = await res.text(); // the server's own figure, no user text in it
    const svg = canvas.querySelector("svg");
    svg.setAttribute("role", "img");
    svg.setAttribute("aria-label", t("picture.click"));
    svg.addEventListener("click", async (e) => {
      const at = new DOMPoint(e.clientX, e.clientY).matrixTransform(svg.getScreenCTM().inverse());
      const placed = await api(`/api/figures/${encodeURIComponent(pick.value)}/place`, { json: { x: at.x, y: at.y } });
      set(placed.figure);
    });
  }
  return box;
}
