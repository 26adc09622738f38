// The strings of the page for an unknown address (404.html).
import { addStrings } from "../i18n.js";

addStrings({
  zh: {
    "nf.title": "没有找到这个页面 - 医保服务",
    "nf.h1": "没有找到这个页面",
    "nf.why": "这个网址可能输错了，或者页面已经不在了。",
    "nf.next": "请从“我的医保”重新进入要办的事；还没有登录的，会先请您登录。",
    "nf.home": "去“我的医保”",
  },
  en: {
    "nf.title": "Page not found - Medical insurance services",
    "nf.h1": "This page was not found",
    "nf.why": "The address may be mistyped, or the page is no longer there.",
    "nf.next": "Please start again from My insurance; if you are not logged in, you are asked to log in first.",
    "nf.home": "Go to My insurance",
  },
});
