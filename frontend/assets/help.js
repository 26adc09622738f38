// 帮助 (help.html, public): the hotline, the service windows (assets/data/windows.json,
// demo data), a changed phone number, and the accessibility statement.
import "./strings/help.js";
import { el, initPage, lang, onLangChange, t } from "./app.js";

initPage();

const list = document.getElementById("help-windows");
let windows = [];

function fact(label, value) {
  return el("div", { class: "fact" }, [el("dt", {}, [t(label)]), el("dd", {}, [value])]);
}

function render() {
  const zh = lang() !== "en";
  list.replaceChildren(
    ...windows.map((w) =>
      el("li", { class: "card" }, [
        el("h3", {}, [zh ? w.name_zh : w.name_en, " ", el("span", { class: "muted" }, [t("help.windows.demo")])]),
        el("dl", { class: "facts" }, [
          fact("help.windows.address", zh ? w.address_zh : w.address_en),
          fact("help.windows.hours", zh ? w.hours_zh : w.hours_en),
          fact("help.windows.phone", el("a", { href: `tel:${w.phone}` }, [w.phone])),
        ]),
      ]),
    ),
  );
}

onLangChange(render);
fetch("assets/data/windows.json")
  .then((r) => r.json())
  .then((data) => {
    windows = data.windows;
    render();
  });
