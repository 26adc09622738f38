// The strings of the page shell every page shares: read aloud, log out, the session's end.
import { addStrings } from "../i18n.js";

addStrings({
  zh: {
    "read.start": "朗读",
    "read.stop": "停止朗读",
    "session.ended": "您已退出登录。要再办事，请重新登录。",
    "session.first": "请先登录。",
  },
  en: {
    "read.start": "Read aloud",
    "read.stop": "Stop reading",
    "session.ended": "You have logged out. To continue, please log in again.",
    "session.first": "Please log in first.",
  },
});
