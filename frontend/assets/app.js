// Shared by every page: display preferences, the API client, messages, field
// errors and the words for figures (amounts, dates, times). Page scripts (login.js,
// home.js, card.js, outbox.js, docs.js, the ledger pages, estimate.js, family.js)
// import from here; nothing here knows about a particular page.

import { applyStrings, lang, setLang, t } from "./i18n.js";
import { wireShell } from "./shell.js";

export { lang, pick, t } from "./i18n.js";

export const TOKEN_KEY = "yibao.token";
const FLASH_KEY = "yibao.flash";
const LARGE_KEY = "yibao.largeText";
const TIMEOUT_MS = 20000;

// ---------------------------------------------------------------- preferences

/**
 * Wire the language and large-text buttons, add the shell's 朗读 and 退出登录 buttons
 * (shell.js), fill the static strings and return. Call once per page, first thing.
 */
export function initPage() {
  const root = document.documentElement;
  const langButton = document.getElementById("lang-toggle");
  const largeButton = document.getElementById("large-text-toggle");

  const refreshButtons = () => {
    // The language button names the *other* language, in that language.
    langButton?.setAttribute("lang", lang() === "en" ? "zh-CN" : "en");
    largeButton?.setAttribute("aria-pressed", String(root.classList.contains("large-text")));
  };

  langButton?.addEventListener("click", () => setLang(lang() === "en" ? "zh" : "en"));
  largeButton?.addEventListener("click", () => {
    const on = root.classList.toggle("large-text");
    try {
      localStorage.setItem(LARGE_KEY, on ? "1" : "0");
    } catch {
      /* storage blocked */
    }
    refreshButtons();
  });
  onLangChange(refreshButtons);
  wireShell();

  applyStrings();
  refreshButtons();
  // After the page's own script has drawn its form (it runs on after initPage()).
  setTimeout(restorePage, 0);
}

/** Run `fn` whenever the language changes (it should re-render dynamic text). */
export function onLangChange(fn) {
  document.addEventListener("yibao:langchange", fn);
}

// ---------------------------------------------------------------- session

