// 看病前算一算 (estimate.html): the signed-in person describes a coming visit in
// a few plain questions; POST /v1/me/estimates runs the settlement engine on
// their own profile and year-to-date figures (nothing is written) and the page
// shows who pays what, as big numbers, a bar with a table for screen readers,
// and the engine's own explanation lines. Care away from home is estimated with the
// remote-care filing the person has (from the store, as at settlement), and the page says
// what filing would change.
import "./strings/filing.js";
import {
  api,
  clearFieldError,
  clearFieldErrors,
  el,
  errorText,
  focusFirst,
  getToken,
  goToLogin,
  initPage,
  lang,
  messageBox,
  money,
  onLangChange,
  pick,
  say,
  setFieldError,
  t,
  whileBusy,
} from "./app.js";

initPage();

const $ = (id) => document.getElementById(id);
const message = messageBox($("message"));
const form = $("est-form");
const submit = $("est-submit");
const away = $("away");
const details = $("est-details");
const accountGroup = $("account-group");
const result = $("est-result");

const MAX_FEN = 10_000_000_000; // 100,000,000.00 yuan: the bound of every input amount
// The fund parts first, then what the person does not pay, then what they pay.
const PARTS = [
  "basic",
  "critical_illness",
  "medical_assistance",
  "safety_net",
  "hospital_borne",
  "account",
  "cash",
];
const FUNDS = ["basic", "critical_illness", "medical_assistance", "safety_net"];
const OWN = ["account", "cash"];

let me = null; // GET /v1/me
let answer = null; // the last estimate shown
let fieldOf = {}; // JSON pointer of the last request -> input id (for the server's errors[])

onLangChange(() => {
  if (me) renderWho(me);
  if (answer) render(answer);
});

if (!getToken()) goToLogin("session.expired");
else loadProfile();

// ---------------------------------------------------------------- who is asking

async function loadProfile() {
  try {
    me = await api("GET", "/v1/me");
    renderWho(me);
    // Only employees hold a personal account (个人账户).
    accountGroup.hidden = me.scheme !== "employee";
  } catch (err) {
    if (err.status === 401) return goToLogin("session.expired");
    message.error(err);
  }
}

function renderWho(p) {
  const groups = (p.groups || []).map(pick).filter(Boolean);
  const what = [pick(p.scheme_label), ...groups].filter(Boolean).join(lang() === "en" ? ", " : "、");
  const who = $("est-who");
  who.textContent = what ? t("est.who", { what }) : "";
  who.hidden = !what;
}

// ---------------------------------------------------------------- money as text, exactly

/** What an elderly person may type: full-width digits, "," separators, spaces, a final "元". */
function normalise(raw) {
  return raw
    .replace(/[\uff10-\uff19]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/[\uff0e\u3002]/g, ".")
    .replace(/[\s,\uff0c]/g, "")
    .replace(/(元|yuan)$/i, "");
}

/** "1234.5" -> 123450 fen; null when not digits with at most two decimals. */
function parseFen(text) {
  const m = /^(\d+)(?:\.(\d{1,2}))?$/.exec(text);
  if (!m) return null;
  const whole = m[1].replace(/^0+(?=\d)/, "");
  if (whole.length > 12) return Number.POSITIVE_INFINITY;
  return Number(whole) * 100 + Number((m[2] || "").padEnd(2, "0"));
}

/** 123450 -> "1234.50" (the API's form: no leading zeros, two decimals). */
function fenToYuan(fen) {
  return `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, "0")}`;
}

/** The B self-pay share typed as a percentage ("10", "12.5") -> the API's ratio ("0.1", "0.125"). */
function percentToRatio(text) {
  const m = /^(\d{1,3})(?:\.(\d{1,2}))?$/.exec(text);
  if (!m) return null;
  const hundredths = Number(m[1]) * 100 + Number((m[2] || "").padEnd(2, "0"));
  if (hundredths > 10000) return null;
  if (hundredths === 10000) return "1";
  if (hundredths === 0) return "0";
  return `0.${String(hundredths).padStart(4, "0")}`.replace(/0+$/, "");
}

// ---------------------------------------------------------------- the form

const checked = (name) => form.querySelector(`input[name="${name}"]:checked`)?.value ?? null;

function paintAway() {
  away.hidden = (checked("location") ?? "in_county") === "in_county";
}

for (const radio of form.querySelectorAll('input[name="location"]')) radio.addEventListener("change", paintAway);
paintAway();

// Correcting a field takes its error away; any change makes a shown result out of date.
form.addEventListener("input", (event) => {
  const target = event.target;
  clearFieldError(target.id);
  const group = target.closest("fieldset.choices");
  if (group && target.type === "radio") clearFieldError(group.id);
  if (!result.hidden) $("est-stale").hidden = false;
});

