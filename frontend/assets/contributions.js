// 缴费记录 (contributions.html): a year of the contribution ledger from
// GET /v1/me/contributions?year=YYYY, the current year first. Employees see each
// month (base, 2% / 8% / large-amount parts, who paid, arrears and back payments
// marked in words), their contribution years toward 30 / 25 as a bar with a text
// alternative, and the year's tier with what it includes and what to do.
// Residents see the year's contribution, its subsidy and the enrolment window.
import {
  api,
  day,
  el,
  fill,
  getToken,
  goToLogin,
  initPage,
  messageBox,
  money,
  monthText,
  onLangChange,
  pick,
  say,
  t,
  whole,
} from "./app.js";

initPage();

const $ = (id) => document.getElementById(id);
const message = messageBox($("message"));
const body = $("contrib-body");
const prev = $("contrib-prev");
const next = $("contrib-next");

const BENEFITS = ["personal_account", "inpatient", "outpatient", "chronic_outpatient"];
const FIRST_YEAR = 2010; // the ledgers start in 2010 (services/ledgers.FIRST_YEAR)

let shown = null; // the answer on the page
let current = null; // the current year: the year of the first answer
let pending = null; // the year asked for and not answered yet
let asked = 0; // the last request's number: an older answer arriving late is dropped

onLangChange(() => shown && render(shown));

// Pressed twice quickly, a button moves two years: each press counts from the year asked for last.
prev.addEventListener("click", () => {
  if (!shown) return;
  if (pending == null && shown.previous_year == null) return;
  const from = pending ?? shown.year;
  if (from > FIRST_YEAR) load(from - 1);
});
next.addEventListener("click", () => {
  const last = lastYear();
  if (!shown || last == null) return;
  const from = pending ?? shown.year;
  if (from < last) load(from + 1);
});

/** The last year that can be opened: residents pay next year's contribution in this year's
 * enrolment window (or a relative pays it for them), so theirs is next year. */
function lastYear() {
  if (current == null) return null;
  return shown?.scheme === "resident" ? current + 1 : current;
}

if (!getToken()) goToLogin("session.expired");
else load(null);

// ---------------------------------------------------------------- words for figures

/** 322 months -> ["26年", "10个月"] / ["26 years", "10 months"]. */
function yearsMonthsParts(total) {
  const years = Math.floor(total / 12);
  const months = total % 12;
  const parts = [];
  if (years) parts.push(t(years === 1 ? "ledger.year1" : "ledger.years", { n: years }));
  if (months || !years) parts.push(t(months === 1 ? "ledger.month1" : "ledger.months", { n: months }));
  return parts;
}

/** 322 months -> "26年10个月" / "26 years 10 months". */
const yearsMonths = (total) => yearsMonthsParts(total).join(t("ledger.ym.sep"));

// ---------------------------------------------------------------- loading a year

async function load(year) {
  const ticket = ++asked;
  pending = year;
  body.setAttribute("aria-busy", "true");
  if (year != null) message.show(() => t("contrib.loading.year", { y: year }));
  try {
    const answer = await api("GET", year == null ? "/v1/me/contributions" : `/v1/me/contributions?year=${year}`);
    if (ticket !== asked) return;
    if (current == null) current = answer.year;
    message.clear();
    render(answer);
  } catch (err) {
    if (ticket !== asked) return;
    if (err.status === 401) return goToLogin("session.expired");
    $("contrib-loading").hidden = true;
    message.error(err);
  } finally {
    if (ticket === asked) {
      pending = null;
      body.removeAttribute("aria-busy");
    }
  }
}

// ---------------------------------------------------------------- the page

function render(d) {
  shown = d;
  $("contrib-loading").hidden = true;
  $("contrib-year").textContent = t("contrib.year", { y: d.year });
  paintPicker(d);
  const employee = d.scheme === "employee";
  const summary = d.summary || {};
  if (employee) {
    renderYears(summary.contribution_years);
    renderTier(d.year, summary.tier);
  } else {
    $("contrib-years").hidden = true;
    $("contrib-tier").hidden = true;
  }
  const status = $("contrib-status");
  status.hidden = employee || !summary.text_zh;
  status.textContent = employee ? "" : say(summary.text_zh, summary.text_en);
  status.dataset.paid = String(Boolean(summary.paid));

  const entries = d.entries || [];
  $("contrib-entries-title").textContent = t(employee ? "contrib.entries.h2" : "contrib.entries.h2.resident", {
    y: d.year,
  });
  const empty = $("contrib-empty");
  empty.textContent = t("contrib.entries.empty", { y: d.year });
  empty.hidden = entries.length > 0;
  $("contrib-entries").replaceChildren(...(employee ? employeeEntries(entries) : entries.map(residentEntry)));
  $("contrib-list").hidden = false;
}