export function getToken() {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function setToken(token) {
  sessionStorage.setItem(TOKEN_KEY, token);
}

export function clearToken() {
  sessionStorage.removeItem(TOKEN_KEY);
}

/** The claims of our own token (read, not verified: the server verifies); null if unreadable. */
export function tokenClaims(token) {
  try {
    const payload = String(token).split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
    const claims = JSON.parse(atob(payload));
    return claims && typeof claims === "object" ? claims : null;
  } catch {
    return null;
  }
}

/**
 * Leave for the login page, showing the message `key` there (e.g. "session.expired").
 * Without a token there was no session to expire: a first visit is asked to log in.
 */
export function goToLogin(key) {
  if (key === "session.expired" && !getToken()) key = "session.first";
  // A session that ended by itself: keep the page and what was typed on it, to come back to.
  if (key === "session.expired") keepPage();
  else sessionStorage.removeItem(RESUME_KEY);
  clearToken();
  if (key) sessionStorage.setItem(FLASH_KEY, key);
  location.replace("/index.html");
}

// ---------------------------------------------------------------- coming back after a new login

const RESUME_KEY = "yibao.resume";
const PAGE_NAME = /^[a-z][a-z0-9-]*\.html$/; // only our own pages: never an address from elsewhere
// Never kept: the ID number (not even in the tab's storage), phones and SMS codes.
const NEVER_KEPT = /id.?number|phone|code|otp/i;

/** The page (this tab only, sessionStorage) and its typed fields, until the next login. */
function keepPage() {
  const page = location.pathname.split("/").pop() || "home.html";
  if (!PAGE_NAME.test(page) || page === "index.html") return;
  const fields = {};
  for (const input of document.querySelectorAll("main input[id], main select[id], main textarea[id]")) {
    if (["password", "hidden", "file", "tel"].includes(input.type) || NEVER_KEPT.test(input.id)) continue;
    fields[input.id] = input.type === "radio" || input.type === "checkbox" ? input.checked : input.value;
  }
  const who = tokenClaims(getToken())?.sub;
  sessionStorage.setItem(RESUME_KEY, JSON.stringify({ page, fields, who }));
}

/**
 * Where to go after logging in with `token`: the page the session ended on (the same
 * person's only: someone else in this tab starts at home, the kept data dropped), or home.
 */
export function pageAfterLogin(token) {
  try {
    const kept = JSON.parse(sessionStorage.getItem(RESUME_KEY) || "{}");
    if (kept.who && kept.who === tokenClaims(token)?.sub && PAGE_NAME.test(kept.page || "")) return kept.page;
  } catch {
    /* unreadable: home */
  }
  sessionStorage.removeItem(RESUME_KEY);
  return "home.html";
}

/** Back on the page after a new login: put the typed fields back, once, then forget them. */
function restorePage() {
  let kept = null;
  try {
    kept = JSON.parse(sessionStorage.getItem(RESUME_KEY) || "null");
  } catch {
    /* unreadable: nothing to restore */
  }
  const page = location.pathname.split("/").pop();
  if (!kept || kept.page !== page || kept.who !== tokenClaims(getToken())?.sub) return;
  sessionStorage.removeItem(RESUME_KEY);
  let restored = 0;
  for (const [id, value] of Object.entries(kept.fields || {})) {
    const input = document.getElementById(id);
    if (!input || NEVER_KEPT.test(id)) continue;
    if (input.type === "radio" || input.type === "checkbox") {
      if (input.checked === Boolean(value)) continue;
      input.checked = Boolean(value);
    } else {
      if (input.value === value || typeof value !== "string") continue;
      input.value = value;
    }
    restored += 1;
    input.dispatchEvent(new Event("input", { bubbles: true }));
    input.dispatchEvent(new Event("change", { bubbles: true }));
  }
  const box = document.getElementById("message");
  if (restored && box && !box.textContent) {
    box.dataset.kind = "info";
    box.textContent = t("session.restored");
  }
}

/** The message key left by goToLogin, once. */
export function takeFlash() {
  const key = sessionStorage.getItem(FLASH_KEY);
  sessionStorage.removeItem(FLASH_KEY);
  return key;
}

// ---------------------------------------------------------------- API client

/**
 * An API call that did not succeed. `kind` is "network", "timeout" or "http";
 * for "http", `status` and `problem` (the RFC 9457 body, or null) are set,
 * and `retryAfter` holds the seconds from a Retry-After header, if any.
 */
export class ApiError extends Error {
  constructor(kind, { status = 0, problem = null, retryAfter = null } = {}) {
    super(problem?.detail || problem?.title || kind);
    this.kind = kind;
    this.status = status;
    this.problem = problem;
    this.retryAfter = retryAfter;
  }
}

/**
 * Call the API: sends `body` as JSON, adds the bearer token if there is one,
 * and resolves to the parsed response body (null when empty). Throws ApiError.
 * `options.headers` adds request headers (e.g. {"Idempotency-Key": key}).
 */
export async function api(method, path, body, options = {}) {
  const headers = { Accept: "application/json, application/problem+json", ...options.headers };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const token = getToken();
  if (token) headers.Authorization = `Bearer ${token}`;

  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), TIMEOUT_MS);
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "same-origin",
      cache: "no-store",
      signal: abort.signal,
    });
  } catch (err) {
    throw new ApiError(err?.name === "AbortError" ? "timeout" : "network");
  } finally {
    clearTimeout(timer);
  }

  const data = await readBody(response);
  if (response.ok) return data;
  const problem = data && typeof data === "object" ? data : null;
  throw new ApiError("http", {
    status: response.status,
    problem,
    retryAfter: retryAfterSeconds(response.headers.get("Retry-After")) ?? problem?.retry_after ?? null,
  });
}

async function readBody(response) {
  const text = await response.text().catch(() => "");
  if (!text) return null;
  if (!/json/i.test(response.headers.get("Content-Type") || "")) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** Retry-After is either seconds or an HTTP date; answer whole seconds from now. */
function retryAfterSeconds(value) {
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const when = Date.parse(value);
  return Number.isNaN(when) ? null : Math.max(0, Math.ceil((when - Date.now()) / 1000));
}

const STATES_A_WAIT = /\d+\s*(?:秒|分钟|seconds?|minutes?)/;

/** "Try again in …": seconds under a minute, whole minutes (rounded up) from a minute on. */
export function waitText(seconds) {
  const s = Math.max(1, Math.round(seconds));
  return s < 60 ? t("err.retry_after", { n: s }) : t("err.retry_after_min", { n: Math.ceil(s / 60) });
}

/**
 * What a person typed, as the server reads it: full-width digits and letters
 * from a Chinese keyboard (０-９, Ｘ) made half-width, every space (also the
 * full-width one) and dash removed. Done before any length check.
 */
export function halfWidthCompact(value) {
  return value
    .replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/[\s\u3000-]+/g, "");
}

