// 家庭共济 (family.html): family mutual aid from GET /v1/me/family — the rules in
// plain words, whether my employee personal account can pay for relatives (and why
// not), my links in two groups (我为家人支付： role "payer"; 家人为我支付： role
// "relative") with what each allows now: the payer types the code the relative
// read out from their SMS, the relative accepts or declines, either side ends an
// active link, the payer pays a resident relative's contribution for next year.
// Ending, declining, withdrawing and paying are asked once more first. Below: the
// form that asks to link a relative (only when I can pay) and the family statement
// of a year from GET /v1/me/family/uses, newest first, "加载更多" following
// next_cursor. Every refusal shows the server's own words (detail_zh / detail).
import {
  api,
  beijingParts,
  clearFieldError,
  el,
  halfWidthCompact,
  errorText,
  fill,
  focusFirst,
  getToken,
  goToLogin,
  initPage,
  lang,
  messageBox,
  money,
  onLangChange,
  pagedList,
  pick,
  say,
  setFieldError,
  showProblemFields,
  t,
  timeEl,
  whileBusy,
  wireConfirm,
} from "./app.js";
import "./strings/family.js";

initPage();

const $ = (id) => document.getElementById(id);
const message = messageBox($("message"));
const FAMILY = "/v1/me/family";
const FIRST_YEAR = 2021; // 家庭共济 since the 2021 reform: the API's first statement year

const payerList = $("fam-payer-links");
const relativeList = $("fam-relative-links");
const historyList = $("fam-history-links");
const confirmBox = $("fam-confirm");
const confirmTitle = $("fam-confirm-title");
const confirmText = $("fam-confirm-text");
const confirmYes = $("fam-confirm-yes");
const confirmNo = $("fam-confirm-no");
const addForm = $("fam-add-form");
const idInput = $("fam-id-number");
const nameInput = $("fam-name");
const relationSelect = $("fam-relation");
const yearSelect = $("fam-year");
const usesList = $("fam-uses-list");

let family = null; // the last GET /v1/me/family
const drafts = new Map(); // link_id -> the code typed so far (kept across re-renders)
const codeErrors = new Map(); // link_id -> () => the error shown under its code input
const notes = new Map(); // link_id -> {kind, text: () => string}: the last outcome, shown in the link
let confirming = null; // {action, linkId} while the confirmation is open
let thisYear = null; // the server's current year (the first statement answer)

/** A year's statement (null: the current year, as the server counts); "加载更多" adds the next page. */
const statement = pagedList({
  url: (year, cursor) => {
    const query = new URLSearchParams();
    if (year) query.set("year", String(year));
    if (cursor) query.set("cursor", cursor);
    const search = query.toString();
    return `${FAMILY}/uses${search ? `?${search}` : ""}`;
  },
  list: usesList,
  box: $("fam-uses-box"),
  more: $("fam-uses-more"),
  message,
  keyOf: (page) => page.year,
  onPage: (page) => {
    if (thisYear != null) return;
    thisYear = page.year;
    fillYears(page.year);
  },
  render: renderStatement,
});

onLangChange(() => {
  if (!family) return;
  render();
  fillYears(statement.key);
  statement.render();
});

if (!getToken()) goToLogin("session.expired");
else load();

// ---------------------------------------------------------------- the coming year

/** Next calendar year in Beijing: the benefit year whose contribution is paid now (Sep–Dec). */
function nextYear() {
  const parts = beijingParts(new Date().toISOString());
  return Number(parts[0].slice(0, 4)) + 1;
}

// ---------------------------------------------------------------- reading

async function load() {
  const section = $("fam-pay");
  try {
    family = await api("GET", FAMILY);
  } catch (err) {
    if (err.status === 401) return goToLogin("session.expired");
    $("fam-loading").hidden = true;
    section.removeAttribute("aria-busy");
    message.error(err);
    return;
  }
  section.removeAttribute("aria-busy");
  render();
  $("fam-uses").hidden = false;
  statement.load(null);
}

/** Read the overview again after a change (the balance, the other links); errors keep the view. */
async function reload() {
  try {
    family = await api("GET", FAMILY);
    render();
  } catch (err) {
    if (err.status === 401) goToLogin("session.expired");
  }
}

// ---------------------------------------------------------------- the overview