function paintPicker(d) {
  const hadFocus = document.activeElement;
  prev.disabled = d.previous_year == null;
  next.disabled = lastYear() == null || d.year >= lastYear();
  // A button that has just become disabled cannot keep the focus: give it to the other one.
  if (hadFocus === prev && prev.disabled && !next.disabled) next.focus();
  if (hadFocus === next && next.disabled && !prev.disabled) prev.focus();
}

// ---- contribution years: a bar from 0 to the larger of paid and required

function renderYears(y) {
  const section = $("contrib-years");
  if (!y) {
    section.hidden = true;
    return;
  }
  const paid = y.paid?.total_months ?? 0;
  const need = (y.required_years ?? 0) * 12;
  const state = y.met
    ? t("contrib.years.met", { n: y.required_years })
    : t("contrib.years.short", { x: yearsMonths(y.missing?.total_months ?? 0), n: y.required_years });
  $("contrib-years-caption").textContent = t("contrib.years.caption", { date: day(y.as_of) });
  // Big: "26 years" and "10 months" may go on two lines, but never break inside.
  $("contrib-years-paid").replaceChildren(
    ...yearsMonthsParts(paid).flatMap((part, i) => (i ? [t("ledger.ym.sep"), whole(part)] : [whole(part)])),
  );
  const stateLine = $("contrib-years-state");
  const mark = el("span", { className: "mark", "aria-hidden": "true", text: y.met ? "✓ " : "! " });
  stateLine.replaceChildren(mark, state);
  stateLine.dataset.met = String(Boolean(y.met));

  const scale = Math.max(paid, need, 1);
  const bar = $("contrib-years-bar");
  bar.dataset.met = String(Boolean(y.met));
  bar.setAttribute("aria-label", t("contrib.years.alt", { paid: yearsMonths(paid), n: y.required_years, state }));
  bar.querySelector(".years-fill").style.width = `${(paid * 100) / scale}%`;
  const at = (need * 100) / scale;
  bar.querySelector(".years-mark").style.left = `${at}%`;
  const label = $("contrib-years-need");
  label.textContent = t("contrib.years.need", { n: y.required_years });
  label.style.left = `${at}%`;
  // Near the right end the label hangs to the left of its mark, so it never runs off the screen.
  label.dataset.align = at > 70 ? "end" : "middle";

  const arrears = y.arrears || [];
  const owed = $("contrib-years-arrears");
  owed.hidden = arrears.length === 0;
  owed.textContent = arrears.length
    ? t("contrib.years.arrears", { n: arrears.length, sum: money(y.arrears_total) })
    : "";
  $("contrib-years-text").textContent = say(y.text_zh, y.text_en);
  section.hidden = false;
}

// ---- the year's tier

function renderTier(year, tier) {
  const section = $("contrib-tier");
  if (!tier) {
    section.hidden = true;
    return;
  }
  $("contrib-tier-title").textContent = t("contrib.tier.h2", { y: year });
  $("contrib-tier-pct").textContent = t("contrib.tier.pct", { p: tier.average_pct });
  const level = $("contrib-tier-level");
  level.dataset.tier = tier.tier ?? "none";
  if (tier.all_benefits_as_retiree) level.textContent = t("contrib.tier.retiree");
  else if (tier.tier != null) level.textContent = t("contrib.tier.level", { t: tier.tier });
  else level.textContent = t("contrib.tier.below", { t: tier.next_tier ?? "60" });

  const includes = new Set(tier.includes || []);
  $("contrib-tier-includes").replaceChildren(
    ...BENEFITS.map((b) => {
      const yes = includes.has(b);
      return el(
        "li",
        { className: yes ? "yes" : "no", dataset: { benefit: b } },
        el("span", { className: "mark", "aria-hidden": "true", text: yes ? "✓" : "✗" }),
        el("span", { className: "check-name", text: t(`ledger.benefit.${b}`) }),
        el("span", { className: "check-state", text: t(yes ? "contrib.tier.yes" : "contrib.tier.no") }),
      );
    }),
  );
  $("contrib-tier-text").textContent = say(tier.text_zh, tier.text_en);
  section.hidden = false;
}

