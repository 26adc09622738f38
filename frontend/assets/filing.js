// 异地就医备案 (filing.html): my filings from GET /v1/me/filings, each with its state and
// validity; one filing (GET /v1/me/filings/{id}) with the hospitals of its city, what to do
// there and its history, changed (PATCH) or cancelled (POST …/cancel) after a confirmation.
// The wizard asks one question a screen: for whom (me, or a relative with their SMS
// consent), why (the categories I may use, and why not the others), where (province and
// city from GET /v1/regions), from when, and the personal commitment; before submitting it
// shows what the filing changes on an example bill and on my last settlement
// (POST /v1/me/filings/preview). Every refusal shows the server's own words.
import "./strings/filing.js";
import {
  api,
  clearFieldError,
  clearFieldErrors,
  day,
  el,
  errorText,
  fill,
  focusFirst,
  getToken,
  goToLogin,
  initPage,
  lang,
  messageBox,
  onLangChange,
  pick,
  say,
  setFieldError,
  t,
  timeEl,
  whileBusy,
  wireConfirm,
} from "./app.js";

initPage();

const $ = (id) => document.getElementById(id);
const message = messageBox($("message"));
const FILINGS = "/v1/me/filings";
const STEPS = ["who", "why", "where", "when", "promise"];
const ID_NUMBER = /^[0-9]{17}[0-9Xx]$/;

let overview = null; // GET /v1/me/filings
let provinces = []; // GET /v1/regions
let shown = null; // the filing in the detail section
let step = 0; // the wizard's current question
let proxyRequest = null; // {request_id, …} once the relative was sent a code
let wizardKey = null; // the Idempotency-Key of this filing: a retry files once
let preview = null; // the last POST /v1/me/filings/preview
let confirming = null; // "change" | "cancel" while the confirmation is open
let pendingChange = null; // the PATCH body awaiting confirmation

onLangChange(() => {
  if (!overview) return;
  renderOverview();
  fillProvinces($("fl-province"), $("fl-city"));
  if (!$("fl-wizard").hidden) paintStep();
  if (shown) renderDetail(shown);
  if (preview) renderPreview(preview);
});

if (!getToken()) goToLogin("session.expired");
else load();

// ---------------------------------------------------------------- reading

async function load() {
  try {
    [overview, { provinces }] = await Promise.all([api("GET", FILINGS), api("GET", "/v1/regions")]);
  } catch (err) {
    if (err.status === 401) return goToLogin("session.expired");
    $("fl-loading").hidden = true;
    $("fl-mine").removeAttribute("aria-busy");
    message.error(err);
    return;
  }
  $("fl-mine").removeAttribute("aria-busy");
  renderOverview();
  fillProvinces($("fl-province"), $("fl-city"));
  $("fl-start").hidden = false;
}

async function reload() {
  try {
    overview = await api("GET", FILINGS);
    renderOverview();
  } catch (err) {
    if (err.status === 401) goToLogin("session.expired");
  }
}

const place = (x) => (x ? (lang() === "en" ? x.name_en : x.name_zh) : "");
const where = (f) => {
  const { province, city } = f.destination;
  return province.code.slice(0, 2) === city.code.slice(0, 2) && province.name_zh === city.name_zh
    ? place(city)
    : `${place(province)} ${place(city)}`;
};
const validity = (f) => say(f.validity_zh, f.validity_en);
const sep = () => (lang() === "en" ? ", " : "，");
const paren = (x) => (lang() === "en" ? ` (${x})` : `（${x}）`);
const colon = () => (lang() === "en" ? ": " : "：");

// ---------------------------------------------------------------- my filings

function renderOverview() {
  const o = overview;
  $("fl-rules-text").textContent = say(o.rules_zh, o.rules_en) || t("fl.rules.fallback");
  const source = $("fl-source");
  // The policy's citation is a document's name in Chinese, in any language shown.
  source.replaceChildren(...(o.source ? fill("fl.source", { source: el("span", { lang: "zh-CN" }, o.source) }) : []));
  source.hidden = !o.source;
  $("fl-loading").hidden = true;

  const current = o.filings.find((f) => f.filing_id === o.in_force);
  const now = $("fl-now");
  now.textContent = current
    ? t("fl.mine.in_force", { what: [pick(current.category_label), where(current), validity(current)].join(sep()) })
    : t("fl.mine.none_in_force");
  now.dataset.value = current ? "yes" : "no";
  now.hidden = o.filings.length === 0;
  $("fl-mine-empty").hidden = o.filings.length > 0;
  $("fl-list").replaceChildren(...o.filings.map(filingItem));
}