function render() {
  const f = family;
  // The rules in plain words, and where they come from.
  $("fam-rules-text").textContent = say(f.rules_zh, f.rules_en, { orOther: true }) || t("family.rules.fallback");
  const source = $("fam-source");
  source.textContent = f.source ? t("family.source", { source: f.source }) : "";
  source.hidden = !f.source;

  // Can I pay for relatives? If not, why, and what now.
  const canPay = $("fam-can-pay");
  canPay.textContent = t(f.can_pay ? "family.can.yes" : "family.can.no");
  canPay.dataset.value = f.can_pay ? "yes" : "no";
  const why = $("fam-why");
  const reason = f.cannot_pay_reason;
  why.textContent = reason ? say(reason.text_zh, reason.text_en, { orOther: true }) : "";
  why.hidden = f.can_pay || !why.textContent;
  if (reason?.code) why.dataset.code = reason.code;
  else delete why.dataset.code;
  const whyNext = $("fam-why-next");
  whyNext.textContent = t("family.can.no.next");
  whyNext.hidden = !!f.can_pay;
  const balance = $("fam-balance");
  balance.replaceChildren(
    ...(f.account_balance != null
      ? fill("family.balance", { n: el("span", { className: "nowrap fam-balance-value", text: money(f.account_balance) }) })
      : []),
  );
  balance.hidden = !f.can_pay || f.account_balance == null;
  $("fam-loading").hidden = true;
  $("fam-pay-body").hidden = false;

  renderLinks();
  $("fam-add").hidden = !f.can_pay;
}

/** Pending first, then active, then ended; newest first within each. */
function ordered(links) {
  const rank = { pending: 0, active: 1, ended: 2 };
  return [...links].sort(
    (a, b) => (rank[a.status] ?? 3) - (rank[b.status] ?? 3) || String(b.created_at).localeCompare(String(a.created_at)),
  );
}

function renderLinks() {
  const links = family.links || [];
  // The list is drawn anew: keep the keyboard where it was (by id), and the open confirmation.
  const focused = document.activeElement?.closest?.(".fam-links") ? document.activeElement.id : null;
  // What is over (withdrawn, declined, lapsed, ended) leaves the two lists for the history.
  const open = links.filter((l) => l.status !== "ended");
  const over = ordered(links.filter((l) => l.status === "ended"));
  const mine = ordered(open.filter((l) => l.role === "payer"));
  const theirs = ordered(open.filter((l) => l.role === "relative"));
  payerList.replaceChildren(...mine.map(linkItem));
  relativeList.replaceChildren(...theirs.map(linkItem));
  historyList.replaceChildren(...over.map(linkItem));
  $("fam-history-title").textContent = t("family.history", { n: over.length });
  $("fam-history").hidden = over.length === 0;

  const payerEmpty = $("fam-payer-empty");
  payerEmpty.textContent = t(family.can_pay ? "family.payer.empty" : "family.payer.empty.cannot");
  payerEmpty.hidden = mine.length > 0;
  // Someone who cannot pay and pays for no one has no use for the "I pay" group.
  $("fam-payer").hidden = !family.can_pay && mine.length === 0;
  const relativeEmpty = $("fam-relative-empty");
  relativeEmpty.textContent = t("family.relative.empty");
  relativeEmpty.hidden = theirs.length > 0;
  $("fam-relative").hidden = false;

  for (const [linkId, text] of codeErrors) {
    if ($(`fam-code-${linkId}`)) setFieldError(`fam-code-${linkId}`, text);
  }
  placeConfirm();
  if (focused && $(focused)) $(focused).focus({ preventScroll: true });
}

function linkItem(link) {
  const id = link.link_id;
  const rel = pick(link.relation_label) || t(`family.rel.${link.relation}`);
  const facts = [
    ["created", link.created_at && timeEl(link.created_at)],
    ["consented", link.consented_at && timeEl(link.consented_at)],
    ["ended", link.ended_at && timeEl(link.ended_at)],
    ["reason", link.status === "ended" && pick(link.end_reason_label)],
  ].filter(([, value]) => value);
  const note = notes.get(id);
  return el(
    "li",
    {
      className: "fam-link",
      id: `fam-link-${id}`,
      dataset: { linkId: id, role: link.role, status: link.status },
    },
    el(
      "h3",
      { id: `fam-link-${id}-title`, className: "fam-link-title", tabindex: "-1" },
      el("span", { className: "fam-name", text: link.other_name }),
      el("span", { className: "fam-rel", text: t("family.rel.of", { rel }) }),
    ),
    el("p", { className: "fam-status", dataset: { value: link.status }, text: pick(link.status_label) || link.status }),
    note ? el("p", { className: "fam-note", dataset: { kind: note.kind }, text: note.text() }) : null,
    el(
      "dl",
      { className: "facts fam-facts" },
      facts.map(([key, value]) =>
        el("div", { className: "fact" }, el("dt", { text: t(`family.f.${key}`) }), el("dd", { dataset: { fact: key } }, value)),
      ),
    ),
    el("p", { className: "fam-next", text: say(link.next_step_zh, link.next_step_en, { orOther: true }) }),
    actions(link),
  );
}