// ---- the entries

function fact(label, value, className) {
  return el(
    "div",
    { className: className ? `entry-fact ${className}` : "entry-fact" },
    el("dt", { text: label }),
    el("dd", {}, value),
  );
}

const ICON = { regular: "✓", arrears: "!", back_payment: "↺", resident: "✓" };

function head(title, kind, label) {
  return el(
    "div",
    { className: "entry-head" },
    el("h3", { className: "entry-title", text: title }),
    el(
      "span",
      { className: `kind kind-${kind}` },
      el("span", { className: "kind-icon", "aria-hidden": "true", text: ICON[kind] || "•" }),
      el("span", { className: "kind-text", text: label }),
    ),
  );
}

function employeeEntries(entries) {
  // When was each period paid (a regular or back payment)? An arrears month paid later says so.
  const paidOn = new Map();
  for (const e of entries) if (e.kind !== "arrears" && e.paid_on) paidOn.set(e.period, e.paid_on);
  return entries.map((e) => {
    const arrears = e.kind === "arrears";
    const coveredOn = arrears ? paidOn.get(e.period) : null;
    let note = null;
    if (arrears) {
      note = coveredOn
        ? fill("contrib.arrears.covered", { payer: pick(e.payer_label), date: whole(day(coveredOn)) })
        : t("contrib.arrears.open");
    } else if (e.kind === "back_payment") {
      note = t("contrib.back.note");
    }
    return el(
      "li",
      {
        className: `entry entry-${e.kind}${coveredOn ? " covered" : ""}`,
        dataset: { period: e.period, kind: e.kind },
      },
      head(monthText(e.period), e.kind, pick(e.kind_label)),
      el(
        "p",
        { className: "entry-total" },
        el("span", {
          className: "entry-total-label",
          text: t(coveredOn ? "contrib.f.was_due" : arrears ? "contrib.f.due" : "contrib.f.total"),
        }),
        " ",
        el("span", { className: "entry-total-value", text: money(e.total) }),
      ),
      el(
        "dl",
        { className: "entry-facts" },
        fact(t("contrib.f.individual"), money(e.individual)),
        fact(t("contrib.f.employer"), money(e.employer)),
        fact(t("contrib.f.large"), money(e.large_amount)),
        fact(t("contrib.f.base"), money(e.base)),
      ),
      // Who pays, and when it was paid; an arrears month paid later says so in its note instead.
      coveredOn
        ? null
        : el(
            "p",
            { className: e.paid_on ? "entry-paid" : "entry-paid unpaid" },
            e.paid_on
              ? fill(e.kind === "back_payment" ? "contrib.back.by" : "contrib.paid.by", {
                  payer: pick(e.payer_label),
                  date: whole(day(e.paid_on)),
                })
              : fill("contrib.unpaid.by", { payer: pick(e.payer_label) }),
          ),
      note ? el("p", { className: "entry-note" }, note) : null,
    );
  });
}

function residentEntry(e) {
  const subsidy = e.subsidy_label
    ? t("contrib.res.subsidy.who", { n: money(e.subsidy), who: pick(e.subsidy_label) })
    : money(e.subsidy);
  const enrolment = e.enrolment_window || {};
  return el(
    "li",
    { className: "entry entry-resident", dataset: { year: String(e.year), kind: e.kind } },
    head(t("contrib.res.year", { y: e.year }), "resident", pick(e.kind_label)),
    el(
      "p",
      { className: "entry-total" },
      el("span", { className: "entry-total-label", text: t("contrib.f.total") }),
      " ",
      el("span", { className: "entry-total-value", text: money(e.total) }),
    ),
    el(
      "dl",
      { className: "entry-facts wide" },
      fact(t("contrib.res.individual"), money(e.individual)),
      fact(t("contrib.res.subsidy"), subsidy),
      e.paid_on
        ? fact(t("contrib.res.paid_on"), whole(day(e.paid_on)))
        : fact(t("contrib.res.paid_on"), t("contrib.f.not_paid"), "unpaid"),
      enrolment.start
        ? fact(
            t("contrib.res.window"),
            fill("contrib.res.window.value", { start: whole(day(enrolment.start)), end: whole(day(enrolment.end)) }),
          )
        : null,
    ),
  );
}