function filingItem(f) {
  const open = el("button", { type: "button", className: "button secondary fl-open", id: `fl-open-${f.filing_id}` }, t("fl.open"));
  open.addEventListener("click", () => openDetail(f.filing_id, open));
  return el(
    "li",
    { className: "fl-filing", dataset: { state: f.state, id: f.filing_id } },
    el("p", { className: "fl-filing-title" }, pick(f.category_label), " ", el("span", { className: "fl-state", dataset: { value: f.state } }, pick(f.state_label))),
    el("p", { className: "fl-filing-where" }, where(f)),
    el("p", { className: "fl-filing-when" }, validity(f)),
    open,
  );
}

// ---------------------------------------------------------------- one filing

async function openDetail(filingId, button) {
  await whileBusy(button, async () => {
    try {
      renderDetail(await api("GET", `${FILINGS}/${filingId}`));
      $("fl-detail-title").focus();
    } catch (err) {
      if (err.status === 401) return goToLogin("session.expired");
      message.error(err);
    }
  });
}

function fact(label, value, id) {
  return el("div", { className: "fact" }, el("dt", { text: t(label) }), el("dd", { id }, value));
}

function renderDetail(f) {
  shown = f;
  $("fl-detail-title").textContent = `${pick(f.category_label)}${colon()}${where(f)}`;
  const lock = f.locked_until
    ? t("fl.lock.until", { day: day(f.locked_until), reasons: f.lock_reasons.map(pick).join(lang() === "en" ? "; " : "、") })
    : t("fl.lock.free");
  $("fl-facts").replaceChildren(
    fact("fl.f.state", pick(f.state_label), "fl-d-state"),
    fact("fl.f.where", where(f), "fl-d-where"),
    fact("fl.f.validity", validity(f), "fl-d-validity"),
    fact("fl.f.category", pick(f.category_label) + paren(pick(f.term_label)), "fl-d-category"),
    fact("fl.f.by", f.agent_name ? t("fl.f.by_agent", { name: f.agent_name }) : pick(f.channel_label), "fl-d-by"),
    ...(f.can_change ? [fact("fl.f.lock", lock, "fl-d-lock")] : []),
    fact("fl.f.id", f.filing_id, "fl-d-id"),
  );
  $("fl-notes").replaceChildren(...(f.notes || []).map((n) => el("li", { text: pick(n) })));
  $("fl-what-to-do").textContent = say(f.what_to_do_zh, f.what_to_do_en);
  renderHospitals($("fl-hospitals"), f.hospitals || []);
  $("fl-history").replaceChildren(...(f.history || []).map(historyItem));
  $("fl-change-open").hidden = !f.can_change;
  $("fl-cancel-open").hidden = !f.can_cancel;
  $("fl-change-form").hidden = true;
  paintReason(f);
  closeConfirm(false);
  $("fl-detail").hidden = false;
}

/** The designated hospitals of a city (name, level, whether they settle directly, address). */
function renderHospitals(list, hospitals) {
  list.replaceChildren(
    ...(hospitals.length
      ? hospitals.map((h) =>
          el(
            "li",
            { className: "fl-hospital", dataset: { direct: String(h.direct_settlement) } },
            el("p", { className: "fl-hospital-name" }, say(h.name_zh, h.name_en)),
            el("p", { className: "fl-hospital-meta" }, `${t(`fl.hospital.level.${h.level}`)} · ${t(h.direct_settlement ? "fl.hospital.direct" : "fl.hospital.not_direct")}`),
            el("p", { className: "fl-hospital-address" }, say(h.address_zh, h.address_en)),
          ),
        )
      : [el("li", { text: t("fl.detail.no_hospitals") })]),
  );
}

function historyItem(e) {
  const who = e.by_agent ? t("fl.history.by_agent") : e.action === "reminded" ? t("fl.history.by_system") : t("fl.history.self");
  return el(
    "li",
    { className: "history-item", dataset: { action: e.action } },
    el("p", { className: "history-action" }, pick(e.action_label), e.reason_label ? paren(pick(e.reason_label)) : ""),
    el("p", { className: "history-meta" }, timeEl(e.at), ` · ${who}`),
  );
}

