// 我的医保 (home.html): a one-line summary of the person's insurance from GET /v1/me, the
// services as large tiles, and the full profile one tap away.
import { api, el, getToken, goToLogin, initPage, lang, messageBox, monthText, onLangChange, pick, t } from "./app.js";
import "./strings/home.js";

initPage();

const message = messageBox(document.getElementById("message"));
const section = document.getElementById("profile");
const list = document.getElementById("profile-list");
const loading = document.getElementById("profile-loading");
const greeting = document.getElementById("greeting");
const summary = document.getElementById("profile-summary");

let me = null;
onLangChange(() => me && render(me));

if (!getToken()) goToLogin("session.expired");
else load();

async function load() {
  try {
    me = await api("GET", "/v1/me");
    render(me);
  } catch (err) {
    if (err.status === 401) return goToLogin("session.expired");
    loading.hidden = true;
    message.error(err);
  } finally {
    section.removeAttribute("aria-busy");
  }
}

/** 人员类别 in the page's language: retiree, chronic disease, assistance groups. */
const categories = (p) => (p.categories || p.groups || []).map(pick).filter(Boolean);

function sinceText(p) {
  return p.insured_since ? t("home.since", { month: monthText(p.insured_since.slice(0, 7)) }) : t("home.since.unknown");
}

/** "职工医保：退休人员、门诊慢特病（已认定），2010年1月起参保。" (the status only when not in force). */
function summaryText(p) {
  const groups = categories(p);
  const key = `home.summary${p.status === "active" ? "" : ".status"}${groups.length ? "" : ".no_groups"}`;
  return t(key, {
    scheme: pick(p.scheme_label),
    status: pick(p.status_label),
    groups: groups.join(t("home.groups.sep")),
    since: sinceText(p),
  });
}

/** One row per fact: [id suffix, label key, text or node, optional status value for styling]. */
function rows(p) {
  const en = lang() === "en";
  const groups = categories(p);
  const card = p.card || {};
  return [
    ["name", "f.name", p.name],
    ["id-number", "f.id_number", p.id_number_masked],
    ["phone", "f.phone", p.phone_masked],
    ["scheme", "f.scheme", pick(p.scheme_label)],
    ["region", "f.region", p.region && (en ? p.region.name_en : p.region.name_zh)],
    ["status", "f.status", pick(p.status_label), p.status],
    ["groups", "f.groups", groups.length ? el("ul", { className: "plain-list" }, groups.map((g) => el("li", { text: g }))) : t("none")],
    ["insured-since", "f.insured_since", p.insured_since ? monthText(p.insured_since.slice(0, 7)) : t("none")],
    p.employer ? ["employer", "f.employer", p.employer] : null,
    ["card-number", "f.card_number", card.number_masked || t("none")],
    ["card-status", "f.card_status", pick(card.status_label) || t("none"), card.status],
  ].filter(Boolean);
}

function render(p) {
  list.replaceChildren(
    ...rows(p).map(([id, label, text, value]) =>
      el(
        "div",
        { className: "fact" },
        el("dt", { text: t(label) }),
        el("dd", { id: `profile-${id}`, dataset: value ? { value } : {} }, text || "—"),
      ),
    ),
  );
  greeting.textContent = t("home.greeting", { name: p.name || "" });
  greeting.hidden = !p.name;
  summary.textContent = summaryText(p);
  summary.hidden = false;
  loading.hidden = true;
}
