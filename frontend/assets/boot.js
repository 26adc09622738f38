// Runs before first paint (a plain, blocking script in <head>) so that the
// remembered language and text size apply without a flash. Everything else
// lives in the ES modules (app.js and the page scripts).
(function () {
  var root = document.documentElement;
  try {
    if (localStorage.getItem("yibao.lang") === "en") root.lang = "en";
    if (localStorage.getItem("yibao.largeText") === "1") root.classList.add("large-text");
  } catch (e) {
    /* storage blocked: keep the defaults (Chinese, normal size) */
  }
})();