/** Within the lock, changing and cancelling need one of the policy's reasons: asked right
 * after `after` (in the change form, or under 取消备案), only then. */
function paintReason(f, after = null) {
  const box = $("fl-reason-box");
  box.hidden = !f.locked_until || after == null;
  if (box.hidden) return;
  after.insertAdjacentElement("afterend", box);
  $("fl-reason-hint").textContent = t("fl.reason.hint", { months: overview?.lock?.months ?? 6 });
  const select = $("fl-reason");
  const chosen = select.value;
  select.replaceChildren(
    el("option", { value: "" }, t("fl.where.choose")),
    ...f.lock_reasons.map((r) => el("option", { value: r.code }, pick(r))),
    el("option", { value: "other" }, t("fl.reason.other")),
  );
  select.value = chosen;
}

// ---------------------------------------------------------------- change and cancel

$("fl-change-open").addEventListener("click", () => {
  const f = shown;
  const form = $("fl-change-form");
  form.hidden = false;
  fillProvinces($("fl-ch-province"), $("fl-ch-city"), f.destination.province.code, f.destination.city.code);
  const temporary = f.term === "temporary";
  $("fl-ch-end-box").hidden = !temporary;
  if (temporary) {
    $("fl-ch-end").value = f.end || "";
    $("fl-ch-end-hint").textContent = t("fl.when.end.hint", {
      months: overview.validity.temporary_min_months,
      max: overview.validity.temporary_max_months,
    });
  }
  paintReason(f, $("fl-ch-end-box"));
  $("fl-ch-province").focus();
});

$("fl-change-form").addEventListener("submit", (event) => {
  event.preventDefault();
  clearFieldErrors();
  const f = shown;
  const body = {};
  const city = $("fl-ch-city").value;
  if (city && city !== f.destination.city.code) Object.assign(body, { province: $("fl-ch-province").value, city });
  if (f.term === "temporary" && $("fl-ch-end").value && $("fl-ch-end").value !== f.end) body.end = $("fl-ch-end").value;
  if (!Object.keys(body).length) {
    message.show(() => t("fl.v.nothing"), "error");
    return;
  }
  if (!$("fl-reason-box").hidden && $("fl-reason").value) body.reason = $("fl-reason").value;
  pendingChange = body;
  const what = [
    body.city ? cityName(body.city) : where(f),
    body.end ? t("fl.confirm.until", { day: day(body.end) }) : null,
  ].filter(Boolean).join(sep());
  openConfirm("change", t("fl.confirm.change.title"), t("fl.confirm.change.text", { what }), $("fl-ch-next"));
});

$("fl-cancel-open").addEventListener("click", () => {
  $("fl-change-form").hidden = true;
  paintReason(shown, $("fl-cancel-open"));
  openConfirm("cancel", t("fl.confirm.cancel.title"), t("fl.confirm.cancel.text", { city: place(shown.destination.city) }), $("fl-cancel-open"));
});

let opener = null;

function openConfirm(action, title, text, from) {
  confirming = action;
  opener = from;
  $("fl-confirm-title").textContent = title;
  $("fl-confirm-text").textContent = text;
  const box = $("fl-confirm");
  const reason = $("fl-reason-box");
  (action === "cancel" && !reason.hidden ? reason : from).insertAdjacentElement("afterend", box);
  box.hidden = false;
  $("fl-confirm-title").focus();
}

function closeConfirm(refocus) {
  confirming = null;
  $("fl-confirm").hidden = true;
  if (refocus && opener) opener.focus();
}

wireConfirm($("fl-confirm"), $("fl-confirm-yes"), $("fl-confirm-no"), {
  isOpen: () => confirming != null,
  close: closeConfirm,
  cancelled: () => message.show(() => t("fl.kept")),
  confirm: async () => {
    const f = shown;
    const reason = !$("fl-reason-box").hidden && $("fl-reason").value ? { reason: $("fl-reason").value } : {};
    try {
      const answer =
        confirming === "change"
          ? await api("PATCH", `${FILINGS}/${f.filing_id}`, { ...pendingChange, ...reason })
          : await api("POST", `${FILINGS}/${f.filing_id}/cancel`, reason);
      const done = confirming === "change" ? "fl.changed" : "fl.cancelled";
      closeConfirm(false);
      renderDetail(answer);
      message.show(() => t(done), "success");
      $("fl-detail-title").focus();
      reload();
    } catch (err) {
      if (err.status === 401) return goToLogin("session.expired");
      closeConfirm(false);
      const fields = { "/reason": "fl-reason", "/city": "fl-ch-city", "/province": "fl-ch-province", "/end": "fl-ch-end" };
      err.unplaced = [];
      const ids = [];
      for (const item of err.problem?.errors || []) {
        const id = fields[item.pointer];
        const words = () => (lang() === "en" ? item.detail : item.detail_zh || item.detail);
        if (id && !$(id).closest("[hidden]") && setFieldError(id, words)) ids.push(id);
        else err.unplaced.push(item);
      }
      message.error(err);
      focusFirst(ids);
    }
  },
});