/** A button that asks for a confirmation first (the box opens under it). */
function confirmButton(action, link, kind) {
  return el("button", {
    type: "button",
    id: `fam-${action}-${link.link_id}`,
    className: `button ${kind}`,
    dataset: { action, link: link.link_id },
    "aria-expanded": "false",
    "aria-controls": "fam-confirm",
    text: t(`family.btn.${action}`, { year: nextYear() }),
  });
}

function actions(link) {
  const id = link.link_id;
  if (link.status === "pending" && link.role === "payer") {
    const input = `fam-code-${id}`;
    return [
      el(
        "form",
        { className: "panel fam-code-form", id: `fam-code-form-${id}`, novalidate: true, dataset: { link: id } },
        el(
          "div",
          { className: "field" },
          el("label", { for: input, text: t("family.code.label") }),
          el("p", { id: `${input}-hint`, className: "hint", text: t("family.code.hint") }),
          el("input", {
            id: input,
            name: "code",
            type: "text",
            inputmode: "numeric",
            autocomplete: "off",
            maxlength: "6",
            spellcheck: "false",
            "aria-describedby": `${input}-hint`,
            value: drafts.get(id) || "",
          }),
        ),
        el("button", {
          type: "submit",
          id: `fam-consent-${id}`,
          className: "button primary",
          text: t("family.code.submit"),
        }),
      ),
      el("button", {
        type: "button",
        id: `fam-resend-${id}`,
        className: "button secondary",
        dataset: { action: "resend", link: id },
        text: t("family.btn.resend"),
      }),
      confirmButton("withdraw", link, "secondary"),
    ];
  }
  if (link.status === "pending") {
    return [
      el("button", {
        type: "button",
        id: `fam-accept-${id}`,
        className: "button primary",
        dataset: { action: "accept", link: id },
        text: t("family.btn.accept"),
      }),
      confirmButton("decline", link, "secondary"),
    ];
  }
  if (link.status === "active" && link.role === "payer") {
    const year = nextYear();
    const pay = confirmButton("pay", link, "primary");
    pay.setAttribute("aria-describedby", `fam-pay-hint-${id}`);
    pay.dataset.year = String(year);
    return [
      el("p", { id: `fam-pay-hint-${id}`, className: "hint fam-pay-hint", text: t("family.pay.hint", { last: year - 1 }) }),
      pay,
      confirmButton("end", link, "secondary"),
    ];
  }
  if (link.status === "active") return [confirmButton("end", link, "secondary")];
  return [];
}

const linkOf = (linkId) => (family?.links || []).find((l) => l.link_id === linkId) || null;

/** Put an answered Link in place of the one shown. */
function replaceLink(answer) {
  if (!answer?.link_id) return;
  const links = family.links || [];
  const at = links.findIndex((l) => l.link_id === answer.link_id);
  if (at >= 0) links[at] = answer;
  else links.push(answer);
  family.links = links;
}

/** After an action: the link's heading gets the keyboard, the link is in view. */
function focusLink(linkId) {
  const title = $(`fam-link-${linkId}-title`);
  if (!title) return;
  // Just ended: it is in the folded history now, opened to show what became of it.
  const history = title.closest("details");
  if (history) history.open = true;
  title.scrollIntoView({ block: "start" });
  title.focus({ preventScroll: true });
}

// ---------------------------------------------------------------- the links' buttons

