// The shell every page shares, added by initPage(): 朗读 (the page's main text read aloud
// with the browser's speech synthesis, zh-CN or en); while signed in, 退出登录 and the
// session's end: a warning a minute before the token ends, with 继续 (a fresh token, no new
// SMS code, within the 2 hours of a session); at the end, back to log in with the page and
// its typed data kept (app.js, goToLogin) to come back to.
// Imports from app.js are used only after the page has loaded (app.js imports this module).
import { api, el, errorText, getToken, goToLogin, lang, onLangChange, setToken, t, tokenClaims } from "./app.js";
import "./strings/shell.js";

/** Add the shell's buttons to the header's button group. */
export function wireShell() {
  const prefs = document.querySelector(".site-header .prefs");
  if (!prefs) return;
  addReadAloud(prefs);
  if (getToken() && !document.getElementById("login-form")) {
    addLogout(prefs);
    watchSession();
  }
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

// ---------------------------------------------------------------- the session's end

const WARN_BEFORE_MS = 60_000;
let warnTimer = null;
let endTimer = null;
let warning = null;

/** When the token ends (ms since the epoch), from its own "exp" claim; null if unreadable. */
function expiresAt(token) {
  const exp = tokenClaims(token)?.exp;
  return Number.isInteger(exp) ? exp * 1000 : null;
}

/** Warn a minute before the token in hand ends; at its end, go to log in (keeping the page). */
function watchSession() {
  clearTimeout(warnTimer);
  clearTimeout(endTimer);
  const ends = expiresAt(getToken() || "");
  if (!ends) return;
  const left = ends - Date.now();
  warnTimer = setTimeout(showWarning, Math.max(0, left - WARN_BEFORE_MS));
  endTimer = setTimeout(() => goToLogin("session.expired"), Math.max(0, left));
}

function sessionWarning() {
  if (warning) return warning;
  const text = el("p", { id: "session-warning-text", className: "session-warning-text" });
  const go = el("button", { type: "button", id: "session-continue", className: "button primary", dataset: { i18n: "session.continue" } }, t("session.continue"));
  const box = el(
    "div",
    { id: "session-warning", className: "session-warning", role: "alertdialog", "aria-labelledby": "session-warning-text", hidden: true },
    text,
    go,
  );
  let said = () => t("session.warning");
  const paint = () => {
    text.textContent = said();
  };
  go.addEventListener("click", async () => {
    go.disabled = true;
    try {
      const answer = await api("POST", "/v1/auth/refresh");
      setToken(answer.access_token);
      box.hidden = true;
      document.body.classList.remove("has-session-warning");
      watchSession();
    } catch (err) {
      // The 2 hours are up (or the token already ended): say so; the end still keeps the page.
      said = () => errorText(err);
      paint();
      go.hidden = true;
    } finally {
      go.disabled = false;
    }
  });
  onLangChange(paint);
  warning = { box, go, paint, reset: () => { said = () => t("session.warning"); go.hidden = false; } };
  document.body.append(box);
  return warning;
}

function showWarning() {
  const w = sessionWarning();
  w.reset();
  w.paint();
  w.box.hidden = false;
  document.body.classList.add("has-session-warning"); // nothing of the page hides under it
  w.go.focus();
}