// ---------------------------------------------------------------- the picker

function fillProvinces(provinceSelect, citySelect, provinceCode = null, cityCode = null) {
  const chosen = provinceCode ?? provinceSelect.value;
  provinceSelect.replaceChildren(
    el("option", { value: "" }, t("fl.where.choose")),
    ...provinces.map((p) => el("option", { value: p.code }, place(p))),
  );
  provinceSelect.value = chosen || "";
  fillCities(provinceSelect, citySelect, cityCode ?? citySelect.value);
  if (!provinceSelect.dataset.wired) {
    provinceSelect.dataset.wired = "1";
    provinceSelect.addEventListener("change", () => fillCities(provinceSelect, citySelect, null));
  }
}

function fillCities(provinceSelect, citySelect, cityCode) {
  const province = provinces.find((p) => p.code === provinceSelect.value);
  const home = overview?.home?.city?.code;
  const cities = (province?.cities || []).filter((c) => c.code !== home);
  citySelect.replaceChildren(
    el("option", { value: "" }, t("fl.where.choose")),
    ...cities.map((c) => el("option", { value: c.code }, place(c))),
  );
  citySelect.value = cities.some((c) => c.code === cityCode) ? cityCode : cities.length === 1 ? cities[0].code : "";
}

function cityName(code) {
  for (const p of provinces) {
    const found = p.cities.find((c) => c.code === code);
    if (found) return place(found);
  }
  return code;
}

// ---------------------------------------------------------------- the wizard

$("fl-start").addEventListener("click", () => {
  step = 0;
  proxyRequest = null;
  preview = null;
  wizardKey = crypto.randomUUID();
  $("fl-form").reset();
  clearFieldErrors();
  fillProvinces($("fl-province"), $("fl-city"));
  renderCategories();
  $("fl-wizard").hidden = false;
  $("fl-start").hidden = true;
  paintStep();
  $("fl-wizard-title").focus();
});

$("fl-quit").addEventListener("click", () => {
  $("fl-wizard").hidden = true;
  $("fl-start").hidden = false;
  message.show(() => t("fl.quitted"));
  $("fl-start").focus();
});

const who = () => $("fl-form").querySelector('input[name="who"]:checked')?.value ?? "self";
const chosenCategory = () => overview.categories.find((c) => c.id === $("fl-form").querySelector('input[name="category"]:checked')?.value) || null;

for (const radio of document.querySelectorAll('input[name="who"]')) {
  radio.addEventListener("change", () => {
    $("fl-proxy-fields").hidden = who() !== "proxy";
    renderCategories();
  });
}

function renderCategories() {
  const proxy = who() === "proxy";
  const chosen = chosenCategory()?.id;
  const group = (term, legend) => {
    const items = overview.categories.filter((c) => c.term === term);
    return el(
      "div",
      { className: "fl-group" },
      el("p", { className: "fl-group-title" }, legend),
      ...items.map((c) => {
        const allowed = proxy || c.allowed;
        const hint = !allowed
          ? say(c.why_not?.text_zh, c.why_not?.text_en)
          : c.retroactive_days
            ? t("fl.why.retroactive", { days: c.retroactive_days })
            : "";
        const input = el("input", { type: "radio", id: `fl-cat-${c.id}`, name: "category", value: c.id, disabled: !allowed });
        input.checked = c.id === chosen && allowed;
        return el(
          "label",
          { className: `choice big${allowed ? "" : " fl-not-allowed"}`, for: `fl-cat-${c.id}` },
          input,
          " ",
          el(
            "span",
            { className: "choice-text" },
            el("span", { className: "choice-name" }, pick(c.label)),
            // a space between: the accessible name reads "name hint", not "namehint"
            hint ? [" ", el("span", { className: "choice-hint" }, hint)] : null,
          ),
        );
      }),
    );
  };
  $("fl-categories").replaceChildren(
    group("long_term", t("fl.why.long")),
    group("temporary", t("fl.why.temp", { months: overview.validity.temporary_min_months })),
  );
  $("fl-why-proxy").hidden = !proxy;
}