/** Plain words for a failed call, in the current language. */
export function errorText(err) {
  if (!(err instanceof ApiError)) return t("err.generic", { status: "JS" });
  if (err.kind === "network") return t("err.network");
  if (err.kind === "timeout") return t("err.timeout");
  const p = err.problem || {};
  const en = lang() === "en";
  let text = moneyInText((en ? p.detail || p.title : p.detail_zh || p.title_zh || p.detail || p.title) || "");
  if (!text) text = t("err.generic", { status: err.status });
  // Chinese sentences end with "。" and need no space between them.
  // Say how long to wait, unless the server's own words already do.
  if (err.status === 429 && err.retryAfter != null && !STATES_A_WAIT.test(text)) {
    text += (en ? " " : "") + waitText(err.retryAfter);
  }
  // errors[] entries that have no field on this page are listed here instead.
  for (const item of err.unplaced || []) {
    const line = en ? item.detail : item.detail_zh || item.detail;
    if (line) text += `\n${line}`;
  }
  return text;
}

// ---------------------------------------------------------------- messages

/**
 * The status region of a page (role="status", polite).
 * Messages are kept as functions so they re-render when the language changes.
 */
export function messageBox(el) {
  let render = null;
  const paint = () => {
    el.textContent = render ? render() : "";
  };
  onLangChange(paint);
  return {
    /** kind: "info" | "success" | "error"; `text` is a function returning the text. */
    show(text, kind = "info") {
      render = text;
      el.dataset.kind = kind;
      paint();
    },
    error(err) {
      this.show(() => errorText(err), "error");
    },
    clear() {
      render = null;
      delete el.dataset.kind;
      paint();
    },
  };
}

// ---------------------------------------------------------------- field errors

const fieldErrors = new Map(); // input id -> function returning the text

/** Show `text()` under the input `id`, linked with aria-describedby and marked aria-invalid. */
export function setFieldError(id, text) {
  const input = document.getElementById(id);
  if (!input) return false;
  let note = document.getElementById(`${id}-error`);
  if (!note) {
    note = document.createElement("p");
    note.id = `${id}-error`;
    note.className = "field-error";
    input.insertAdjacentElement("afterend", note);
  }
  fieldErrors.set(id, text);
  note.textContent = text();
  input.setAttribute("aria-invalid", "true");
  const ids = new Set((input.getAttribute("aria-describedby") || "").split(/\s+/).filter(Boolean));
  ids.add(note.id);
  input.setAttribute("aria-describedby", [...ids].join(" "));
  return true;
}

export function clearFieldError(id) {
  const input = document.getElementById(id);
  const note = document.getElementById(`${id}-error`);
  fieldErrors.delete(id);
  note?.remove();
  if (!input) return;
  input.removeAttribute("aria-invalid");
  const ids = (input.getAttribute("aria-describedby") || "").split(/\s+/).filter((x) => x && x !== `${id}-error`);
  if (ids.length) input.setAttribute("aria-describedby", ids.join(" "));
  else input.removeAttribute("aria-describedby");
}

export function clearFieldErrors() {
  for (const id of [...fieldErrors.keys()]) clearFieldError(id);
}

onLangChange(() => {
  for (const [id, text] of fieldErrors) {
    const note = document.getElementById(`${id}-error`);
    if (note) note.textContent = text();
  }
});

/**
 * Put each `errors[]` entry of a problem next to its field: the pointer
 * "/id_number" (or the path "$.id_number") names the input id "id_number";
 * with `fieldMap` ({"/id_number": "fam-id-number", …}) the pointer is looked up
 * there instead. Entries without a field on the page are kept in `err.unplaced`
 * (errorText lists them). Returns the ids that got an error, in order.
 */
export function showProblemFields(err, fieldMap = null) {
  const shown = [];
  err.unplaced = [];
  for (const item of err?.problem?.errors || []) {
    const id = fieldMap ? fieldMap[item.pointer] : fieldIdOf(item);
    const text = () => (lang() === "en" ? item.detail : item.detail_zh || item.detail) || "";
    if (id && setFieldError(id, text)) shown.push(id);
    else err.unplaced.push(item);
  }
  return shown;
}

function fieldIdOf(item) {
  if (typeof item.pointer === "string" && item.pointer.startsWith("/")) {
    return item.pointer.slice(1).split("/").map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~")).join(".");
  }
  if (typeof item.path === "string" && item.path.startsWith("$.")) return item.path.slice(2);
  return null;
}

