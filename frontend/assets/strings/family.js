// The strings 家庭共济 (family.html) gained after assets/i18n.js was closed to growth.
import { addStrings } from "../i18n.js";

addStrings({
  zh: {
    "family.btn.resend": "重新发送验证码",
    "family.refused.see": "没有办成，原因和下一步写在下面这条里。",
    "family.history": "已结束的申请和绑定（{n}条）",
  },
  en: {
    "family.btn.resend": "Send the code again",
    "family.refused.see": "Not done: the reason and what to do next are in the entry below.",
    "family.history": "Ended requests and links ({n})",
  },
});
