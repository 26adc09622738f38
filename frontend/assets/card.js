// Card services page: the signed-in person's 医保卡 from GET /v1/me/card, and
// what they can do with it now (临时挂失， 正式挂失， 解挂， 补卡， 住院无卡证明).
// Every change answers with the new card status: the page re-renders from it.
import {
  ApiError,
  api,
  clearFieldError,
  clearFieldErrors,
  day,
  halfWidthCompact,
  el,
  errorText,
  focusFirst,
  getToken,
  goToLogin,
  initPage,
  lang,
  messageBox,
  onLangChange,
  pick,
  setFieldError,
  showProblemFields,
  t,
  timeEl,
  whileBusy,
  whole,
  wireConfirm,
} from "./app.js";

const CODE_COUNTDOWN_SECONDS = 60;

initPage();

const $ = (id) => document.getElementById(id);
const message = messageBox($("message"));
const section = $("card");
const loading = $("card-loading");
const body = $("card-body");
const nextSection = $("next");
const stepsList = $("card-next-steps");
const historySection = $("history");

const confirmBox = $("confirm-box");
const confirmYes = $("confirm-yes");
const confirmNo = $("confirm-no");

const replacementButton = $("btn-replacement");
const replacementForm = $("replacement-form");
const outletSelect = $("outlet-select");
const addressInput = $("address-input");

const unfreezeForm = $("unfreeze-form");
const codeButton = $("btn-unfreeze-code");
const codeInput = $("unfreeze-code-input");
const unfreezeButton = $("btn-unfreeze");

const certificateButton = $("btn-certificate");

let card = null; // the last CardStatus from the server
let certificate = null; // the last no-card certificate shown

onLangChange(() => {
  if (card) render(card);
  if (certificate) renderCertificate(certificate);
  if (confirming) paintConfirm();
  paintCodeButton();
});

if (!getToken()) goToLogin("session.expired");
else load();

// ---------------------------------------------------------------- reading

async function load() {
  section.setAttribute("aria-busy", "true");
  try {
    render(await api("GET", "/v1/me/card"));
  } catch (err) {
    if (err.status === 401) return goToLogin("session.expired");
    loading.hidden = true;
    message.error(err);
  } finally {
    section.removeAttribute("aria-busy");
  }
}

/** A text with one "{date}" placeholder, the date kept on one line. */
function withDate(key, date) {
  const [before, after] = t(key).split("{date}");
  return [before, whole(day(date)), after ?? ""];
}

// ---------------------------------------------------------------- rendering

function render(c) {
  card = c;
  const en = lang() === "en";

  // Status, large, with its colour; and whether the card can settle a bill.
  const status = $("card-status");
  status.textContent = pick(c.status_label) || c.status || "—";
  status.dataset.value = c.status || "";
  const usable = $("card-usable");
  usable.textContent = t(c.usable_for_settlement ? "card.usable.yes" : "card.usable.no");
  usable.dataset.value = c.usable_for_settlement ? "yes" : "no";

  $("card-number").textContent = c.number_masked || "—";
  $("card-since-row").hidden = !c.status_since;
  $("card-since").replaceChildren(c.status_since ? timeEl(c.status_since, { zone: true }) : "");
  $("card-pickup-row").hidden = !c.pickup;
  $("card-pickup").textContent = c.pickup ? t(`card.pickup.${c.pickup}`) : "";

  // The one date that matters now: when a temporary loss ends, or when the new card is due.
  const deadline = $("card-deadline");
  const due = $("card-due");
  if (c.replacement_due) {
    $("card-due-label").textContent = t("card.due.label");
    due.replaceChildren(...withDate("card.due.value", c.replacement_due));
    due.dataset.kind = "replacement";
    $("card-due-note").textContent = t("card.due.note");
    deadline.hidden = false;
  } else if (c.temporary_loss_ends_at) {
    $("card-due-label").textContent = t("card.ends.label");
    due.replaceChildren(timeEl(c.temporary_loss_ends_at, { zone: true }));
    due.dataset.kind = "temporary_loss_ends";
    $("card-due-note").textContent = t("card.ends.note");
    deadline.hidden = false;
  } else {
    deadline.hidden = true;
    due.textContent = "";
    delete due.dataset.kind;
  }

  renderSteps(c.next_steps || [], en);
  renderOutlets(c.outlets || []);
  renderHistory(c.history || []);

  loading.hidden = true;
  body.hidden = false;
}

