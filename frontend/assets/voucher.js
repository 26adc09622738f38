// 医保电子凭证 (voucher.html): the QR code from POST /v1/me/voucher, valid 60 seconds,
// replaced by a new one a few seconds before it runs out, with a visible countdown.
// While the page is hidden nothing is asked for; coming back shows a new code at once.
import "./strings/voucher.js";
import { api, getToken, goToLogin, initPage, messageBox, onLangChange, pick, t } from "./app.js";

initPage();

const $ = (id) => document.getElementById(id);
const message = messageBox($("message"));
const EARLY_SECONDS = 5; // ask for the next code this long before the shown one expires

let voucher = null; // the latest answer
let expiresAt = 0; // ms, by this device's clock (the server's lifetime, not its clock)
let ticker = null;
let asking = false;

onLangChange(() => voucher && render(voucher));
$("voucher-refresh").addEventListener("click", () => renew(true));
document.addEventListener("visibilitychange", () => {
  if (document.hidden) return pause();
  renew(false);
});

if (!getToken()) goToLogin("session.expired");
else renew(false);

async function renew(byHand) {
  if (asking) return;
  asking = true;
  try {
    const answer = await api("POST", "/v1/me/voucher");
    voucher = answer;
    expiresAt = Date.now() + answer.expires_in * 1000;
    render(answer);
    if (byHand) message.show(() => t("vc.renewed"), "success");
    else message.clear();
    tick();
  } catch (err) {
    if (err.status === 401) return goToLogin("session.expired");
    $("voucher-loading").hidden = true;
    $("voucher").removeAttribute("aria-busy");
    message.error(err);
    stopTicker();
    $("voucher-countdown").textContent = "";
  } finally {
    asking = false;
  }
}

function render(v) {
  $("voucher-loading").hidden = true;
  $("voucher-body").hidden = false;
  $("voucher").removeAttribute("aria-busy");
  $("voucher-qr").src = v.qr_svg;
  $("voucher-name").textContent = v.name_masked;
  $("voucher-id").textContent = v.id_number_masked;
  $("voucher-scheme").textContent = pick(v.scheme_label);
  $("voucher-status").textContent = pick(v.status_label);
  $("voucher-card").textContent = pick(v.card.status_label);
  $("voucher-card-note").hidden = ["active", "none"].includes(v.card.status);
  showCountdown();
}

function secondsLeft() {
  return Math.max(0, Math.ceil((expiresAt - Date.now()) / 1000));
}

function showCountdown() {
  $("voucher-countdown").textContent = t("vc.countdown", { n: Math.max(0, secondsLeft() - EARLY_SECONDS) });
}

function tick() {
  stopTicker();
  ticker = setInterval(() => {
    showCountdown();
    if (secondsLeft() <= EARLY_SECONDS) renew(false);
  }, 1000);
}

function stopTicker() {
  if (ticker) clearInterval(ticker);
  ticker = null;
}

function pause() {
  stopTicker();
  if (voucher) $("voucher-countdown").textContent = t("vc.paused");
}
