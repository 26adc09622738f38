// Home page: the insured person's profile from GET /v1/me, and the service tiles.
import { api, clearToken, el, getToken, goToLogin, initPage, lang, messageBox, onLangChange, pick, t } from "./app.js";

initPage();

const message = messageBox(document.getElementById("message"));
const section = document.getElementById("profile");
const list = document.getElementById("profile-list");
const loading = document.getElementById("profile-loading");
const greeting = document.getElementById("greeting");

document.getElementById("logout").addEventListener("click", () => {
  clearToken();
  location.replace("index.html");
});

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

/** One row per fact: [id suffix, label key, text or node, optional status value for styling]. */
function rows(p) {
  const en = lang() === "en";
  const groups = (p.groups || []).map(pick).filter(Boolean);
  const card = p.card || {};
  return [
    ["name", "f.name", p.name],
    ["id-number", "f.id_number", p.id_number_masked],
    ["phone", "f.phone", p.phone_masked],
    ["scheme", "f.scheme", pick(p.scheme_label)],
    ["region", "f.region", p.region && (en ? p.region.name_en : p.region.name_zh)],
    ["status", "f.status", pick(p.status_label), p.status],
    ["groups", "f.groups", groups.length ? el("ul", { className: "plain-list" }, groups.map((g) => el("li", { text: g }))) : t("none")],
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
  loading.hidden = true;
  list.hidden = false;
}
