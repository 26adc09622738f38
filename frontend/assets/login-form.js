// The login form (ID number + phone -> SMS code -> token), shared by the login page and
// the consent page of a third-party app (consent.html), which logs the person in where
// they are. The page writes an empty <form id="login-form" novalidate></form> where the
// form goes, and says what to do with the token; this file draws the form (its one copy)
// and wires it. The page has called initPage() itself.
import { applyStrings } from "./i18n.js";
import {
  api,
  clearFieldError,
  clearFieldErrors,
  focusFirst,
  halfWidthCompact,
  lang,
  onLangChange,
  setFieldError,
  setToken,
  showProblemFields,
  t,
  whileBusy,
} from "./app.js";

const COUNTDOWN_SECONDS = 60;

// The form's fields, its words in Chinese first (data-i18n fills the language shown).
const FORM = `
  <div class="field">
    <label for="id_number" data-i18n="id_number.label">身份证号</label>
    <p id="id_number-hint" class="hint" data-i18n="id_number.hint">18位，最后一位可能是字母X</p>
    <input id="id_number" name="id_number" type="text" inputmode="text" autocomplete="off"
           autocapitalize="characters" spellcheck="false" aria-describedby="id_number-hint">
  </div>
  <div class="field">
    <label for="phone" data-i18n="phone.label">手机号</label>
    <p id="phone-hint" class="hint" data-i18n="phone.hint">参保时登记的11位手机号</p>
    <input id="phone" name="phone" type="tel" inputmode="numeric" autocomplete="tel-national"
           aria-describedby="phone-hint">
  </div>
  <button type="button" id="send-code" class="button secondary" data-i18n="send_code">获取验证码</button>
  <div class="field">
    <label for="code" data-i18n="code.label">短信验证码</label>
    <p id="code-hint" class="hint" data-i18n="code.hint">短信里的6位数字</p>
    <input id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code"
           aria-describedby="code-hint">
  </div>
  <button type="submit" id="login" class="button primary" data-i18n="login.submit">登录</button>`;

/**
 * Wire the form #login-form: `message` is the page's messageBox; `onToken(token)` runs
 * after a login (the token is already kept); it returns false when the page stays, so
 * the login button comes back.
 */
export function wireLoginForm(message, onToken) {
  const form = document.getElementById("login-form");
  form.innerHTML = FORM; // a fixed template: no data of anyone's in it
  applyStrings(form);
  const idInput = document.getElementById("id_number");
  const phoneInput = document.getElementById("phone");
  const codeInput = document.getElementById("code");
  const sendButton = document.getElementById("send-code");
  const loginButton = document.getElementById("login");

  // -------------------------------------------------------------- plain checks
  // The server is the authority (it also checks the ID's check digit); these
  // only catch typing slips early, in plain words.

  const normalize = {
    id_number: (v) => halfWidthCompact(v).toUpperCase(),
    phone: (v) => halfWidthCompact(v),
    code: (v) => halfWidthCompact(v),
  };

  const checks = {
    id_number: (v) => (!v ? "v.id_number.empty" : /^\d{17}[\dX]$/.test(v) ? null : "v.id_number.format"),
    phone: (v) => (!v ? "v.phone.empty" : /^1\d{10}$/.test(v) ? null : "v.phone.format"),
    code: (v) => (!v ? "v.code.empty" : /^\d{6}$/.test(v) ? null : "v.code.format"),
  };

  /** Normalize and check the given fields; mark the bad ones. Returns the values, or null. */
  function readFields(ids) {
    clearFieldErrors();
    const values = {};
    const bad = [];
    for (const id of ids) {
      const input = document.getElementById(id);
      input.value = normalize[id](input.value);
      values[id] = input.value;
      const problem = checks[id](input.value);
      if (problem) {
        setFieldError(id, () => t(problem));
        bad.push(id);
      }
    }
    if (!bad.length) return values;
    message.show(() => t("err.fields"), "error");
    focusFirst(bad);
    return null;
  }

  // A field's error goes away as soon as the person edits it.
  for (const input of [idInput, phoneInput, codeInput]) {
    input.addEventListener("input", () => clearFieldError(input.id));
  }

  // -------------------------------------------------------------- send the code

  let countdownEnd = 0;
  let countdownTimer = null;

  function countingDown() {
    return Date.now() < countdownEnd;
  }

  function paintSendButton() {
    const left = Math.ceil((countdownEnd - Date.now()) / 1000);
    if (left > 0) {
      sendButton.textContent = t("send_code.wait", { n: left });
      sendButton.disabled = true;
    } else {
      clearInterval(countdownTimer);
      countdownTimer = null;
      sendButton.textContent = t("send_code");
      if (!sendButton.hasAttribute("aria-busy")) sendButton.disabled = false;
    }
  }

  function startCountdown(seconds) {
    countdownEnd = Date.now() + seconds * 1000;
    clearInterval(countdownTimer);
    countdownTimer = setInterval(paintSendButton, 1000);
    paintSendButton();
  }

  onLangChange(paintSendButton);

  sendButton.addEventListener("click", async () => {
    const values = readFields(["id_number", "phone"]);
    if (!values) return;
    message.show(() => t("otp.sending"));
    await whileBusy(
      sendButton,
      async () => {
        try {
          const answer = await api("POST", "/v1/auth/otp", values);
          message.show(() => serverText(answer) || t("otp.sent"), "success");
          startCountdown(COUNTDOWN_SECONDS);
          codeInput.focus();
        } catch (err) {
          failed(err, sendButton);
          if (err.status === 429 && err.retryAfter > 0) startCountdown(err.retryAfter);
        }
      },
      countingDown,
    );
  });

  // -------------------------------------------------------------- log in

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (loginButton.disabled) return;
    const values = readFields(["id_number", "code"]);
    if (!values) return;
    message.show(() => t("login.busy"));
    let leaving = false;
    await whileBusy(
      loginButton,
      async () => {
        try {
          const answer = await api("POST", "/v1/auth/token", values);
          setToken(answer.access_token);
          leaving = onToken(answer.access_token) !== false;
        } catch (err) {
          if (err.problem?.type?.endsWith("/code-invalid")) markInvalid(codeInput);
          failed(err, codeInput);
        }
      },
      () => leaving,
    );
  });

  // -------------------------------------------------------------- helpers

  /** Show what went wrong; keep keyboard users where they were when no field is named. */
  function failed(err, fallback) {
    const fields = showProblemFields(err);
    message.error(err);
    if (fields.length) focusFirst(fields);
    else queueMicrotask(() => fallback.focus()); // after whileBusy() has enabled it again
  }

  /** The code field is wrong: say so to assistive technology too. */
  function markInvalid(input) {
    input.setAttribute("aria-invalid", "true");
    input.addEventListener("input", () => input.removeAttribute("aria-invalid"), { once: true });
  }

  /** The server's own words ({"detail", "detail_zh"}) in the current language. */
  function serverText(body) {
    if (!body) return "";
    return lang() === "en" ? body.detail : body.detail_zh || body.detail;
  }
}
