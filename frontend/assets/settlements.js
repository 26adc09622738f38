// 我的结算 (settlements.html): every settlement of the person from GET /v1/me/settlements,
// newest first, page by page: what each fund paid, what the person paid (cash, personal
// account, a relative's account), each explanation line, and reversals.
import {
  day,
  el,
  getToken,
  goToLogin,
  initPage,
  messageBox,
  money,
  onLangChange,
  pagedList,
  say,
  t,
  timeEl,
  whole,
} from "./app.js";
import "./strings/settlements.js";

initPage();

const FUNDS = ["basic", "critical_illness", "medical_assistance", "safety_net", "hospital_borne"];
const OWN = ["account", "family_account", "cash"];

const $ = (id) => document.getElementById(id);
const message = messageBox($("message"));
const list = $("st-list");
const fen = (yuan) => Math.round(Number(yuan || 0) * 100) || 0;
const yuanOf = (f) => `${f < 0 ? "-" : ""}${Math.floor(Math.abs(f) / 100)}.${String(Math.abs(f) % 100).padStart(2, "0")}`;
/** A part's amount; "hospital_borne" sits beside the parts, not in them. */
const amountOf = (s, name) => (name === "hospital_borne" ? s.hospital_borne : s.parts?.[name]) ?? "0.00";
const sum = (s, names) => names.reduce((n, name) => n + fen(amountOf(s, name)), 0);

const partName = (name) => (name === "family_account" ? t("st.part.family_account") : t(`est.part.${name}`));

function partRows(s, names, always = []) {
  return names
    .filter((name) => fen(amountOf(s, name)) !== 0 || always.includes(name))
    .map((name) =>
      el(
        "div",
        { className: "fact", dataset: { part: name } },
        el("dt", { text: partName(name) }),
        el("dd", { className: "st-part" }, whole(money(amountOf(s, name)))),
      ),
    );
}

function settlement(s) {
  const reversed = s.status === "reversed";
  const kind = s.visit?.kind;
  const what = [kind ? t(`st.kind.${kind}`) : "", s.visit?.hospital_level ? t(`st.level.${s.visit.hospital_level}`) : ""]
    .filter(Boolean)
    .join(" · ");
  const funds = sum(s, FUNDS);
  const own = sum(s, OWN);
  const lines = s.lines || [];
  return el(
    "li",
    { className: reversed ? "st reversed" : "st", id: `st-${s.settlement_id}`, tabindex: "-1", dataset: { status: s.status } },
    el("h3", { className: "st-title" }, whole(day(s.settled_at)), " ", what,
      reversed ? el("span", { className: "badge st-badge", text: t("st.reversed.badge") }) : null),
    el("p", { className: "stmt-meta" }, timeEl(s.settled_at, { zone: true }), " · ", t("st.hospital", { id: s.hospital_id })),
    reversed ? el("p", { className: "st-reversed", text: t("st.reversed", { day: day(s.reversed_at) }) }) : null,
    el("p", { className: "st-total", text: t("st.total", { n: money(s.total) }) }),
    el("h4", { className: "st-group", text: t("st.funds.h4", { n: money(yuanOf(funds)) }) }),
    el("dl", { className: "facts st-funds" }, partRows(s, FUNDS)),
    el("h4", { className: "st-group", text: t("st.own.h4", { n: money(yuanOf(own)) }) }),
    el("dl", { className: "facts st-own" }, partRows(s, OWN, ["cash"])),
    lines.length
      ? el(
          "details",
          { className: "est-details st-lines" },
          el("summary", { text: t("st.lines", { n: lines.length }) }),
          el(
            "ol",
            { className: "st-line-list" },
            lines.map((l) =>
              el(
                "li",
                { dataset: { rule: l.rule || "" } },
                el("p", { className: "line-text", text: say(l.text_zh, l.text_en, { orOther: true }) }),
                Number(l.amount) ? el("p", { className: "line-amount", text: t("est.line.amount", { n: money(l.amount) }) }) : null,
              ),
            ),
          ),
        )
      : null,
  );
}

const paged = pagedList({
  url: (_key, cursor) => `/v1/me/settlements?limit=10${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
  list,
  box: $("st-box"),
  more: $("st-more"),
  message,
  onPage: (page) => {
    page.entries = page.settlements || [];
  },
  render: ({ entries }) => {
    $("st-loading").hidden = true;
    $("st-empty").hidden = entries.length > 0;
    list.replaceChildren(...entries.map(settlement));
  },
});

onLangChange(() => paged.render());

if (!getToken()) goToLogin("session.expired");
else paged.load("all");
