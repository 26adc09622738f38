// 参保证明和对账单 (proof.html): a proof of insurance for a chosen period from
// POST /v1/me/proofs, with its verification code and QR code, and the personal
// account's year statement from GET /v1/me/account/statement?year=; each printable
// on its own (the other is left out of the print).
import "./strings/proof.js";
import {
  api,
  clearFieldErrors,
  day,
  fill,
  el,
  focusFirst,
  getToken,
  goToLogin,
  initPage,
  messageBox,
  money,
  monthText,
  onLangChange,
  pick,
  say,
  setFieldError,
  showProblemFields,
  t,
  timeEl,
  whileBusy,
} from "./app.js";

initPage();

const $ = (id) => document.getElementById(id);
const message = messageBox($("message"));
let proof = null; // the latest proof issued
let statement = null; // the statement shown
let me = null; // GET /v1/me, for the name on the printed statement

const now = new Date();
const thisMonth = `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, "0")}`;
const yearAgo = new Date(now.getFullYear(), now.getMonth() - 11, 1);
$("proof-to").value = thisMonth;
$("proof-to").max = thisMonth;
$("proof-from").max = thisMonth;
$("proof-from").value = `${yearAgo.getFullYear()}-${String(yearAgo.getMonth() + 1).padStart(2, "0")}`;
for (let year = now.getFullYear(); year >= 2010; year -= 1) {
  $("statement-year").append(el("option", { value: String(year), text: String(year) }));
}

onLangChange(() => {
  if (proof) renderProof(proof);
  if (statement) renderStatement(statement);
});
$("proof-form").addEventListener("submit", (event) => {
  event.preventDefault();
  whileBusy($("proof-submit"), issue);
});
$("statement-form").addEventListener("submit", (event) => {
  event.preventDefault();
  whileBusy($("statement-submit"), showStatement);
});
$("proof-print").addEventListener("click", () => printOnly("proof"));
$("statement-print").addEventListener("click", () => printOnly("statement"));
window.addEventListener("afterprint", () => delete document.body.dataset.print);

if (!getToken()) goToLogin("session.expired");

function printOnly(which) {
  document.body.dataset.print = which;
  window.print();
}

function failed(err) {
  if (err.status === 401) return goToLogin("session.expired");
  const shown = showProblemFields(err, { "/from": "proof-from", "/to": "proof-to" });
  message.error(err);
  focusFirst(shown);
}

async function issue() {
  clearFieldErrors();
  message.clear();
  const from = $("proof-from").value;
  const to = $("proof-to").value;
  if (!from || !to) {
    if (!from) setFieldError("proof-from", () => t("pf.form.missing"));
    if (!to) setFieldError("proof-to", () => t("pf.form.missing"));
    return;
  }
  if (from > to) {
    setFieldError("proof-from", () => t("pf.form.order"));
    return;
  }
  try {
    proof = await api("POST", "/v1/me/proofs", { from, to });
  } catch (err) {
    return failed(err);
  }
  renderProof(proof);
  $("proof-doc").hidden = false;
  message.show(() => t("pf.done"), "success");
  $("proof-doc-title").focus();
}

function renderProof(p) {
  $("proof-qr").src = p.qr_svg;
  $("proof-text").textContent = t("pf.doc.text", { name: p.name, region: t("pf.doc.region") });
  $("proof-name").textContent = p.name;
  $("proof-id").textContent = p.id_number_masked;
  $("proof-scheme").textContent = pick(p.scheme_label);
  $("proof-status").textContent = pick(p.status_label);
  $("proof-since").textContent = p.insured_since ? day(p.insured_since) : t("pf.unknown");
  $("proof-summary").textContent = say(p.text_zh, p.text_en);
  $("proof-months").replaceChildren(
    ...p.months.map((m) =>
      el("tr", {}, el("td", { text: monthText(m.period) }), el("td", { text: t(m.paid ? "pf.doc.yes" : "pf.doc.no") })),
    ),
  );
  $("proof-code").textContent = p.code;
  $("proof-check").textContent = t("pf.doc.check", { url: new URL("verify.html", location.href).href });
  $("proof-issued").replaceChildren(...fill("pf.doc.issued", { at: timeEl(p.issued_at), until: day(p.valid_until) }));
}

async function showStatement() {
  message.clear();
  const year = $("statement-year").value;
  try {
    [statement, me] = await Promise.all([
      api("GET", `/v1/me/account/statement?year=${encodeURIComponent(year)}`),
      me ? Promise.resolve(me) : api("GET", "/v1/me"),
    ]);
  } catch (err) {
    $("statement-doc").hidden = true;
    if (err.status === 401) return goToLogin("session.expired");
    return message.error(err);
  }
  renderStatement(statement);
  $("statement-doc").hidden = false;
  $("statement-doc-title").focus();
}

function renderStatement(s) {
  $("statement-doc-title").textContent = t("st.doc.h2", { year: s.year });
  $("statement-who").textContent = me ? t("st.who", { name: me.name, id: me.id_number_masked }) : "";
  $("statement-opening").textContent = money(s.opening_balance);
  $("statement-credits").textContent = money(s.credits);
  $("statement-debits").textContent = money(s.debits);
  const ended = s.as_of.endsWith("-12-31");
  $("statement-closing-label").textContent = ended ? t("st.closing.year") : t("st.closing.today", { day: day(s.as_of) });
  $("statement-closing").textContent = money(s.closing_balance);
  // A figure's cell names itself where the lines stack on a phone (the column header is
  // not drawn there; screen readers have it, so the name is hidden from them).
  const figure = (key, text) =>
    el("td", { role: "cell", className: "num" }, el("span", { className: "cell-label", "aria-hidden": "true", text: t(key) }), text);
  const rows = s.entries.map((e) =>
    el(
      "tr",
      { role: "row" },
      el("td", { role: "cell" }, el("span", { className: "nowrap", text: day(e.at) }), " ", pick(e.kind_label), el("br"), say(e.text_zh, e.text_en)),
      figure("st.amount", money(e.amount, { plus: true })),
      figure("st.balance", money(e.balance_after)),
    ),
  );
  if (!rows.length) rows.push(el("tr", { role: "row" }, el("td", { role: "cell", colspan: "3", text: t("st.empty") })));
  $("statement-entries").replaceChildren(...rows);
}