/** Focus the first of these input ids. */
export function focusFirst(ids) {
  if (ids.length) document.getElementById(ids[0])?.focus();
}

// ---------------------------------------------------------------- busy buttons

/**
 * Run `work()` with `button` disabled (and aria-busy on it), then enable it
 * again unless `keepDisabled()` says otherwise (e.g. a countdown is running).
 */
export async function whileBusy(button, work, keepDisabled = () => false) {
  button.disabled = true;
  button.setAttribute("aria-busy", "true");
  try {
    return await work();
  } finally {
    button.removeAttribute("aria-busy");
    button.disabled = keepDisabled();
  }
}

// ---------------------------------------------------------------- confirmation boxes

/**
 * Wire a "确认…" box: its 取消 button `no` (and Escape inside `box`, while `isOpen()`)
 * calls `close(true)` (closing, the keyboard back on the button that opened it), then
 * `cancelled()` (e.g. say so in the status region); its confirm button `yes` runs
 * `confirm()` with `yes` busy and `no` disabled meanwhile. Opening and painting the box,
 * and closing it after `confirm()`, stay with the page.
 */
export function wireConfirm(box, yes, no, { isOpen, close, cancelled, confirm }) {
  no.addEventListener("click", () => {
    close(true);
    cancelled();
  });
  box.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && isOpen()) {
      event.preventDefault();
      no.click();
    }
  });
  yes.addEventListener("click", async () => {
    if (!isOpen() || yes.disabled) return;
    no.disabled = true;
    try {
      await whileBusy(yes, confirm);
    } finally {
      no.disabled = false;
    }
  });
}

// ---------------------------------------------------------------- paged lists

/**
 * A list read from the API page by page: `load(key)` shows the first page of `key`
 * (a month, a year…), the "加载更多" button `more` adds the next page (following
 * next_cursor) and the keyboard then continues at the first new line of `list`.
 * An answer arriving after a newer request is dropped; `box` is aria-busy meanwhile.
 * - url(key, cursor): the path of a page;
 * - keyOf(page, key): what the shown list is of (default: the key asked for);
 * - onPage(page): a fresh answer, before it is kept and drawn;
 * - render({key, entries, cursor}): draw the lines into `list` (`more` is shown
 *   while there is a next page);
 * - message: the page's messageBox, for errors; 401 leaves for the login page.
 * Returns {load, render, key}: `render()` draws again (e.g. in another language).
 */
export function pagedList({ url, list, box, more, message, render, onPage = () => {}, keyOf = (page, key) => key }) {
  const state = { key: null, entries: [], cursor: null }; // what the list shows
  let asked = 0; // the last request: an older answer arriving late is dropped

  const draw = () => {
    render(state);
    more.hidden = state.cursor == null;
  };

  async function load(key, cursor = null) {
    const ticket = ++asked;
    box.setAttribute("aria-busy", "true");
    try {
      const page = await api("GET", url(key, cursor));
      if (ticket !== asked) return;
      onPage(page);
      const added = page.entries || [];
      const before = cursor ? state.entries.length : 0;
      state.key = keyOf(page, key);
      state.entries = cursor ? [...state.entries, ...added] : added;
      state.cursor = page.next_cursor ?? null;
      draw();
      // After "加载更多", the keyboard continues at the first new line.
      if (cursor && added.length) list.children[before]?.focus();
    } catch (err) {
      if (ticket !== asked) return;
      if (err.status === 401) return goToLogin("session.expired");
      message.error(err);
    } finally {
      if (ticket === asked) box.setAttribute("aria-busy", "false");
    }
  }

  more.addEventListener("click", () =>
    whileBusy(more, () => load(state.key, state.cursor), () => state.cursor == null),
  );

  return {
    load,
    render: draw,
    get key() {
      return state.key;
    },
  };
}

// ---------------------------------------------------------------- small DOM helper