for (const list of [payerList, relativeList, historyList]) {
  list.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-action]");
    if (!button || button.disabled) return;
    if (button.dataset.action === "accept") {
      whileBusy(button, () => act("accept", button.dataset.link));
    } else if (button.dataset.action === "resend") {
      whileBusy(button, () => resend(button.dataset.link));
    } else {
      openConfirm(button);
    }
  });
  list.addEventListener("submit", (event) => {
    const form = event.target.closest("form.fam-code-form");
    if (!form) return;
    event.preventDefault();
    sendCode(form);
  });
  list.addEventListener("input", (event) => {
    const input = event.target;
    if (!(input instanceof HTMLInputElement) || !input.id.startsWith("fam-code-")) return;
    const linkId = input.closest("form")?.dataset.link;
    if (!linkId) return;
    drafts.set(linkId, input.value);
    codeErrors.delete(linkId);
    clearFieldError(input.id);
  });
}

const PATHS = { accept: "accept", withdraw: "end", decline: "end", end: "end", pay: "contribution" };

/** Carry out `action` on a link; the outcome is said in the link and in the status region. */
async function act(action, linkId) {
  const link = linkOf(linkId);
  if (!link) return false;
  const name = link.other_name;
  const year = nextYear();
  message.show(() => t("family.busy"));
  try {
    const answer = await api(
      "POST",
      `${FAMILY}/${encodeURIComponent(linkId)}/${PATHS[action]}`,
      action === "pay" ? { year } : undefined,
    );
    closeConfirm(false);
    const done =
      action === "pay"
        ? () =>
            t("family.done.pay", {
              text: say(answer.text_zh, answer.text_en, { orOther: true }),
              balance: money(answer.account_balance),
            })
        : () => t(`family.done.${action}`, { name });
    notes.set(linkId, { kind: "success", text: done });
    message.show(done, "success");
    if (action !== "pay") replaceLink(answer);
    render();
    focusLink(linkId);
    await reload();
    if (action === "pay" && statement.key === thisYear) statement.load(thisYear);
    return true;
  } catch (err) {
    if (err.status === 401) return goToLogin("session.expired");
    closeConfirm(false);
    refused(linkId, err);
    // Changed meanwhile (409), or gone (404): show the links as they are now.
    if (err.status === 409 || err.status === 404) await reload();
    else render();
    focusLink(linkId);
    return false;
  }
}

/**
 * A refusal of an action on a link: the server's words once, in the link (the keyboard
 * goes there); the status region only says where to read them.
 */
function refused(linkId, err) {
  notes.set(linkId, { kind: "error", text: () => errorText(err) });
  message.show(() => t("family.refused.see"), "error");
}

/** 重新发送验证码: a new code to the relative; the server's words (or how long to wait). */
async function resend(linkId) {
  message.show(() => t("family.busy"));
  try {
    const answer = await api("POST", `${FAMILY}/${encodeURIComponent(linkId)}/code`);
    const done = () => say(answer.detail_zh, answer.detail, { orOther: true });
    notes.set(linkId, { kind: "success", text: done });
    message.show(done, "success");
    render();
    $(`fam-code-${linkId}`)?.focus();
  } catch (err) {
    if (err.status === 401) return goToLogin("session.expired");
    refused(linkId, err);
    if (err.status === 409 || err.status === 404) await reload();
    else render();
    focusLink(linkId);
  }
}

/** The payer enters the code the relative read out: the relative's consent. */
async function sendCode(form) {
  const linkId = form.dataset.link;
  const input = form.querySelector("input[name=code]");
  const submit = form.querySelector("button[type=submit]");
  if (!input || !submit || submit.disabled) return;
  const code = halfWidthCompact(input.value);
  input.value = code;
  drafts.set(linkId, code);
  codeErrors.delete(linkId);
  clearFieldError(input.id);
  const bad = !code ? "v.code.empty" : /^\d{6}$/.test(code) ? null : "v.code.format";
  if (bad) {
    codeError(linkId, input, () => t(bad));
    message.show(() => t("err.fields"), "error");
    input.focus();
    return;
  }
  const name = linkOf(linkId)?.other_name || "";
  message.show(() => t("family.busy"));
  await whileBusy(submit, async () => {
    try {
      const answer = await api("POST", `${FAMILY}/${encodeURIComponent(linkId)}/consent`, { code });
      drafts.delete(linkId);
      const done = () => t("family.done.consent", { name });
      notes.set(linkId, { kind: "success", text: done });
      message.show(done, "success");
      replaceLink(answer);
      render();
      focusLink(linkId);
      await reload();
    } catch (err) {
      if (err.status === 401) return goToLogin("session.expired");
      const fieldError = (err.problem?.errors || []).find((e) => e.pointer === "/code");
      if (fieldError) {
        codeError(linkId, input, () => (lang() === "en" ? fieldError.detail : fieldError.detail_zh || fieldError.detail));
      } else if (err.status === 400) {
        // A wrong, expired or used code (…/code-invalid): said next to the input too.
        codeError(linkId, input, () => errorText(err));
      }
      notes.delete(linkId);
      message.error(err);
      if (err.status === 409 || err.status === 404) {
        codeErrors.delete(linkId);
        refused(linkId, err);
        await reload();
        focusLink(linkId);
        return;
      }
      $(input.id)?.focus();
    }
  });
}