function paintStep() {
  STEPS.forEach((name, i) => {
    $(`fl-step-${name}`).hidden = i !== step;
  });
  $("fl-step-count").textContent = t("fl.wizard.count", { n: step + 1, total: STEPS.length });
  $("fl-back").hidden = step === 0;
  $("fl-next").hidden = step === STEPS.length - 1;
  $("fl-submit").hidden = step !== STEPS.length - 1;
  if (STEPS[step] === "when") paintWhen();
  if (STEPS[step] === "promise") {
    $("fl-commitment").textContent = say(overview.commitment.text_zh, overview.commitment.text_en);
    $("fl-proxy-code").hidden = who() !== "proxy";
  }
}

function plusDays(iso, n) {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

function paintWhen() {
  const c = chosenCategory();
  const v = overview.validity;
  const start = $("fl-start-date");
  start.max = plusDays(overview.today, v.start_days_ahead);
  start.min = plusDays(overview.today, -(c?.retroactive_days || 0));
  if (!start.value) start.value = overview.today;
  $("fl-start-hint").textContent = c?.retroactive_days
    ? t("fl.when.start.hint.retro", { day: day(start.min) })
    : t("fl.when.start.hint", { days: v.start_days_ahead });
  const temporary = c?.term === "temporary";
  $("fl-end-box").hidden = !temporary;
  $("fl-long-note").hidden = temporary;
  $("fl-end-hint").textContent = t("fl.when.end.hint", { months: v.temporary_min_months, max: v.temporary_max_months });
}

/** The questions of this step answered? Marks what is missing; true when all is there. */
function stepDone() {
  clearFieldErrors();
  const missing = [];
  const name = STEPS[step];
  if (name === "who" && who() === "proxy") {
    const number = $("fl-id-number").value.trim();
    if (!ID_NUMBER.test(number)) missing.push(["fl-id-number", "fl.v.id_number"]);
    if ($("fl-name").value.trim().length < 2) missing.push(["fl-name", "fl.v.name"]);
  }
  if (name === "why" && !chosenCategory()) missing.push(["fl-step-why", "fl.v.category"]);
  if (name === "where") {
    if (!$("fl-province").value) missing.push(["fl-province", "fl.v.province"]);
    else if (!$("fl-city").value) missing.push(["fl-city", "fl.v.city"]);
  }
  if (name === "when" && !$("fl-start-date").value) missing.push(["fl-start-date", "fl.v.start"]);
  if (name === "promise") {
    if (!$("fl-commit").checked) missing.push(["fl-commit", "fl.v.commit"]);
    if (who() === "proxy" && !proxyRequest) missing.push(["fl-send-code", "fl.v.code_first"]);
    else if (who() === "proxy" && !/^\d{6}$/.test($("fl-code").value.trim())) missing.push(["fl-code", "fl.v.code"]);
  }
  for (const [id, key] of missing) markField(id, () => t(key));
  if (missing.length) {
    message.show(() => t("err.fields"), "error");
    focusField(missing[0][0]);
  }
  return missing.length === 0;
}

/** setFieldError, with a group's note inside its box (after the legend) and a checkbox's
 * after its label (not inside it). */
function markField(id, text) {
  if (!setFieldError(id, text)) return false;
  const node = $(id);
  if (node.tagName === "FIELDSET") node.querySelector("legend")?.after($(`${id}-error`));
  else if (node.type === "checkbox") node.closest("label")?.after($(`${id}-error`));
  return true;
}

function focusField(id) {
  const node = $(id);
  const target = node?.tagName === "FIELDSET" ? node.querySelector("input:not(:disabled)") : node;
  target?.focus();
}

$("fl-next").addEventListener("click", () => {
  if (!stepDone()) return;
  message.clear();
  step += 1;
  paintStep();
  $("fl-wizard-title").focus();
  if (STEPS[step] === "promise") loadPreview();
});

$("fl-back").addEventListener("click", () => {
  clearFieldErrors();
  step = Math.max(0, step - 1);
  paintStep();
  $("fl-wizard-title").focus();
});

// Correcting a field takes its error away.
$("fl-form").addEventListener("input", (event) => {
  clearFieldError(event.target.id);
  if (event.target.name === "category") clearFieldError("fl-step-why");
});

async function loadPreview() {
  const box = $("fl-effect");
  box.setAttribute("aria-busy", "true");
  $("fl-effect-example").textContent = t("fl.effect.busy");
  $("fl-effect-last").textContent = "";
  const city = $("fl-city").value;
  try {
    const [effect, found] = await Promise.all([
      api("POST", `${FILINGS}/preview`, { category: chosenCategory().id, province: $("fl-province").value, city }),
      api("GET", `/v1/institutions?city=${encodeURIComponent(city)}`),
    ]);
    preview = { ...effect, hospitals: found };
    renderPreview(preview);
  } catch (err) {
    if (err.status === 401) return goToLogin("session.expired");
    $("fl-effect-example").textContent = errorText(err);
  } finally {
    box.setAttribute("aria-busy", "false");
  }
}

function renderPreview(p) {
  $("fl-wizard-what").textContent = say(p.hospitals.what_to_do_zh, p.hospitals.what_to_do_en);
  renderHospitals($("fl-wizard-hospitals"), p.hospitals.institutions);
  const e = p.example;
  $("fl-effect-example").textContent = t("fl.effect.example", { about: say(e.about_zh, e.about_en), text: say(e.text_zh, e.text_en) });
  const last = p.last_settlement;
  $("fl-effect-last").textContent = last
    ? t("fl.effect.last", { day: day(last.settled_at), text: say(last.text_zh, last.text_en) })
    : t("fl.effect.no_last");
}

$("fl-send-code").addEventListener("click", () =>
  whileBusy($("fl-send-code"), async () => {
    clearFieldError("fl-send-code");
    try {
      proxyRequest = await api("POST", `${FILINGS}/proxy-requests`, {
        id_number: $("fl-id-number").value.trim().toUpperCase(),
        name: $("fl-name").value.trim(),
      });
      const sent = $("fl-code-sent");
      sent.textContent = say(proxyRequest.detail_zh, proxyRequest.detail);
      sent.hidden = false;
      $("fl-code").focus();
    } catch (err) {
      if (err.status === 401) return goToLogin("session.expired");
      failed(err);
    }
  }),
);

// Where the server's errors[] go: the field, on its step.
const FIELDS = {
  "/category": ["why", "fl-step-why"],
  "/province": ["where", "fl-province"],
  "/city": ["where", "fl-city"],
  "/start": ["when", "fl-start-date"],
  "/end": ["when", "fl-end-date"],
  "/commitment": ["promise", "fl-commit"],
  "/proxy/code": ["promise", "fl-code"],
  "/proxy/request_id": ["promise", "fl-code"],
  "/id_number": ["who", "fl-id-number"],
  "/name": ["who", "fl-name"],
};

function failed(err) {
  err.unplaced = [];
  const placed = [];
  for (const item of err.problem?.errors || []) {
    const target = FIELDS[item.pointer];
    if (target) placed.push([target, item]);
    else err.unplaced.push(item);
  }
  if (placed.length) {
    step = STEPS.indexOf(placed[0][0][0]);
    paintStep();
    for (const [[, id], item] of placed) markField(id, () => (lang() === "en" ? item.detail : item.detail_zh || item.detail));
    focusField(placed[0][0][1]);
  }
  message.error(err);
}

$("fl-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  if ($("fl-submit").hidden || !stepDone()) return;
  const c = chosenCategory();
  const body = {
    category: c.id,
    province: $("fl-province").value,
    city: $("fl-city").value,
    start: $("fl-start-date").value,
    commitment: true,
  };
  if (c.term === "temporary" && $("fl-end-date").value) body.end = $("fl-end-date").value;
  if (who() === "proxy") body.proxy = { request_id: proxyRequest.request_id, code: $("fl-code").value.trim() };
  message.show(() => t("fl.busy"));
  await whileBusy($("fl-submit"), async () => {
    try {
      const filing = await api("POST", FILINGS, body, { headers: { "Idempotency-Key": wizardKey } });
      $("fl-wizard").hidden = true;
      $("fl-start").hidden = false;
      renderDetail(filing);
      message.show(() => t("fl.done"), "success");
      $("fl-detail-title").focus();
      reload();
    } catch (err) {
      if (err.status === 401) return goToLogin("session.expired");
      failed(err);
    }
  });
});