/** el("p", {className: "x", text: "..."}, child, ...): create an element. */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value == null || value === false) continue;
    if (key === "text") node.textContent = value;
    else if (key === "className") node.className = value;
    else if (key === "dataset") Object.assign(node.dataset, value);
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat(Infinity)) {
    if (child == null || child === false) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

/** A figure that must not break across lines (an amount with its unit, a date). */
export const whole = (text) => el("span", { className: "nowrap", text });

/** t(key) with its "{name}" placeholders filled by `params` (strings or nodes), as nodes. */
export function fill(key, params) {
  return t(key)
    .split(/(\{\w+\})/)
    .filter(Boolean)
    .map((part) => {
      const name = /^\{(\w+)\}$/.exec(part)?.[1];
      return name && name in params ? params[name] : part;
    });
}

// ---------------------------------------------------------------- words for figures

/**
 * The server's own words in the language shown: say(x.text_zh, x.text_en); "" when they
 * are missing, or with `orOther` the other language's words then.
 */
export function say(zh, en, { orOther = false } = {}) {
  const [shown, other] = lang() === "en" ? [en, zh] : [zh, en];
  return moneyInText(shown || (orOther && other) || "");
}

const grouped = (units) => units.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
const AMOUNT_IN_TEXT = /(?<![\d.,])(\d{1,3}(?:,\d{3})+|\d+)(\.\d{1,2})?\s?(元|yuan\b)/g;
const FIGURE_IN_TEXT = /(?<![\d.,])(\d{4,})(\.\d{2})(?!\d)/g;

/**
 * The server's words with its amounts in the one money format of the pages:
 * "限额200,000.00元" (the server's lines and SMS) or "限额200000.00元" -> "限额200,000.00 元",
 * "200元" -> "200.00 元", "5000.00 yuan" -> "5,000.00 yuan"; figures of a formula are
 * grouped too ("(20,000.00−500.00)×85%").
 */
export function moneyInText(text) {
  return String(text ?? "")
    .replace(
      AMOUNT_IN_TEXT,
      (m, units, cents, unit) => `${grouped(units.replace(/,/g, ""))}${(cents || ".00").padEnd(3, "0")} ${unit}`,
    )
    .replace(FIGURE_IN_TEXT, (m, units, cents) => grouped(units) + cents);
}

/**
 * "8935.56" -> "8,935.56 元" / "8,935.56 yuan". A negative amount is written with "−"
 * (never by colour alone), and with `plus` a positive one with "+"; `sign` ("+", "−"
 * or "") is written instead of the amount's own.
 */
export function money(yuan, { plus = false, sign = null } = {}) {
  const text = String(yuan ?? "0");
  const [units, cents = "00"] = text.replace(/^-/, "").split(".");
  const mark = sign ?? (text.startsWith("-") ? "−" : plus ? "+" : "");
  return t("ledger.yuan", { n: `${mark}${grouped(units)}.${cents}` });
}

/** "2026-03-05T09:00:00+08:00" -> "2026年3月5日" / "5 Mar 2026" (the date as written: Beijing time). */
export function day(iso) {
  const [y, m, d] = String(iso || "").slice(0, 10).split("-").map(Number);
  if (!y || !m || !d) return iso || "—";
  return t("ledger.date", { y, m, d, mon: t(`ledger.mon.${m}`) });
}

/** "2026-03" -> "2026年3月" / "Mar 2026". */
export function monthText(period) {
  const [y, m] = String(period).split("-").map(Number);
  return t("ledger.month", { y, m, mon: t(`ledger.mon.${m}`) });
}

/**
 * ["2026-11-25", "20:01"] in Beijing time (the citizen's time zone), whatever the device
 * says; with `seconds`, ["2026-11-25", "20:01:02"]. null for a missing or unreadable time.
 */
export function beijingParts(iso, { seconds = false } = {}) {
  const date = new Date(iso);
  if (!iso || Number.isNaN(date.getTime())) return null;
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-CA", {
      timeZone: "Asia/Shanghai",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      ...(seconds ? { second: "2-digit" } : {}),
      hourCycle: "h23",
    })
      .formatToParts(date)
      .map((p) => [p.type, p.value]),
  );
  const clock = `${parts.hour}:${parts.minute}${seconds ? `:${parts.second}` : ""}`;
  return [`${parts.year}-${parts.month}-${parts.day}`, clock];
}

/**
 * <time> "2026年11月25日 20:01" / "25 Nov 2026 20:01" (Beijing time): a date and an hour
 * as a person reads them, never broken inside; with `zone`, followed by " (Beijing time)"
 * in English.
 */
export function timeEl(iso, { zone = false } = {}) {
  const parts = beijingParts(iso);
  if (!parts) return document.createTextNode(iso || "—");
  const node = el("time", { datetime: iso }, whole(day(parts[0])), " ", whole(parts[1]));
  if (!zone) return node;
  const fragment = document.createDocumentFragment();
  fragment.append(node, t("time.zone"));
  return fragment;
}
