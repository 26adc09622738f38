// The consent page of a third-party app (consent.html). The app's authorization request
// is this page's query string: GET /v1/oauth/consent says which app asks what; the
// person logs in here (login-form.js), sees each category in plain words with a preview
// of their own data (read with their own token), picks the categories and how long, and
// POST /v1/oauth/consent answers where to go: back to the app, with a code or a "no".
import "./strings/apps.js";
import {
  api,
  clearToken,
  el,
  getToken,
  initPage,
  lang,
  messageBox,
  money,
  onLangChange,
  pick,
  t,
  whileBusy,
} from "./app.js";
import { wireLoginForm } from "./login-form.js";

initPage();

const $ = (id) => document.getElementById(id);
const message = messageBox($("message"));
const request = location.search.replace(/^\?/, ""); // the app's request, as it came
let view = null; // GET /v1/oauth/consent
const previews = new Map(); // scope -> () => text, in the language shown

onLangChange(() => view && render());
wireLoginForm(message, () => {
  $("consent-login").hidden = true;
  message.clear();
  showChoices();
  return false;
});

load();

async function load() {
  try {
    view = await api("GET", `/v1/oauth/consent?${request}`);
  } catch (err) {
    $("consent-loading").hidden = true;
    $("consent-app").removeAttribute("aria-busy");
    $("consent-app").hidden = true; // nothing to name: the refusal above says why
    if (err.status === 400 || err.status === 401) message.show(() => t("consent.bad_request"), "error");
    else message.error(err);
    return;
  }
  render();
  if (getToken()) showChoices();
  else $("consent-login").hidden = false;
}

function render() {
  $("consent-loading").hidden = true;
  $("consent-app").removeAttribute("aria-busy");
  $("consent-app-body").hidden = false;
  $("consent-app-name").textContent = view.app_name;
  $("consent-operator").textContent = view.operator;
  $("consent-purpose").textContent = view.purpose;
  $("consent-privacy").href = /^https?:\/\//.test(view.privacy_url) ? view.privacy_url : "#";
  const ticked = new Set([...document.querySelectorAll("#scopes-list input:checked")].map((i) => i.value));
  const first = !document.querySelector("#scopes-list input");
  $("scopes-list").replaceChildren(
    ...view.categories.map((c, n) => {
      const id = `scope-${n}`;
      const preview = previews.get(c.scope);
      // The label names the category; the preview of the person's data describes it.
      return el(
        "div",
        { className: "scope-choice" },
        el(
          "label",
          { className: "choice big check", for: id },
          el("input", {
            type: "checkbox", id, name: "scope", value: c.scope,
            checked: first || ticked.has(c.scope), "aria-describedby": `${id}-preview`,
          }),
          el("span", { className: "choice-name", text: lang() === "en" ? c.en : c.zh }),
        ),
        el("p", { className: "preview", id: `${id}-preview`, text: preview ? preview() : t("consent.preview.loading") }),
      );
    }),
  );
  const chosen = document.querySelector("#duration-list input:checked")?.value;
  const longest = view.durations[view.durations.length - 1];
  $("duration-list").replaceChildren(
    ...view.durations.map((d) =>
      el(
        "div",
        { className: "scope-choice" },
        el(
          "label",
          { className: "choice big", for: `duration-${d}` },
          el("input", {
            type: "radio", id: `duration-${d}`, name: "duration", value: d,
            checked: (chosen || longest) === d, "aria-describedby": `duration-${d}-hint`,
          }),
          el("span", { className: "choice-name", text: t(`consent.duration.${d}`) }),
        ),
        el("p", { className: "preview", id: `duration-${d}-hint`, text: t(`consent.duration.${d}.hint`) }),
      ),
    ),
  );
}

function showChoices() {
  $("consent-form").hidden = false;
  for (const c of view.categories) preview(c.scope);
}

// ---------------------------------------------------------------- the preview

const count = (list) => (Array.isArray(list) ? list.length : 0);
const maskName = (name) => (name ? name[0] + "*".repeat(Math.max(1, [...name].length - 1)) : "");

/** What the app would see, read with the person's own token: [path, words]. */
const PREVIEWS = {
  "profile:read": ["/v1/me", (p) =>
    t("consent.preview.profile", {
      scheme: pick(p.scheme_label),
      status: pick(p.status_label),
      region: p.region ? (lang() === "en" ? p.region.name_en : p.region.name_zh) : "—",
      name: maskName(p.name),
    })],
  "card:read": ["/v1/me/card", (c) => t("consent.preview.card", { status: pick(c.status_label) })],
  "account:read": ["/v1/me/account", (a) => t("consent.preview.account", { balance: money(a.balance) })],
  "benefits:read": ["/v1/me/benefits", (b) =>
    b.caps?.inpatient?.left != null
      ? t("consent.preview.benefits", { year: b.year, left: money(b.caps.inpatient.left) })
      : t("consent.preview.benefits.none", { year: b.year })],
  "contributions:read": ["/v1/me/contributions", (c) =>
    t("consent.preview.contributions", { year: c.year, n: count(c.entries) })],
  "settlements:read": ["/v1/me/settlements", (s) => t("consent.preview.settlements", { n: count(s.settlements) })],
  "filings:read": ["/v1/me/filings", (f) => t("consent.preview.filings", { n: count(f.filings) })],
  "family:read": ["/v1/me/family", (f) => t("consent.preview.family", { n: count(f.links) })],
  estimates: [null, () => t("consent.preview.estimates")],
};

async function preview(scope) {
  const [path, words] = PREVIEWS[scope] || [null, () => t("consent.preview.none")];
  let text = () => words();
  if (path) {
    try {
      const body = await api("GET", path);
      text = () => words(body);
    } catch (err) {
      if (err.status === 401) return signInAgain();
      text = () => t("consent.preview.failed");
    }
  }
  previews.set(scope, text);
  const n = view.categories.findIndex((c) => c.scope === scope);
  const node = $(`scope-${n}-preview`);
  if (node) node.textContent = text();
}

/** The token has ended: log in again here, the request kept. */
function signInAgain() {
  clearToken();
  $("consent-form").hidden = true;
  $("consent-login").hidden = false;
  message.show(() => t("session.expired"), "error");
}

// ---------------------------------------------------------------- the answer

$("consent-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const scopes = [...document.querySelectorAll("#scopes-list input:checked")].map((i) => i.value);
  if (!scopes.length) {
    message.show(() => t("consent.none_chosen"), "error");
    document.querySelector("#scopes-list input")?.focus();
    return;
  }
  const duration = document.querySelector("#duration-list input:checked")?.value || view.durations[0];
  answer($("consent-allow"), { decision: "allow", scopes, duration });
});
$("consent-deny").addEventListener("click", () => answer($("consent-deny"), { decision: "deny" }));

async function answer(button, choice) {
  if (button.disabled) return;
  let leaving = false;
  message.show(() => t("consent.sending"));
  await whileBusy(
    button,
    async () => {
      try {
        const reply = await api("POST", "/v1/oauth/consent", { request, ...choice });
        leaving = true;
        message.show(() => t("consent.leaving"), "success");
        location.assign(reply.redirect_to); // the app's registered address, checked by the server
      } catch (err) {
        if (err.status === 401) return signInAgain();
        message.error(err);
      }
    },
    () => leaving,
  );
}