function renderSteps(steps, en) {
  const byAction = new Map(steps.map((s) => [s.action, s]));
  for (const old of stepsList.querySelectorAll("li.step-extra")) old.remove();
  // Steps with no button of their own (e.g. wait_for_replacement) are plain text, first.
  const extras = steps
    .filter((s) => !stepsList.querySelector(`li.step[data-action="${CSS.escape(s.action)}"]`))
    .map((s) =>
      el(
        "li",
        { className: "step step-extra", dataset: { action: s.action } },
        el("p", { className: "step-text", text: en ? s.en : s.zh }),
      ),
    );
  stepsList.prepend(...extras);
  for (const li of stepsList.querySelectorAll("li.step:not(.step-extra)")) {
    const step = byAction.get(li.dataset.action);
    const wasShown = !li.hidden;
    li.hidden = !step;
    li.querySelector(".step-text").textContent = step ? (en ? step.en : step.zh) : "";
    if (!step && wasShown) leaving(li);
  }
  nextSection.hidden = steps.length === 0;
}

/** A step that is no longer offered: close what was open in it. */
function leaving(li) {
  if (li.contains(confirmBox)) closeConfirm(false);
  if (li.dataset.action === "request_replacement") toggleReplacement(false);
  if (li.dataset.action === "unfreeze") {
    codeInput.value = "";
    clearFieldError(codeInput.id);
  }
  if (li.dataset.action === "no_card_certificate") {
    certificate = null;
    $("certificate").hidden = true;
  }
}

function renderOutlets(outlets) {
  const chosen = outletSelect.value;
  const en = lang() === "en";
  outletSelect.replaceChildren(
    el("option", { value: "", text: t("card.outlet.choose") }),
    ...outlets.map((o) => el("option", { value: o.id, text: (en ? o.en : o.zh) || o.id })),
  );
  outletSelect.value = outlets.some((o) => o.id === chosen) ? chosen : "";
}

function renderHistory(items) {
  const list = $("card-history");
  list.replaceChildren(
    ...items.map((e) =>
      el(
        "li",
        { className: "history-item" },
        el("p", { className: "history-action", text: pick(e.action_label) || e.action }),
        el(
          "p",
          { className: "history-meta" },
          timeEl(e.at),
          " · ",
          pick(e.channel_label) || e.channel || "",
        ),
      ),
    ),
  );
  $("card-history-empty").hidden = items.length > 0;
  const zone = $("card-history-zone");
  zone.textContent = t("card.history.zone");
  zone.hidden = !items.length || !zone.textContent;
  historySection.hidden = false;
}

// ---------------------------------------------------------------- doing

/** A fresh Idempotency-Key (crypto.randomUUID needs a secure context; fall back to random bytes). */
function newKey() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** An error after which the request may or may not have been carried out: retry with the same key. */
function uncertain(err) {
  return err instanceof ApiError && (err.kind !== "http" || err.status >= 500);
}

/**
 * POST a change with an Idempotency-Key; on success re-render from the answer
 * (the new card status) and announce `done`. `slot.key` is kept for a retry
 * while the outcome is uncertain (network error, timeout, 5xx), so pressing
 * again cannot do the change twice; a different request (`sameAs` differs, e.g.
 * another pickup choice) gets a new key. `fields` maps JSON pointers to input ids.
 */
async function change(path, payload, slot, { done, fields = {}, onError = null, sameAs = payload }) {
  const print = JSON.stringify(sameAs);
  if (slot.print !== print) slot.key = null;
  slot.print = print;
  slot.key ??= newKey();
  try {
    const answer = await api("POST", path, payload, { headers: { "Idempotency-Key": slot.key } });
    slot.key = null;
    render(answer);
    const date = answer?.replacement_due ? day(answer.replacement_due) : "";
    message.show(() => t(done, { date }) + t("card.sms"), "success");
    showTopOfCard();
    return true;
  } catch (err) {
    if (!uncertain(err)) slot.key = null;
    onError?.(err);
    failed(err, fields);
    if (err.status === 409) await reloadQuietly();
    return false;
  }
}

function failed(err, fieldMap = {}) {
  if (err.status === 401) return goToLogin("session.expired");
  const shown = showProblemFields(err, fieldMap);
  const again = uncertain(err) ? `\n${t("card.retry_safe")}` : "";
  message.show(() => plainError(err) + again, "error");
  if (shown.length) focusFirst(shown);
  else $("message").scrollIntoView({ block: "nearest" });
}

/** The server's words; for 429 the detail already states the wait, so it is not added twice. */
function plainError(err) {
  if (err.status === 429) {
    const p = err.problem || {};
    const text = lang() === "en" ? p.detail : p.detail_zh || p.detail;
    if (text) return text;
  }
  return errorText(err);
}

