// Login page: ID number + phone -> SMS code -> token (the form: login-form.js).
import { api, initPage, messageBox, pageAfterLogin, t, takeFlash } from "./app.js";
import { wireLoginForm } from "./login-form.js";

initPage();

const message = messageBox(document.getElementById("message"));

// Why the person is here: a session that ended by itself is an error, a logout is not.
const flash = takeFlash();
const FLASH_KINDS = { "session.ended": "success", "session.first": "info" };
if (flash) message.show(() => t(flash), FLASH_KINDS[flash] || "error");

showOutboxLinkOnLocalStage();

// back where the last session ended, or home
wireLoginForm(message, (token) => location.assign(pageAfterLogin(token)));

/** The demo outbox link exists only on the local stage: GET /v1/meta says so. */
async function showOutboxLinkOnLocalStage() {
  const link = document.getElementById("outbox-link");
  try {
    const meta = await api("GET", "/v1/meta");
    link.hidden = meta?.stage !== "local";
  } catch {
    link.hidden = true;
  }
}