/** An amount field: [fen, error key]; an empty optional field is 0. */
function readAmount(id, { required }) {
  const input = $(id);
  const text = normalise(input.value);
  if (text !== input.value.trim()) input.value = text;
  if (!text) return required ? [null, "v.amount.empty"] : [0, null];
  const fen = parseFen(text);
  if (fen == null) return [null, "v.amount.format"];
  if (fen > MAX_FEN) return [null, "v.amount.too_large"];
  if (required && fen === 0) return [null, "v.amount.zero"];
  return [fen, null];
}

/** The request body, or the errors to show ([input id, message key, params or () => params]). */
function build() {
  const errors = [];
  const kind = checked("kind");
  const level = checked("hospital_level");
  const location = checked("location");
  if (!kind) errors.push(["kind-group", "v.kind.empty"]);
  if (!level) errors.push(["level-group", "v.level.empty"]);
  if (!location) errors.push(["loc-group", "v.loc.empty"]);

  const [total, totalBad] = readAmount("amount", { required: true });
  const [c, cBad] = readAmount("amount-c", { required: false });
  const [b, bBad] = readAmount("amount-b", { required: false });
  if (totalBad) errors.push(["amount", totalBad]);
  if (cBad) errors.push(["amount-c", cBad]);
  if (bBad) errors.push(["amount-b", bBad]);
  let ratio = null;
  if (!bBad && b > 0) {
    const ratioInput = $("b-ratio");
    ratioInput.value = normalise(ratioInput.value).replace(/[%%]$/, "");
    ratio = percentToRatio(ratioInput.value);
    if (ratio == null) errors.push(["b-ratio", "v.b_ratio.format"]);
  }
  // What is left of the total is catalogue A (甲类): it must be more than nothing.
  if (!totalBad && !bBad && !cBad && total - b - c <= 0) {
    // Params as a function: the amount's unit follows a later change of language.
    errors.push(["amount", "v.amount.split", () => ({ n: money(fenToYuan(b + c)) })]);
  }
  if (errors.length) return { errors };

  const isAway = location !== "in_county";
  const visit = {
    kind,
    hospital_level: Number(level),
    location,
    referral: isAway && $("referral").checked,
  };
  const items = [{ code: "A-1", catalogue: "A", amount: fenToYuan(total - b - c) }];
  fieldOf = {
    "/visit/kind": "kind-group",
    "/visit/hospital_level": "level-group",
    "/visit/location": "loc-group",
    "/visit/referral": "referral",
    "/use_account": "use-account",
    "/items": "amount",
    "/items/0/amount": "amount",
  };
  if (b > 0) {
    fieldOf[`/items/${items.length}/amount`] = "amount-b";
    fieldOf[`/items/${items.length}/b_self_ratio`] = "b-ratio";
    items.push({ code: "B-1", catalogue: "B", amount: fenToYuan(b), b_self_ratio: ratio });
  }
  if (c > 0) {
    fieldOf[`/items/${items.length}/amount`] = "amount-c";
    items.push({ code: "C-1", catalogue: "C", amount: fenToYuan(c) });
  }
  const useAccount = !accountGroup.hidden && $("use-account").checked;
  return { errors: [], body: { visit, items, use_account: useAccount } };
}

/**
 * setFieldError, but a radio group's note goes inside its box, after the hint
 * (app.js puts it after the element, i.e. below the fieldset's border).
 */
function markField(id, text) {
  if (!setFieldError(id, text)) return false;
  const node = $(id);
  if (node.tagName === "FIELDSET") node.querySelector(".hint")?.after($(`${id}-error`));
  return true;
}

/** Focus an input, or the first radio of a group; open the details it sits in. */
function focusField(id) {
  const node = $(id);
  if (!node) return;
  if (details.contains(node)) details.open = true;
  const target = node.tagName === "FIELDSET" ? node.querySelector("input:checked, input") : node;
  target?.focus();
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  if (submit.disabled) return;
  clearFieldErrors();
  const { errors, body } = build();
  if (errors.length) {
    for (const [id, key, params] of errors) {
      markField(id, () => t(key, typeof params === "function" ? params() : params));
    }
    message.show(() => t("err.fields"), "error");
    focusField(errors[0][0]);
    return;
  }
  message.show(() => t("est.busy"));
  await whileBusy(submit, async () => {
    try {
      render(await api("POST", "/v1/me/estimates", body));
      message.show(() => t("est.done"), "success");
      $("est-result-title").scrollIntoView({ block: "start" });
      $("est-result-title").focus({ preventScroll: true });
    } catch (err) {
      failed(err);
    }
  });
});