/** After a refusal (409) the card may have changed elsewhere: show it as it is now. */
async function reloadQuietly() {
  try {
    render(await api("GET", "/v1/me/card"));
  } catch {
    /* the refusal message stays; the old view stays */
  }
  // The control that was used may have gone with the step: continue from the card.
  if (document.activeElement === document.body) $("card-title").focus({ preventScroll: true });
}

/** After a change: the new status is at the top; the button pressed may be gone. */
function showTopOfCard() {
  $("message").scrollIntoView({ block: "start" });
  $("card-title").focus({ preventScroll: true });
}

// ---------------------------------------------------------------- loss, with a confirmation step

let confirming = null; // { kind, button, slot } while the confirmation is open
const lossSlots = { temporary: {}, formal: {} };

for (const button of [$("btn-temp-loss"), $("btn-formal-loss")]) {
  button.addEventListener("click", () => openConfirm(button));
}

function openConfirm(button) {
  const kind = button.dataset.kind;
  confirming = { kind, button, slot: lossSlots[kind] };
  button.after(confirmBox);
  button.setAttribute("aria-expanded", "true");
  paintConfirm();
  confirmBox.hidden = false;
  $("confirm-title").focus();
}

function paintConfirm() {
  if (!confirming) return;
  $("confirm-title").textContent = t(`card.confirm.title.${confirming.kind}`);
  $("confirm-more").textContent = t(`card.confirm.more.${confirming.kind}`);
}

function closeConfirm(restoreFocus) {
  if (!confirming) return;
  const { button } = confirming;
  confirming = null;
  confirmBox.hidden = true;
  button.setAttribute("aria-expanded", "false");
  if (restoreFocus && !button.closest("[hidden]")) button.focus();
}

wireConfirm(confirmBox, confirmYes, confirmNo, {
  isOpen: () => confirming != null,
  close: closeConfirm,
  cancelled: () => message.show(() => t("card.cancelled")),
  confirm: async () => {
    const { kind, slot } = confirming;
    message.show(() => t("card.busy"));
    const ok = await change("/v1/me/card/loss", { kind }, slot, {
      done: kind === "temporary" ? "card.done.temporary" : "card.done.formal",
    });
    if (ok) closeConfirm(false);
  },
});

// ---------------------------------------------------------------- unfreeze (step-up SMS code)

let countdownEnd = 0;
let countdownTimer = null;
const unfreezeSlot = {};

function countingDown() {
  return Date.now() < countdownEnd;
}

function paintCodeButton() {
  const left = Math.ceil((countdownEnd - Date.now()) / 1000);
  if (left > 0) {
    codeButton.textContent = t("send_code.wait", { n: left });
    codeButton.disabled = true;
  } else {
    clearInterval(countdownTimer);
    countdownTimer = null;
    codeButton.textContent = t("send_code");
    if (!codeButton.hasAttribute("aria-busy")) codeButton.disabled = false;
  }
}

function startCountdown(seconds) {
  countdownEnd = Date.now() + seconds * 1000;
  clearInterval(countdownTimer);
  countdownTimer = setInterval(paintCodeButton, 1000);
  paintCodeButton();
}

codeButton.addEventListener("click", () =>
  whileBusy(
    codeButton,
    async () => {
      clearFieldErrors();
      message.show(() => t("otp.sending"));
      try {
        const answer = await api("POST", "/v1/me/card/unfreeze-code");
        message.show(() => serverText(answer) || t("card.code_sent"), "success");
        startCountdown(CODE_COUNTDOWN_SECONDS);
        codeInput.focus();
      } catch (err) {
        failed(err);
        if (err.status === 429 && err.retryAfter > 0) startCountdown(err.retryAfter);
      }
    },
    countingDown,
  ),
);

codeInput.addEventListener("input", () => clearFieldError(codeInput.id));

unfreezeForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  if (unfreezeButton.disabled) return;
  clearFieldErrors();
  const code = halfWidthCompact(codeInput.value);
  codeInput.value = code;
  const bad = !code ? "v.code.empty" : /^\d{6}$/.test(code) ? null : "v.code.format";
  if (bad) {
    setFieldError(codeInput.id, () => t(bad));
    message.show(() => t("err.fields"), "error");
    codeInput.focus();
    return;
  }
  message.show(() => t("card.busy"));
  await whileBusy(unfreezeButton, async () => {
    const ok = await change("/v1/me/card/unfreeze", { code }, unfreezeSlot, {
      done: "card.done.unfreeze",
      // A retry with a newer code is still the same unfreeze: the server answers it once.
      sameAs: "unfreeze",
      fields: { "/code": codeInput.id },
      onError(err) {
        // A wrong, expired or used code (400 code-invalid): say so next to the input too.
        if (err.status === 400 && !err.problem?.errors?.length) {
          setFieldError(codeInput.id, () => plainError(err));
        }
      },
    });
    if (ok) codeInput.value = "";
    else if (codeInput.getAttribute("aria-invalid") === "true") codeInput.focus();
  });
});