function codeError(linkId, input, text) {
  codeErrors.set(linkId, text);
  setFieldError(input.id, text);
}

// ---------------------------------------------------------------- the confirmation step

function openConfirm(button) {
  if (confirming) closeConfirm(false);
  confirming = { action: button.dataset.action, linkId: button.dataset.link };
  notes.delete(confirming.linkId);
  button.closest("li")?.querySelector(".fam-note")?.remove();
  placeConfirm();
  confirmBox.hidden = false;
  confirmTitle.focus();
}

/** The box sits under the button that opened it (drawn anew with every render). */
function placeConfirm() {
  if (!confirming) return;
  const button = $(`fam-${confirming.action}-${confirming.linkId}`);
  if (!button || !linkOf(confirming.linkId)) {
    // The action is no longer offered (the link changed): close the question.
    confirming = null;
    confirmBox.hidden = true;
    park();
    return;
  }
  button.after(confirmBox);
  button.setAttribute("aria-expanded", "true");
  paintConfirm();
}

function paintConfirm() {
  if (!confirming) return;
  const { action, linkId } = confirming;
  const link = linkOf(linkId);
  const params = { name: link?.other_name || "", year: nextYear() };
  confirmTitle.textContent = t(`family.confirm.${action}.title`, params);
  confirmText.textContent =
    action === "end" ? t(`family.confirm.end.${link?.role === "payer" ? "payer" : "relative"}`) : t(`family.confirm.${action}.text`);
  confirmYes.textContent = t(`family.confirm.${action}.yes`);
  confirmYes.className = action === "pay" ? "button primary" : "button danger";
  confirmNo.textContent = t("family.confirm.no");
}

function closeConfirm(restoreFocus) {
  if (!confirming) return;
  const button = $(`fam-${confirming.action}-${confirming.linkId}`);
  confirming = null;
  confirmBox.hidden = true;
  park();
  button?.setAttribute("aria-expanded", "false");
  if (restoreFocus && button) button.focus();
}

/** Outside the lists while closed, so that drawing them anew cannot take it away. */
function park() {
  $("fam-relative").after(confirmBox);
}

wireConfirm(confirmBox, confirmYes, confirmNo, {
  isOpen: () => confirming != null,
  close: closeConfirm,
  cancelled: () => message.show(() => t("family.cancelled")),
  confirm: () => act(confirming.action, confirming.linkId),
});

// ---------------------------------------------------------------- asking to link a relative

const ADD_FIELDS = { "/id_number": idInput.id, "/name": nameInput.id, "/relation": relationSelect.id };

for (const field of [idInput, nameInput]) field.addEventListener("input", () => clearFieldError(field.id));
relationSelect.addEventListener("change", () => clearFieldError(relationSelect.id));

function checkAdd() {
  const id = halfWidthCompact(idInput.value).toUpperCase();
  idInput.value = id;
  const name = nameInput.value.replace(/\s+/g, " ").trim();
  nameInput.value = name;
  const bad = [];
  if (!id) bad.push([idInput.id, () => t("v.id_number.empty")]);
  else if (!/^\d{17}[\dX]$/.test(id)) bad.push([idInput.id, () => t("v.id_number.format")]);
  const length = [...name].length;
  if (!name) bad.push([nameInput.id, () => t("family.v.name.empty")]);
  else if (length < 2 || length > 30 || !/^[\u3400-\u9fff·A-Za-z ]+$/.test(name)) {
    bad.push([nameInput.id, () => t("family.v.name.format")]);
  }
  if (!relationSelect.value) bad.push([relationSelect.id, () => t("family.v.relation.empty")]);
  return { body: { id_number: id, name, relation: relationSelect.value }, bad };
}

addForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  const submit = $("fam-add-submit");
  if (submit.disabled) return;
  for (const id of Object.values(ADD_FIELDS)) clearFieldError(id);
  const { body, bad } = checkAdd();
  if (bad.length) {
    for (const [id, text] of bad) setFieldError(id, text);
    message.show(() => t("err.fields"), "error");
    focusFirst(bad.map(([id]) => id));
    return;
  }
  message.show(() => t("family.busy"));
  await whileBusy(submit, async () => {
    try {
      const link = await api("POST", FAMILY, body);
      // The full ID number leaves the page as soon as it is sent.
      idInput.value = "";
      nameInput.value = "";
      relationSelect.value = "";
      notes.set(link.link_id, { kind: "success", text: () => t("family.done.add.note") });
      // The code's minutes and the request's hours as the server counts them (and the SMS says).
      const waits = { minutes: link.code_valid_minutes, hours: link.pending_hours };
      message.show(() => t("family.done.add", waits), "success");
      replaceLink(link);
      render();
      const code = $(`fam-code-${link.link_id}`);
      $(`fam-link-${link.link_id}`)?.scrollIntoView({ block: "start" });
      (code || $(`fam-link-${link.link_id}-title`))?.focus({ preventScroll: true });
      await reload();
    } catch (err) {
      if (err.status === 401) return goToLogin("session.expired");
      const shown = showProblemFields(err, ADD_FIELDS);
      message.error(err);
      if (shown.length) focusFirst(shown);
      else $("message").scrollIntoView({ block: "nearest" });
      if (err.status === 422 && err.problem?.code === "not_an_employee") await reload();
      // Blocked by a request still waiting (a mistyped name…): the way out is its 撤回申请.
      if (err.status === 409 && err.problem?.code === "already_linked" && !shown.length) {
        const waiting = (family.links || []).filter((l) => l.role === "payer" && l.status === "pending");
        if (waiting.length === 1) {
          const withdraw = $(`fam-withdraw-${waiting[0].link_id}`);
          withdraw?.scrollIntoView({ block: "center" });
          withdraw?.focus({ preventScroll: true });
        }
      }
    }
  });
});

// ---------------------------------------------------------------- the statement (共济明细)

yearSelect.addEventListener("change", () => statement.load(Number(yearSelect.value)));

function fillYears(chosen) {
  if (thisYear == null) return;
  const years = [];
  for (let y = thisYear; y >= FIRST_YEAR; y -= 1) years.push(y);
  yearSelect.replaceChildren(
    ...years.map((y) => el("option", { value: String(y), text: t("family.uses.year.option", { year: y }) })),
  );
  if (chosen) yearSelect.value = String(chosen);
}

function renderStatement({ key: year, entries }) {
  const empty = $("fam-uses-empty");
  empty.textContent = year ? t("family.uses.empty", { year }) : "";
  empty.hidden = entries.length > 0 || !year;
  usesList.replaceChildren(...entries.map(useLine));
}

function useLine(e) {
  const negative = String(e.amount).startsWith("-");
  const payer = e.role === "payer";
  // Mine: a payment leaves my account (−), a refund comes back (+). A relative's: no sign,
  // the money was never in my account.
  const [word, sign, tone] = payer
    ? negative
      ? ["family.use.back", "+", "in"]
      : ["family.use.out", "−", "out"]
    : negative
      ? ["family.use.back_to_them", "", "family"]
      : ["family.use.for_me", "", "family"];
  const rel = pick(e.relation_label) || t(`family.rel.${e.relation}`);
  const who = t(payer ? "family.use.by_me" : "family.use.for_me_by", { rel, name: e.other_name || "" });
  const text = say(e.text_zh, e.text_en, { orOther: true });
  return el(
    "li",
    { className: `stmt fam-use fam-use-${e.kind}`, tabindex: "-1", dataset: { kind: e.kind, role: e.role } },
    el(
      "div",
      { className: "stmt-head" },
      el("span", { className: "stmt-kind", text: t(`family.kind.${e.kind}`) }),
      el(
        "span",
        { className: `stmt-amount ${tone}` },
        el("span", { className: "visually-hidden", text: `${t(word)} ` }),
        money(e.amount, { sign }),
      ),
    ),
    el("p", { className: "stmt-meta" }, timeEl(e.at), " · ", who),
    text ? el("p", { className: "stmt-text", text }) : null,
  );
}
