// 待遇余额 (benefits.html): this year's benefit balance from GET /v1/me/benefits.
// Each yearly cap (inpatient, general outpatient, chronic-disease outpatient and,
// for assisted persons, medical assistance) shows what is left in big figures and a
// progress bar of what is used (role="progressbar" with its values in words);
// critical illness insurance shows the progress toward its threshold; the
// inpatient deductible is a note, per admission. A benefit the person cannot use
// now says so, and the server's own words say why.
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
  onLangChange,
  say,
  t,
  whole,
} from "./app.js";

initPage();

const $ = (id) => document.getElementById(id);
const message = messageBox($("message"));
const CAPS = [
  ["inpatient", "ben-inpatient"],
  ["outpatient", "ben-outpatient"],
  ["chronic_outpatient", "ben-chronic"],
];

let shown = null;
onLangChange(() => shown && render(shown));

if (!getToken()) goToLogin("session.expired");
else load();

// ---------------------------------------------------------------- words for figures

const num = (yuan) => Number(yuan) || 0;

// ---------------------------------------------------------------- loading

async function load() {
  const body = $("ben-body");
  try {
    render(await api("GET", "/v1/me/benefits"));
  } catch (err) {
    if (err.status === 401) return goToLogin("session.expired");
    message.error(err);
  } finally {
    $("ben-loading").hidden = true;
    body.removeAttribute("aria-busy");
  }
}

// ---------------------------------------------------------------- the page

function render(b) {
  shown = b;
  const year = $("ben-year");
  year.textContent = t("ben.year", { y: b.year, date: day(b.as_of) });
  year.hidden = false;
  for (const [kind, id] of CAPS) fillCap(id, b.caps?.[kind]);
  fillCritical(b.critical_illness);
  const assistance = $("ben-assistance");
  assistance.hidden = !b.medical_assistance;
  if (b.medical_assistance) fillCap("ben-assistance", b.medical_assistance);
  fillDeductible(b.deductible);
  $("ben-body").hidden = false;
}

/** A box saying that the benefit cannot be used now (false) or is not decided yet (null). */
function blocked(available) {
  if (available === true) return null;
  return el(
    "p",
    { className: "ben-blocked", dataset: { available: String(available) } },
    el("span", { "aria-hidden": "true", text: "! " }),
    t(available === false ? "ben.blocked" : "ben.unknown"),
  );
}

/**
 * A progress bar: `used` of `max` (yuan). Named by the section's heading; its
 * values are numbers for assistive technology, and `words` says them in full.
 */
function meter(id, used, max, words) {
  const bar = el("div", {
    className: "meter",
    role: "progressbar",
    id: `${id}-bar`,
    "aria-labelledby": `${id}-title`,
    "aria-valuemin": "0",
    "aria-valuemax": String(max),
    "aria-valuenow": String(Math.min(used, max)),
    "aria-valuetext": words,
  });
  const fill = el("div", { className: "meter-fill" });
  const share = max > 0 ? Math.min(100, (used * 100) / max) : 0;
  fill.style.width = used > 0 ? `max(3px, ${share}%)` : "0";
  bar.append(fill);
  return bar;
}

function content(id, ...children) {
  const section = $(id);
  section.querySelector(".ben-content").replaceChildren(...children.flat().filter(Boolean));
  return section;
}

function fillCap(id, cap) {
  const section = $(id);
  if (!cap) {
    section.hidden = true;
    return;
  }
  section.hidden = false;
  section.dataset.available = String(cap.available);
  const text = el("p", { className: "ben-text", text: say(cap.text_zh, cap.text_en) });
  const label = el("p", { className: "ben-label", text: say(cap.label_zh, cap.label_en) });
  if (cap.cap == null) {
    // No yearly cap (医疗救助 for 特困): what has been paid this year.
    content(
      id,
      blocked(cap.available),
      label,
      el("p", { className: "total-caption", text: t("ben.no_cap") }),
      el("p", { id: `${id}-left`, className: "ben-left", text: money(cap.used) }),
      text,
    );
    return;
  }
  const words = t("ben.used", { used: money(cap.used), cap: money(cap.cap) });
  content(
    id,
    blocked(cap.available),
    label,
    el("p", { className: "total-caption", text: t(cap.available === false ? "ben.left.blocked" : "ben.left") }),
    el("p", { id: `${id}-left`, className: "ben-left", text: money(cap.left) }),
    meter(id, num(cap.used), num(cap.cap), words),
    el(
      "p",
      { className: "meter-legend" },
      fill("ben.used", { used: whole(money(cap.used)), cap: whole(money(cap.cap)) }),
    ),
    text,
  );
}

function fillCritical(c) {
  const id = "ben-critical";
  const section = $(id);
  if (!c) {
    section.hidden = true;
    return;
  }
  section.hidden = false;
  section.dataset.available = String(c.available);
  section.dataset.reached = String(Boolean(c.reached));
  const words = t("ben.crit.meter", { burden: money(c.burden), threshold: money(c.threshold) });
  content(
    id,
    blocked(c.available),
    el("p", { className: "ben-label", text: say(c.label_zh, c.label_en) }),
    c.reached
      ? [
          el("p", { id: `${id}-left`, className: "ben-left", text: t("ben.crit.reached") }),
          el("p", { className: "ben-rate", text: t("ben.crit.rate", { p: c.rate_pct }) }),
        ]
      : [
          el("p", { className: "total-caption", text: t("ben.crit.until") }),
          el("p", { id: `${id}-left`, className: "ben-left", text: money(c.until_paying) }),
        ],
    meter(id, num(c.burden), num(c.threshold), words),
    el(
      "p",
      { className: "meter-legend" },
      fill("ben.crit.meter", { burden: whole(money(c.burden)), threshold: whole(money(c.threshold)) }),
    ),
    el("p", { className: "ben-text", text: say(c.text_zh, c.text_en) }),
  );
}

function fillDeductible(d) {
  const id = "ben-deductible";
  const section = $(id);
  if (!d) {
    section.hidden = true;
    return;
  }
  section.hidden = false;
  const levels = Object.entries(d.by_level || {}).sort(([a], [b]) => Number(a) - Number(b));
  content(
    id,
    el("p", { className: "ben-label", text: say(d.label_zh, d.label_en) }),
    el(
      "dl",
      { className: "ben-levels" },
      levels.map(([level, amount]) =>
        el(
          "div",
          { className: "ben-level" },
          el("dt", { text: t(`ben.ded.${level}`) }),
          el("dd", { text: t("ben.ded.value", { n: money(amount) }) }),
        ),
      ),
    ),
    el("p", { className: "ben-text", text: say(d.text_zh, d.text_en) }),
  );
}
