// The strings of the page shell every page shares: read aloud, log out, the session's end.
import { addStrings } from "../i18n.js";

addStrings({
  zh: {
    "read.start": "朗读",
    "read.stop": "停止朗读",
    "session.ended": "您已退出登录。要再办事，请重新登录。",
    "session.first": "请先登录。",
    "session.warning": "为了安全，您的登录1分钟后到期。要接着办，请点“继续”，不用重新获取验证码。",
    "session.continue": "继续",
    "session.restored": "已恢复您重新登录前填写的内容。",
  },
  en: {
    "read.start": "Read aloud",
    "read.stop": "Stop reading",
    "session.ended": "You have logged out. To continue, please log in again.",
    "session.first": "Please log in first.",
    "session.warning": "For your security, your session ends in 1 minute. To carry on, press Continue: no new SMS code is needed.",
    "session.continue": "Continue",
    "session.restored": "What you had typed before logging in again is back.",
  },
});