/** The server's own words ({"detail", "detail_zh"}) in the current language. */
function serverText(answer) {
  if (!answer) return "";
  return lang() === "en" ? answer.detail : answer.detail_zh || answer.detail;
}

// ---------------------------------------------------------------- replacement

const replacementSlot = {};

function toggleReplacement(open) {
  replacementForm.hidden = !open;
  replacementButton.setAttribute("aria-expanded", String(open));
}

replacementButton.addEventListener("click", () => {
  const open = replacementForm.hidden;
  toggleReplacement(open);
  if (open) (replacementForm.querySelector("input[name=pickup]:checked") || $("pickup-outlet")).focus();
});

function paintPickup() {
  const pickup = replacementForm.querySelector("input[name=pickup]:checked")?.value;
  $("outlet-field").hidden = pickup !== "outlet";
  $("address-field").hidden = pickup !== "mail";
}

for (const radio of replacementForm.querySelectorAll("input[name=pickup]")) {
  radio.addEventListener("change", () => {
    clearFieldErrors();
    paintPickup();
  });
}
outletSelect.addEventListener("change", () => clearFieldError(outletSelect.id));
addressInput.addEventListener("input", () => clearFieldError(addressInput.id));

/** The address as one line: line breaks become spaces (the API accepts no control characters). */
function cleanAddress(value) {
  return value
    .replace(/[\u0000-\u001f\u007f]+/g, " ")
    .replace(/\s{2,}/g, " ")
    .trim();
}

replacementForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  const submit = $("btn-replacement-submit");
  if (submit.disabled) return;
  clearFieldErrors();
  const pickup = replacementForm.querySelector("input[name=pickup]:checked")?.value;
  let payload = null;
  let bad = null;
  if (!pickup) bad = ["pickup-group", "v.pickup.empty"];
  else if (pickup === "outlet") {
    if (!outletSelect.value) bad = [outletSelect.id, "v.outlet.empty"];
    else payload = { pickup, outlet_id: outletSelect.value };
  } else {
    const address = cleanAddress(addressInput.value);
    addressInput.value = address;
    const length = [...address].length;
    if (length < 5 || length > 120) bad = [addressInput.id, "v.address.length"];
    else payload = { pickup, address };
  }
  if (bad) {
    const [id, key] = bad;
    setFieldError(id, () => t(key));
    message.show(() => t("err.fields"), "error");
    (id === "pickup-group" ? $("pickup-outlet") : $(id)).focus();
    return;
  }
  message.show(() => t("card.busy"));
  await whileBusy(submit, async () => {
    const ok = await change("/v1/me/card/replacement", payload, replacementSlot, {
      done: "card.done.replacement",
      fields: { "/outlet_id": outletSelect.id, "/address": addressInput.id, "/pickup": "pickup-group" },
    });
    if (ok) {
      toggleReplacement(false);
      addressInput.value = "";
    }
  });
});

// ---------------------------------------------------------------- no-card certificate

certificateButton.addEventListener("click", () =>
  whileBusy(certificateButton, async () => {
    message.show(() => t("loading"));
    try {
      const answer = await api("GET", "/v1/me/card/no-card-certificate");
      renderCertificate(answer);
      message.show(() => t("card.done.certificate"), "success");
      $("certificate").scrollIntoView({ block: "start" });
      $("certificate-title").focus({ preventScroll: true });
    } catch (err) {
      failed(err);
    }
  }),
);

function renderCertificate(c) {
  certificate = c;
  $("certificate-code").textContent = c.code || "";
  const qr = $("certificate-qr");
  if (typeof c.qr_svg === "string" && c.qr_svg.startsWith("data:image/")) {
    qr.src = c.qr_svg;
    qr.hidden = false;
  } else {
    qr.removeAttribute("src");
    qr.hidden = true;
  }
  qr.alt = t("card.cert.qr_alt", { code: c.code || "" });
  $("certificate-name").textContent = c.name || "—";
  $("certificate-id").textContent = c.id_number_masked || "—";
  $("certificate-valid").replaceChildren(
    timeEl(c.valid_until, { zone: true }),
    c.valid === false ? el("span", { className: "expired", text: ` ${t("card.cert.expired")}` }) : "",
  );
  // Plain words: how the hospital checks it, never the API path it uses for that.
  $("certificate-check").textContent = t("card.cert.check");
  $("certificate").hidden = false;
}
