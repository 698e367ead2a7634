// The page's language: message catalogues (/static/i18n/LANG.json, one flat key -> text map each).
// t("key", {name: value}) gives a text with its {name} placeholders filled; an element with
// data-i18n="key" gets t(key) as its text, data-i18n-attr="attr:key;attr2:key2" its attributes.
// The language comes from the switch (remembered), else the browser's languages, else English.
"use strict";
import { emit, state } from "./core.js";

export const LANGUAGES = ["en", "es", "de", "fr"];
let texts = {};

/** The catalogue's text for `key`, placeholders filled; the key itself if it is missing. */
export function t(key, vars = {}) {
  const text = key in texts ? texts[key] : key;
  return text.replace(/\{(\w+)\}/g, (m, name) => (name in vars ? String(vars[name]) : m));
}

/** Whether the catalogue has `key` (for texts that fall back to the server's English). */
export function has(key) { return key in texts; }

/** A menu value as words in the page language ("every:5" -> "every 5 seconds"): the
 *  catalogue's `value.SETTING.V`, else `value.V`, else the value itself (a format name). */
export function valueWord(setting, v) {
  for (const key of [`value.${setting}.${v}`, `value.${v}`]) if (key in texts) return texts[key];
  return v;
}

/** A language code as its name in the page language ("es" -> "español" on a Spanish page). */
export function languageName(code, pageLanguage) {
  try {
    const name = new Intl.DisplayNames([pageLanguage], { type: "language" }).of(code);
    return name ? name.charAt(0).toLocaleUpperCase(pageLanguage) + name.slice(1) : code;
  } catch (e) { return code; }
}

/** Translate every marked element under `root`. */
export function translate(root = document) {
  for (const el of root.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll("[data-i18n-attr]")) {
    for (const pair of el.dataset.i18nAttr.split(";")) {
      const [attr, key] = pair.split(":");
      el.setAttribute(attr, t(key));
    }
  }
}

/** `el` showing `key`'s text, marked so that `translate()` words it again on every language
 * switch, at once (for elements a panel makes after the page was translated). */
export function translated(el, key) {
  el.dataset.i18n = key;
  el.textContent = t(key);
  return el;
}

/** The language to start in. */
export function preferred() {
  let saved = null;
  try { saved = localStorage.getItem("studio-language"); } catch (e) { /* private mode */ }
  if (LANGUAGES.includes(saved)) return saved;
  for (const tag of navigator.languages || [navigator.language || "en"]) {
    const base = String(tag).toLowerCase().split("-")[0];
    if (LANGUAGES.includes(base)) return base;
  }
  return "en";
}

/** Load `lang`'s catalogue, translate the page, tell every panel (onLanguage). */
export async function setLanguage(lang, remember = false) {
  const res = await fetch(`/static/i18n/${lang}.json`);
  texts = await res.json();
  state.lang = lang;
  document.documentElement.lang = lang;
  if (remember) { try { localStorage.setItem("studio-language", lang); } catch (e) { /* ignore */ } }
  translate();
  const pick = document.getElementById("language");
  if (pick) pick.value = lang;
  if (state.started) for (const done of emit("onLanguage", lang)) await done;
}
