// 授权管理 and 谁查看了我的信息 (apps.html): the apps the person allowed, each with what it
// may read, until when, and a 取消授权 button (at once: DELETE /v1/me/apps/{grant_id});
// below, every use of their data by an app, newest first, filtered by app.
import "./strings/apps.js";
import {
  api,
  day,
  el,
  getToken,
  goToLogin,
  initPage,
  lang,
  messageBox,
  onLangChange,
  t,
  timeEl,
  whileBusy,
  wireConfirm,
} from "./app.js";

initPage();

const $ = (id) => document.getElementById(id);
const message = messageBox($("message"));
const confirmBox = $("apps-confirm");
const filter = $("log-filter");
let grants = []; // GET /v1/me/apps items
let entries = []; // the access log lines shown
let cursor = null;
let confirming = null; // the grant being taken back
let asked = 0; // the last access-log request: an older answer arriving late is dropped

onLangChange(() => {
  renderApps();
  renderFilter();
  renderLog();
  if (confirming) $("apps-confirm-text").textContent = t("apps.revoke.confirm.text", { app: confirming.app_name });
});

if (!getToken()) goToLogin("session.expired");
else {
  loadApps();
  loadLog();
}

function failed(err) {
  if (err.status === 401) return goToLogin("session.expired");
  message.error(err);
}

// ---------------------------------------------------------------- 授权管理

async function loadApps() {
  try {
    grants = (await api("GET", "/v1/me/apps")).items;
    renderApps();
    renderFilter();
  } catch (err) {
    failed(err);
  } finally {
    $("apps-loading").hidden = true;
    $("apps").removeAttribute("aria-busy");
  }
}

const words = (c) => (lang() === "en" ? c.en : c.zh);

function renderApps() {
  $("apps-none").hidden = grants.length > 0;
  $("apps-list").replaceChildren(
    ...grants.map((g) => {
      const fact = (label, value, id) => el("div", { className: "fact" }, el("dt", { text: t(label) }), el("dd", { id }, value));
      return el(
        "li",
        { className: "card app-grant", id: `grant-${g.grant_id}`, dataset: { status: g.status } },
        el("h3", { className: "app-name", text: g.app_name }),
        el(
          "dl",
          { className: "facts" },
          fact("apps.status", el("span", { className: `grant-status ${g.status}`, text: t(`apps.status.${g.status}`) })),
          g.operator ? fact("apps.operator", g.operator) : null,
          g.purpose ? fact("apps.purpose", g.purpose) : null,
          fact("apps.categories", el("ul", { className: "plain-list" }, g.categories.map((c) => el("li", { text: words(c) })))),
          fact("apps.granted_at", timeEl(g.granted_at)),
          fact("apps.expires_at", g.duration === "one_time" ? t("apps.duration.one_time") : day(g.expires_at)),
        ),
        g.status === "active"
          ? el("button", { type: "button", className: "button danger", dataset: { grant: g.grant_id } }, t("apps.revoke"))
          : null,
      );
    }),
  );
}

$("apps-list").addEventListener("click", (event) => {
  const button = event.target.closest("button[data-grant]");
  if (!button) return;
  confirming = grants.find((g) => g.grant_id === button.dataset.grant);
  confirming.button = button;
  $("apps-confirm-text").textContent = t("apps.revoke.confirm.text", { app: confirming.app_name });
  button.closest("li").append(confirmBox);
  confirmBox.hidden = false;
  confirmBox.focus();
});

function closeConfirm(back) {
  confirmBox.hidden = true;
  const button = confirming?.button;
  confirming = null;
  if (back && button?.isConnected) button.focus();
}

wireConfirm(confirmBox, $("apps-confirm-yes"), $("apps-confirm-no"), {
  isOpen: () => confirming != null,
  close: closeConfirm,
  cancelled: () => message.show(() => t("apps.revoke.cancelled")),
  confirm: async () => {
    const grant = confirming;
    try {
      const after = await api("DELETE", `/v1/me/apps/${encodeURIComponent(grant.grant_id)}`);
      grants = grants.map((g) => (g.grant_id === after.grant_id ? after : g));
      $("apps").before(confirmBox); // back to its place, hidden, before the list is drawn again
      closeConfirm(false);
      renderApps();
      message.show(() => t("apps.revoked", { app: grant.app_name }), "success");
      $(`grant-${after.grant_id}`)?.querySelector("h3")?.setAttribute("tabindex", "-1");
      $(`grant-${after.grant_id}`)?.querySelector("h3")?.focus();
    } catch (err) {
      failed(err);
    }
  },
});

// ---------------------------------------------------------------- 谁查看了我的信息

function renderFilter() {
  const chosen = filter.value;
  const apps = new Map(grants.map((g) => [g.client_id, g.app_name]));
  filter.replaceChildren(
    el("option", { value: "", text: t("apps.log.all") }),
    ...[...apps].map(([id, name]) => el("option", { value: id, text: name, selected: id === chosen })),
  );
}

filter.addEventListener("change", () => loadLog());
$("log-more").addEventListener("click", () => whileBusy($("log-more"), () => loadLog(cursor), () => cursor == null));

async function loadLog(after = null) {
  const ticket = ++asked;
  const query = new URLSearchParams({ limit: "20" });
  if (filter.value) query.set("client_id", filter.value);
  if (after) query.set("cursor", after);
  $("log").setAttribute("aria-busy", "true");
  try {
    const page = await api("GET", `/v1/me/app-access?${query}`);
    if (ticket !== asked) return;
    const before = after ? entries.length : 0;
    entries = after ? [...entries, ...page.items] : page.items;
    cursor = page.next_cursor ?? null;
    renderLog();
    if (after && page.items.length) $("log-list").children[before]?.focus();
  } catch (err) {
    if (ticket === asked) failed(err);
  } finally {
    if (ticket === asked) $("log").setAttribute("aria-busy", "false");
  }
}

function renderLog() {
  $("log-none").hidden = entries.length > 0;
  $("log-more").hidden = cursor == null;
  $("log-list").replaceChildren(
    ...entries.map((a) =>
      el(
        "li",
        { className: "history-item", tabindex: "-1", dataset: { result: a.result } },
        el("p", { className: "history-action", text: t("apps.log.line", { app: a.app_name, category: lang() === "en" ? a.category_en : a.category_zh }) }),
        el("p", { className: "history-meta" }, timeEl(a.at), " · ", el("span", { className: `log-result ${a.result}`, text: t(`apps.log.${a.result}`) })),
      ),
    ),
  );
}
