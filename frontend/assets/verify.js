// 参保证明核验 (verify.html, public): the code typed (or from the QR code's ?code=) is
// checked at GET /v1/proofs/{code}; the answer is the masked name and the proof's facts.
import "./strings/proof.js";
import {
  api,
  clearFieldErrors,
  day,
  fill,
  halfWidthCompact,
  initPage,
  messageBox,
  monthText,
  onLangChange,
  pick,
  say,
  setFieldError,
  t,
  timeEl,
  whileBusy,
} from "./app.js";

initPage();

const $ = (id) => document.getElementById(id);
const message = messageBox($("message"));
const input = $("verify-code");
let found = null;

onLangChange(() => found && render(found));
$("verify-form").addEventListener("submit", (event) => {
  event.preventDefault();
  whileBusy($("verify-submit"), check);
});

const given = new URLSearchParams(location.search).get("code");
if (given) {
  input.value = given;
  whileBusy($("verify-submit"), check);
}

async function check() {
  clearFieldErrors();
  message.clear();
  const code = halfWidthCompact(input.value).toUpperCase();
  if (!/^[A-Z0-9]{10}$/.test(code)) {
    setFieldError("verify-code", () => t("vf.code.bad"));
    $("verify-result").hidden = true;
    input.focus();
    return;
  }
  try {
    found = await api("GET", `/v1/proofs/${code}`);
  } catch (err) {
    found = null;
    $("verify-result").hidden = true;
    return message.error(err);
  }
  render(found);
  $("verify-result").hidden = false;
  $("verify-result-title").focus();
}

function render(p) {
  const verdict = $("verify-verdict");
  verdict.textContent = t(p.valid ? "vf.valid" : "vf.expired");
  verdict.dataset.value = p.valid ? "yes" : "no";
  $("verify-name").textContent = p.name_masked;
  $("verify-id").textContent = p.id_number_masked;
  $("verify-scheme").textContent = pick(p.scheme_label);
  $("verify-status").textContent = pick(p.status_label);
  $("verify-since").textContent = p.insured_since ? day(p.insured_since) : t("pf.unknown");
  $("verify-summary").textContent = say(p.text_zh, p.text_en);
  const unpaid = p.months.filter((m) => !m.paid).map((m) => monthText(m.period));
  $("verify-unpaid").textContent = unpaid.length
    ? t("vf.unpaid", { months: unpaid.join(t("vf.sep")) })
    : t("vf.all_paid");
  $("verify-issued").replaceChildren(...fill("pf.doc.issued", { at: timeEl(p.issued_at), until: day(p.valid_until) }));
}
