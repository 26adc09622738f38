// 短信 (sms.html): the switches of GET/PUT /v1/me/notices/preferences (月度短信 and the
// event groups; codes and security notices are always on) and 我的短信 from
// GET /v1/me/notices (what was sent, masked, with its status), newest first.
import "./strings/sms.js";
import {
  api,
  el,
  getToken,
  goToLogin,
  initPage,
  messageBox,
  onLangChange,
  pick,
  t,
  timeEl,
  whileBusy,
} from "./app.js";

initPage();

const $ = (id) => document.getElementById(id);
const message = messageBox($("message"));
const groupsBox = $("prefs-groups");
const save = $("prefs-save");

let prefs = null; // GET /v1/me/notices/preferences
let mine = null; // GET /v1/me/notices

onLangChange(() => {
  if (prefs) renderPrefs(prefs);
  if (mine) renderMine(mine);
});
save.addEventListener("click", () => whileBusy(save, savePrefs));

if (!getToken()) goToLogin("session.expired");
else load();

async function load() {
  try {
    [prefs, mine] = await Promise.all([
      api("GET", "/v1/me/notices/preferences"),
      api("GET", "/v1/me/notices"),
    ]);
  } catch (err) {
    if (err.status === 401) return goToLogin("session.expired");
    message.error(err);
    return;
  }
  renderPrefs(prefs);
  renderMine(mine);
}

function renderPrefs(p) {
  $("prefs-loading").hidden = true;
  $("prefs").removeAttribute("aria-busy");
  const legend = groupsBox.querySelector("legend");
  groupsBox.replaceChildren(
    legend,
    ...p.groups.map((g) => {
      const id = `group-${g.group}`;
      const box = el("input", {
        type: "checkbox",
        id,
        name: g.group,
        checked: g.on,
        disabled: g.locked,
        "aria-describedby": g.locked ? "locked-hint" : null,
      });
      return el(
        "label",
        { className: "choice check", for: id },
        box,
        el("span", { className: "choice-name", text: pick(g.label) }),
      );
    }),
    el("p", { id: "locked-hint", className: "choice-hint check-hint", text: t("sms.prefs.locked") }),
  );
  groupsBox.hidden = false;
  $("prefs-note").hidden = false;
  save.hidden = false;
}

async function savePrefs() {
  const groups = {};
  for (const g of prefs.groups) {
    if (!g.locked) groups[g.group] = $(`group-${g.group}`).checked;
  }
  try {
    prefs = await api("PUT", "/v1/me/notices/preferences", { groups });
  } catch (err) {
    if (err.status === 401) return goToLogin("session.expired");
    message.error(err);
    return;
  }
  renderPrefs(prefs);
  message.show(() => t("sms.prefs.saved"), "success");
}

function renderMine(m) {
  $("mine-loading").hidden = true;
  $("mine").removeAttribute("aria-busy");
  const items = m.messages || [];
  $("mine-empty").hidden = items.length > 0;
  $("mine-list").replaceChildren(
    ...items.map((n) =>
      el(
        "li",
        { className: "sms", dataset: { status: n.status, kind: n.kind } },
        el(
          "p",
          { className: "sms-meta" },
          el("strong", { className: "sms-status", text: pick(n.status_label) }),
          " · ",
          el("span", { text: pick(n.group_label) }),
          el("br"),
          el("span", { text: `${t("sms.mine.at")}: ` }),
          timeEl(n.sent_at || n.created_at),
          n.to ? [el("br"), el("span", { text: `${t("sms.mine.to")}: ` }), el("strong", { text: n.to })] : null,
          n.status === "waiting" && n.due_at
            ? [el("br"), el("span", { text: t("sms.mine.due", { time: n.due_at.slice(11, 16) }) })]
            : null,
          n.reason_label ? [el("br"), el("span", { text: t("sms.mine.why", { reason: pick(n.reason_label) }) })] : null,
        ),
        n.text ? el("p", { className: "sms-text", lang: "zh-CN", text: n.text }) : null,
      ),
    ),
  );
}