function failed(err) {
  if (err.status === 401) return goToLogin("session.expired");
  const shown = [];
  err.unplaced = [];
  for (const item of err?.problem?.errors || []) {
    const id = fieldOf[item.pointer];
    const text = () => (lang() === "en" ? item.detail : item.detail_zh || item.detail) || "";
    if (id && markField(id, text)) shown.push(id);
    else err.unplaced.push(item);
  }
  message.show(() => errorText(err), "error");
  if (shown.length) {
    if (details.contains($(shown[0]))) details.open = true;
    focusFirst(shown);
  } else $("message").scrollIntoView({ block: "nearest" });
}

// ---------------------------------------------------------------- the answer

const idOf = (part) => `est-${part.replace(/_/g, "-")}`;

/** The amount of a part in fen ("hospital_borne" sits beside parts, not in it). */
function fenOf(a, part) {
  const value = part === "hospital_borne" ? a.hospital_borne : a.parts?.[part];
  const fen = parseFen(String(value ?? "0"));
  return Number.isFinite(fen) ? fen : 0;
}

/**
 * A line's text with break chances (<wbr>) before "=" and "×": a formula such as
 * "(20000.00−500.00)×85%=16575.00元" has none of its own and would otherwise
 * break inside a number on a small screen. The text itself is unchanged.
 */
function breakable(text) {
  const parts = String(text || "").split(/(?=[=×])/);
  return parts.flatMap((part, i) => (i ? [el("wbr"), part] : [part]));
}

function render(a) {
  answer = a;
  const totalFen = parseFen(String(a.total)) || 0;
  const rows = PARTS.map((part) => ({ part, fen: fenOf(a, part) })).filter(
    (r) => r.fen > 0 || r.part === "cash",
  );

  // Refused at step 2 (eligibility): the lines that say why, and what would change it.
  const refusal = $("est-refusal");
  const refusalLines = a.eligible === false ? (a.lines || []).filter((l) => /^eligibility\b/.test(l.rule || "")) : [];
  $("est-refusal-lines").replaceChildren(
    ...refusalLines.map((l) => el("li", { text: say(l.text_zh, l.text_en) })),
  );
  refusal.hidden = a.eligible !== false;

  $("est-total").textContent = money(a.total);

  $("est-parts").replaceChildren(
    ...rows.map(({ part, fen }) =>
      el(
        "div",
        { className: `part part-${part}`, dataset: { part } },
        el("dt", {}, el("span", { className: `swatch seg-${part}`, "aria-hidden": "true" }), t(`est.part.${part}`)),
        el("dd", { id: idOf(part), className: "part-value" }, money(fenToYuan(fen))),
      ),
    ),
  );

  const sum = (parts) => parts.reduce((n, part) => n + fenOf(a, part), 0);
  $("est-summary").textContent = t("est.summary", {
    funds: money(fenToYuan(sum(FUNDS))),
    self: money(fenToYuan(sum(OWN))),
  });

  // The split as a bar (hidden from screen readers) and as a table (for them).
  const share = (fen) => (totalFen ? (fen * 100) / totalFen : 0);
  $("est-bar").replaceChildren(
    ...rows
      .filter((r) => r.fen > 0)
      .map(({ part, fen }) => {
        const seg = el("div", { className: `seg seg-${part}`, dataset: { part } });
        seg.style.width = `${share(fen)}%`;
        return seg;
      }),
  );
  $("est-table-body").replaceChildren(
    ...rows.map(({ part, fen }) =>
      el(
        "tr",
        {},
        el("th", { scope: "row", text: t(`est.part.${part}`) }),
        el("td", { text: money(fenToYuan(fen)) }),
        el("td", { text: t("est.share", { p: share(fen).toFixed(1) }) }),
      ),
    ),
  );

  const payout = $("est-payout");
  const living = parseFen(String(a.payouts?.living_assistance ?? "0")) || 0;
  payout.textContent = living > 0 ? t("est.payout", { n: money(a.payouts.living_assistance) }) : "";
  payout.hidden = living === 0;

  // The lines of the refusal are said once, in the refusal box above, not again here.
  $("est-lines").replaceChildren(
    ...(a.lines || []).filter((l) => !refusalLines.includes(l)).map((l) =>
      el(
        "li",
        { className: "est-line", dataset: { rule: l.rule || "" } },
        el("p", { className: "line-text" }, breakable(say(l.text_zh, l.text_en))),
        // A line that names no money (who may have a benefit, why a rule does not apply)
        // gets no "金额：" beside it.
        Number(l.amount)
          ? el("p", { className: "line-amount", text: t("est.line.amount", { n: money(l.amount) }) })
          : null,
      ),
    ),
  );

  const filing = $("est-filing");
  $("est-filing-used").textContent = a.remote_filing ? say(a.remote_filing.text_zh, a.remote_filing.text_en) : "";
  $("est-filing-effect").textContent = a.filing_effect ? say(a.filing_effect.text_zh, a.filing_effect.text_en) : "";
  filing.hidden = !a.remote_filing && !a.filing_effect;

  $("est-stale").hidden = true;
  result.hidden = false;
}
