// Local demo outbox: the SMS the local stack "sent" (GET /local/outbox, newest first).
import { api, beijingParts, el, initPage, messageBox, onLangChange, t, whileBusy } from "./app.js";

initPage();

const button = document.getElementById("refresh");
const list = document.getElementById("outbox-list");
const count = document.getElementById("outbox-count");
const message = messageBox(document.getElementById("message"));

let messages = null;

button.addEventListener("click", () => whileBusy(button, load));
onLangChange(() => messages && render(messages));
whileBusy(button, load);

async function load() {
  message.show(() => t("loading"));
  try {
    const answer = await api("GET", "/local/outbox");
    messages = Array.isArray(answer?.messages) ? answer.messages : [];
    message.clear();
    render(messages);
  } catch (err) {
    if (err.status === 404) message.show(() => t("outbox.not_local"), "error");
    else message.error(err);
  }
}

function render(items) {
  count.textContent = items.length ? t("outbox.count", { n: items.length }) : t("outbox.empty");
  list.replaceChildren(
    ...items.map((m) =>
      el(
        "li",
        { className: "sms" },
        el(
          "p",
          { className: "sms-meta" },
          el("span", { text: `${t("outbox.to")}: ` }),
          el("strong", { text: m.to || "—" }),
          el("br"),
          el("span", { text: `${t("outbox.sent_at")}: ` }),
          el("time", { datetime: m.sent_at, text: shanghaiTime(m.sent_at) }),
        ),
        el("p", { className: "sms-text", lang: "zh-CN", text: m.text || "" }),
      ),
    ),
  );
}

/** "2026-11-25 20:01:02" in Beijing time (the citizen's time zone), whatever the device says. */
function shanghaiTime(iso) {
  const parts = beijingParts(iso, { seconds: true });
  return parts ? `${parts[0]} ${parts[1]}${t("time.zone")}` : iso || "—";
}
