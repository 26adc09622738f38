// The shell every page shares, added to the header by initPage(): 朗读 (the page's main text
// read aloud with the browser's speech synthesis, zh-CN or en) and, while signed in, 退出登录.
// Imports from app.js are used only when a button is pressed (app.js imports this module).
import { api, el, getToken, goToLogin, lang, onLangChange, t } from "./app.js";
import "./strings/shell.js";

/** Add the shell's buttons to the header's button group. */
export function wireShell() {
  const prefs = document.querySelector(".site-header .prefs");
  if (!prefs) return;
  addReadAloud(prefs);
  if (getToken() && !document.getElementById("login-form")) addLogout(prefs);
}

function headerButton(id, key) {
  return el("button", { type: "button", id, className: "pref-button", dataset: { i18n: key } }, t(key));
}

// ---------------------------------------------------------------- 朗读

/** The visible text of <main>, one line per paragraph, heading or list item. */
export function mainText() {
  const main = document.querySelector("main");
  if (!main) return [];
  return main.innerText
    .split(/\n+/)
    .map((line) => line.trim())
    .filter(Boolean);
}

function addReadAloud(prefs) {
  const synth = window.speechSynthesis;
  if (!synth || typeof window.SpeechSynthesisUtterance !== "function") return; // no voice here: no button
  const button = headerButton("read-aloud", "read.start");
  let reading = false;

  const show = (on) => {
    reading = on;
    button.dataset.i18n = on ? "read.stop" : "read.start";
    button.textContent = t(button.dataset.i18n);
  };
  const stop = () => {
    synth.cancel();
    show(false);
  };

  button.addEventListener("click", () => {
    if (reading) return stop();
    const lines = mainText();
    if (!lines.length) return;
    synth.cancel();
    // One utterance per line: Chromium stops long utterances after about 15 seconds.
    lines.forEach((line, i) => {
      const utterance = new window.SpeechSynthesisUtterance(line);
      utterance.lang = lang() === "en" ? "en-US" : "zh-CN";
      utterance.rate = 0.9; // a little slower than usual, for older listeners
      if (i === lines.length - 1) utterance.addEventListener("end", () => show(false));
      utterance.addEventListener("error", () => show(false));
      synth.speak(utterance);
    });
    show(true);
  });
  onLangChange(() => reading && stop()); // the page now reads in another language
  window.addEventListener("pagehide", () => synth.cancel());
  prefs.append(button);
}

// ---------------------------------------------------------------- 退出登录

function addLogout(prefs) {
  const button = headerButton("logout", "logout");
  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      await api("POST", "/v1/auth/logout");
    } catch {
      // Not built on this server yet (404), already ended (401) or offline: the session
      // ends here anyway, the token is forgotten.
    }
    goToLogin("session.ended");
  });
  prefs.append(button);
}
