// Runs before first paint (a plain, blocking script in <head>) so that the
// remembered language and text size apply without a flash, and so that every
// page's header comes from here: a page writes <yibao-header></yibao-header>
// where the skip link and the header go. Everything else lives in the ES
// modules (app.js and the page scripts): they translate the header's words
// (data-i18n) and add its buttons (shell.js: 朗读, 退出登录).
(function () {
  var root = document.documentElement;
  try {
    if (localStorage.getItem("yibao.lang") === "en") root.lang = "en";
    if (localStorage.getItem("yibao.largeText") === "1") root.classList.add("large-text");
  } catch (e) {
    /* storage blocked: keep the defaults (Chinese, normal size) */
  }

  // The one copy of the header. The parser meets <yibao-header> after this has run, so
  // the element is filled as it is inserted: drawn with the page, no jump when scripts run.
  var HEADER =
    '<a class="skip-link" href="#main" data-i18n="skip">跳到主要内容</a>' +
    '<header class="site-header">' +
    '<p class="site-name" data-i18n="site.name">医保服务</p>' +
    '<div class="prefs" role="group" aria-label="显示设置" data-i18n-attr="aria-label:prefs.label">' +
    '<button type="button" id="lang-toggle" class="pref-button" lang="en" data-i18n="lang.toggle">English</button>' +
    '<button type="button" id="large-text-toggle" class="pref-button" aria-pressed="false" data-i18n="large.toggle">大字</button>' +
    "</div>" +
    "</header>";

  if (window.customElements && !window.customElements.get("yibao-header")) {
    window.customElements.define(
      "yibao-header",
      class extends HTMLElement {
        connectedCallback() {
          if (!this.firstElementChild) this.innerHTML = HEADER;
        }
      },
    );
  }
})();
