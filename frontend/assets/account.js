// 个人账户 (account.html): the employee personal account from GET /v1/me/account
// (the balance, the latest monthly credit with its explanation, the month-end
// balances of the last 12 months as bars with a table for screen readers) and the
// statement of a month from GET /v1/me/account/entries?month=YYYY-MM, newest first,
// "加载更多" following next_cursor. Residents have no personal account: the API
// answers 404 and the page shows its plain words.
import {
  api,
  day,
  el,
  fill,
  getToken,
  goToLogin,
  initPage,
  lang,
  messageBox,
  money,
  monthText,
  onLangChange,
  pagedList,
  pick,
  say,
  t,
  whole,
} from "./app.js";

initPage();

const $ = (id) => document.getElementById(id);
const message = messageBox($("message"));
const select = $("acct-month");
const list = $("acct-entries");

let account = null; // GET /v1/me/account

/** A month's statement; "加载更多" adds the next page below what is shown. */
const statement = pagedList({
  url: (month, cursor) => {
    const query = new URLSearchParams({ month });
    if (cursor) query.set("cursor", cursor);
    return `/v1/me/account/entries?${query}`;
  },
  list,
  box: $("acct-entries-box"),
  more: $("acct-more"),
  message,
  onPage: () => message.clear(),
  render: renderStatement,
});

onLangChange(() => {
  if (!account) return;
  renderAccount(account);
  fillMonths(account.months || [], select.value);
  statement.render();
});

select.addEventListener("change", () => statement.load(select.value));

if (!getToken()) goToLogin("session.expired");
else load();

// ---------------------------------------------------------------- words for figures

const fen = (yuan) => Math.round(Number(yuan) * 100) || 0;

// ---------------------------------------------------------------- the account

async function load() {
  const section = $("acct-summary");
  try {
    account = await api("GET", "/v1/me/account");
  } catch (err) {
    if (err.status === 401) return goToLogin("session.expired");
    $("acct-loading").hidden = true;
    section.removeAttribute("aria-busy");
    if (err.status === 404) {
      // 城乡居民医保没有个人账户： the server's own words, not an error of the page.
      section.hidden = true;
      message.show(() => (lang() === "en" ? err.problem?.detail : err.problem?.detail_zh) || err.message, "info");
      return;
    }
    message.error(err);
    return;
  }
  section.removeAttribute("aria-busy");
  renderAccount(account);
  const months = account.months || [];
  // Open on the month of the latest line (this month may have none yet).
  const latest = account.as_of ? account.as_of.slice(0, 7) : null;
  const shown = months.some((m) => m.period === latest) ? latest : months.at(-1)?.period ?? null;
  fillMonths(months, shown);
  $("acct-statement").hidden = false;
  if (select.value) statement.load(select.value);
}

function renderAccount(a) {
  $("acct-loading").hidden = true;
  $("acct-balance").textContent = money(a.balance);
  const asOf = $("acct-as-of");
  asOf.replaceChildren(...(a.as_of ? fill("acct.as_of", { date: whole(day(a.as_of)) }) : []));
  asOf.hidden = !a.as_of;
  const credit = a.latest_credit;
  $("acct-credit-value").replaceChildren(
    ...(credit
      ? fill("acct.credit.value", { month: monthText(credit.period), n: whole(money(credit.amount, { plus: true })) })
      : [t("acct.credit.none")]),
  );
  const why = $("acct-credit-text");
  why.textContent = credit ? say(credit.text_zh, credit.text_en) : "";
  why.hidden = !why.textContent;
  $("acct-summary-body").hidden = false;
  renderChart(a.months || []);
}

// ---- the last months' balances: bars (for the eye) and a table (for screen readers)

function renderChart(months) {
  const history = $("acct-history");
  if (!months.length) {
    history.hidden = true;
    return;
  }
  const values = months.map((m) => fen(m.balance));
  const top = Math.max(...values, 1);
  $("acct-chart").replaceChildren(
    ...months.map((m, i) => {
      const bar = el("div", { className: "chart-bar" });
      // Never below 2 px, so that a month with a balance shows at all; 0 stays 0.
      bar.style.height = values[i] > 0 ? `max(2px, ${(Math.max(values[i], 0) * 100) / top}%)` : "0";
      const [, mm] = m.period.split("-").map(Number);
      return el(
        "div",
        { className: i === months.length - 1 ? "chart-col latest" : "chart-col", dataset: { period: m.period } },
        el("div", { className: "chart-track" }, bar),
        el("span", { className: "chart-label", text: String(mm) }),
      );
    }),
  );
  const highest = months[values.indexOf(Math.max(...values))];
  const lowest = months[values.indexOf(Math.min(...values))];
  $("acct-chart-note").textContent = t("acct.chart.note", {
    from: monthText(months[0].period),
    to: monthText(months[months.length - 1].period),
    max: money(highest.balance),
    min: money(lowest.balance),
  });
  $("acct-chart-body").replaceChildren(
    ...months.map((m) =>
      el("tr", {}, el("th", { scope: "row", text: monthText(m.period) }), el("td", { text: money(m.balance) })),
    ),
  );
  history.hidden = false;
}

// ---------------------------------------------------------------- the statement

function fillMonths(months, chosen) {
  select.replaceChildren(
    ...[...months]
      .reverse()
      .map((m) => el("option", { value: m.period, text: monthText(m.period), selected: m.period === chosen })),
  );
  if (chosen) select.value = chosen;
}

function renderStatement({ key: month, entries }) {
  const empty = $("acct-empty");
  empty.textContent = month ? t("acct.stmt.empty", { month: monthText(month) }) : "";
  empty.hidden = entries.length > 0 || !month;
  list.replaceChildren(...entries.map(line));
}

function line(e) {
  const out = String(e.amount).startsWith("-");
  const text = say(e.text_zh, e.text_en);
  return el(
    "li",
    { className: `stmt stmt-${e.kind}`, tabindex: "-1", dataset: { kind: e.kind } },
    el(
      "div",
      { className: "stmt-head" },
      el("span", { className: "stmt-kind", text: pick(e.kind_label) }),
      el(
        "span",
        { className: out ? "stmt-amount out" : "stmt-amount in" },
        el("span", { className: "visually-hidden", text: `${t(out ? "acct.out" : "acct.in")} ` }),
        money(e.amount, { plus: true }),
      ),
    ),
    el(
      "p",
      { className: "stmt-meta" },
      whole(day(e.at)),
      " · ",
      fill("acct.after", { n: whole(money(e.balance_after)) }),
    ),
    text ? el("p", { className: "stmt-text", text }) : null,
  );
}
