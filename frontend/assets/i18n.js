// Every visible string of the portal, in Simplified Chinese (default) and English.
//
// Static text in the HTML carries data-i18n="key" (textContent) or
// data-i18n-attr="attribute:key" (e.g. "aria-label:nav.label"); the Chinese
// text is also written into the HTML so the page reads well before scripts run.
// Dynamic text calls t(key, {name: value}); "{name}" placeholders are filled in.

const STRINGS = {
  zh: {
    "site.name": "医保服务",
    "skip": "跳到主要内容",
    "lang.toggle": "English",
    "large.toggle": "大字",
    "prefs.label": "显示设置",

    "err.network": "网络不通,请检查网络后再试",
    "err.timeout": "服务器没有及时回应,请稍后再试",
    "err.generic": "出了点问题(错误代码 {status}),请稍后再试",
    "err.retry_after": "请在 {n} 秒后再试",
    "err.fields": "请按提示修改标出的内容",
    "session.expired": "登录已过期,请重新登录",
    "loading": "正在读取…",

    "login.title": "登录 - 医保服务",
    "login.h1": "登录",
    "login.intro": "请用身份证号和手机号登录。验证码会用短信发到您参保时登记的手机上。",
    "id_number.label": "身份证号",
    "id_number.hint": "18位,最后一位可能是字母X",
    "phone.label": "手机号",
    "phone.hint": "参保时登记的11位手机号",
    "send_code": "获取验证码",
    "send_code.wait": "{n}秒后可重新获取",
    "code.label": "短信验证码",
    "code.hint": "短信里的6位数字",
    "login.submit": "登录",
    "otp.sending": "正在发送验证码…",
    "otp.sent": "如果身份证号和手机号与登记的一致,验证码已发送,5分钟内有效。",
    "login.busy": "正在登录…",
    "outbox.link": "查看本地短信(演示)",
    "new_window": "(在新窗口打开)",
    "v.id_number.empty": "请填写身份证号",
    "v.id_number.format": "身份证号应为18位:前17位是数字,最后一位是数字或字母X",
    "v.phone.empty": "请填写手机号",
    "v.phone.format": "手机号应为11位数字,以1开头",
    "v.code.empty": "请填写短信里的验证码",
    "v.code.format": "验证码是6位数字",

    "home.title": "我的医保 - 医保服务",
    "home.h1": "我的医保",
    "home.greeting": "您好,{name}",
    "profile.h2": "参保信息",
    "f.name": "姓名",
    "f.id_number": "身份证号",
    "f.phone": "手机号",
    "f.scheme": "参保类型",
    "f.region": "参保地",
    "f.status": "参保状态",
    "f.groups": "人员类别",
    "f.employer": "工作单位",
    "f.card_number": "医保卡号",
    "f.card_status": "医保卡状态",
    "none": "无",
    "logout": "退出登录",
    "services.h2": "办事服务",
    "services.soon": "即将上线",
    "tile.card_loss": "挂失医保卡",
    "tile.payments": "缴费记录",
    "tile.account": "个人账户",
    "tile.estimate": "看病前算一算",
    "tile.remote_care": "异地就医备案",

    "outbox.title": "本地短信(演示) - 医保服务",
    "outbox.h1": "本地短信(演示)",
    "outbox.note": "这个页面只在本地演示环境中存在,用来查看系统“发出”的短信(例如登录验证码)。正式环境没有这个页面。",
    "outbox.refresh": "刷新",
    "outbox.back": "返回登录",
    "outbox.empty": "还没有短信。",
    "outbox.count": "共 {n} 条,最新的在最上面。",
    "outbox.to": "收件人",
    "outbox.sent_at": "发送时间",
    "outbox.tz": "",
    "outbox.not_local": "这个页面只在本地演示环境可用。",

    "docs.title": "接口文档 - 医保服务",
    "docs.h1": "接口文档",
    "docs.loading": "正在读取接口说明…",
    "docs.raw": "原始 OpenAPI 文件(JSON)",
    "docs.version": "版本",
    "docs.contents": "目录",
    "docs.operations": "接口",
    "docs.other": "其他",
    "docs.deprecated": "已停用",
    "docs.security": "授权",
    "docs.security.none": "不需要登录",
    "docs.security.scopes": "权限范围",
    "docs.parameters": "参数",
    "docs.request": "请求内容",
    "docs.request.none": "没有请求内容",
    "docs.responses": "响应",
    "docs.status": "状态码",
    "docs.description": "说明",
    "docs.content": "内容",
    "docs.field": "字段",
    "docs.in": "位置",
    "docs.type": "类型",
    "docs.required": "必填",
    "docs.rules": "限制",
    "docs.yes": "是",
    "docs.no": "否",
    "docs.whole": "(整体)",
    "docs.one_of": "以下任选其一:",
    "docs.variant": "第 {n} 种",
    "docs.array_of": "{t} 的数组",
    "docs.schema": "结构",
    "docs.schemas": "数据结构",
    "docs.problems": "错误类型",
    "docs.problems.intro": "出错时响应为 application/problem+json(RFC 9457),其中 type 是下列之一。",
    "docs.problem.type": "type",
    "docs.problem.title": "标题",
    "docs.shared_responses": "共用响应",
    "docs.security_schemes": "授权方式",
    "docs.none": "无",
    "docs.r.pattern": "格式",
    "docs.r.format": "格式名",
    "docs.r.minLength": "最少 {v} 个字符",
    "docs.r.maxLength": "最多 {v} 个字符",
    "docs.r.minimum": "最小 {v}",
    "docs.r.maximum": "最大 {v}",
    "docs.r.exclusiveMinimum": "大于 {v}",
    "docs.r.exclusiveMaximum": "小于 {v}",
    "docs.r.multipleOf": "{v} 的倍数",
    "docs.r.minItems": "最少 {v} 项",
    "docs.r.maxItems": "最多 {v} 项",
    "docs.r.uniqueItems": "不能重复",
    "docs.r.enum": "可选值",
    "docs.r.const": "固定为",
    "docs.r.default": "默认",
    "docs.r.closed": "不接受其他字段",
    "docs.r.readOnly": "只读",
    "docs.r.writeOnly": "只写",
  },
  en: {
    "site.name": "Medical insurance services",
    "skip": "Skip to main content",
    "lang.toggle": "中文",
    "large.toggle": "Large text",
    "prefs.label": "Display settings",

    "err.network": "Cannot reach the server. Please check your network and try again.",
    "err.timeout": "The server did not answer in time. Please try again later.",
    "err.generic": "Something went wrong (error {status}). Please try again later.",
    "err.retry_after": "Please try again in {n} seconds.",
    "err.fields": "Please correct the marked fields.",
    "session.expired": "Your session has expired. Please log in again.",
    "loading": "Loading…",

    "login.title": "Log in - Medical insurance services",
    "login.h1": "Log in",
    "login.intro": "Log in with your ID card number and mobile phone number. We send a code by text message to the phone you registered with your insurance.",
    "id_number.label": "ID card number",
    "id_number.hint": "18 characters; the last one may be the letter X",
    "phone.label": "Mobile phone number",
    "phone.hint": "The 11-digit number you registered",
    "send_code": "Get code",
    "send_code.wait": "New code in {n} s",
    "code.label": "Code from the text message",
    "code.hint": "The 6 digits in the text message",
    "login.submit": "Log in",
    "otp.sending": "Sending the code…",
    "otp.sent": "If the ID number and phone number match our records, a code has been sent. It is valid for 5 minutes.",
    "login.busy": "Logging in…",
    "outbox.link": "View local text messages (demo)",
    "new_window": "(opens in a new window)",
    "v.id_number.empty": "Please enter your ID card number",
    "v.id_number.format": "The ID card number has 18 characters: 17 digits, then a digit or the letter X",
    "v.phone.empty": "Please enter your mobile phone number",
    "v.phone.format": "The mobile phone number has 11 digits and starts with 1",
    "v.code.empty": "Please enter the code from the text message",
    "v.code.format": "The code has 6 digits",

    "home.title": "My insurance - Medical insurance services",
    "home.h1": "My insurance",
    "home.greeting": "Hello, {name}",
    "profile.h2": "Insurance details",
    "f.name": "Name",
    "f.id_number": "ID card number",
    "f.phone": "Mobile phone",
    "f.scheme": "Insurance type",
    "f.region": "Insured in",
    "f.status": "Insurance status",
    "f.groups": "Groups",
    "f.employer": "Employer",
    "f.card_number": "Card number",
    "f.card_status": "Card status",
    "none": "None",
    "logout": "Log out",
    "services.h2": "Services",
    "services.soon": "Coming soon",
    "tile.card_loss": "Report a lost card",
    "tile.payments": "Contribution history",
    "tile.account": "Personal account",
    "tile.estimate": "Estimate costs before a visit",
    "tile.remote_care": "Register care in another region",

    "outbox.title": "Local text messages (demo) - Medical insurance services",
    "outbox.h1": "Local text messages (demo)",
    "outbox.note": "This page exists only on the local demo stack. It shows the text messages the system “sent”, such as login codes. There is no such page in production.",
    "outbox.refresh": "Refresh",
    "outbox.back": "Back to log in",
    "outbox.empty": "No messages yet.",
    "outbox.count": "{n} messages, newest first.",
    "outbox.to": "To",
    "outbox.sent_at": "Sent at",
    "outbox.tz": " (Beijing time)",
    "outbox.not_local": "This page is only available on the local demo stack.",

    "docs.title": "API documentation - Medical insurance services",
    "docs.h1": "API documentation",
    "docs.loading": "Loading the API description…",
    "docs.raw": "Raw OpenAPI file (JSON)",
    "docs.version": "Version",
    "docs.contents": "Contents",
    "docs.operations": "Operations",
    "docs.other": "Other",
    "docs.deprecated": "Deprecated",
    "docs.security": "Authorization",
    "docs.security.none": "None (public)",
    "docs.security.scopes": "scopes",
    "docs.parameters": "Parameters",
    "docs.request": "Request body",
    "docs.request.none": "No request body",
    "docs.responses": "Responses",
    "docs.status": "Status",
    "docs.description": "Description",
    "docs.content": "Content",
    "docs.field": "Field",
    "docs.in": "In",
    "docs.type": "Type",
    "docs.required": "Required",
    "docs.rules": "Constraints",
    "docs.yes": "Yes",
    "docs.no": "No",
    "docs.whole": "(whole body)",
    "docs.one_of": "One of:",
    "docs.variant": "Option {n}",
    "docs.array_of": "array of {t}",
    "docs.schema": "Schema",
    "docs.schemas": "Schemas",
    "docs.problems": "Problem types",
    "docs.problems.intro": "Errors are answered as application/problem+json (RFC 9457) whose type is one of these.",
    "docs.problem.type": "type",
    "docs.problem.title": "Title",
    "docs.shared_responses": "Shared responses",
    "docs.security_schemes": "Security schemes",
    "docs.none": "None",
    "docs.r.pattern": "pattern",
    "docs.r.format": "format",
    "docs.r.minLength": "at least {v} characters",
    "docs.r.maxLength": "at most {v} characters",
    "docs.r.minimum": "minimum {v}",
    "docs.r.maximum": "maximum {v}",
    "docs.r.exclusiveMinimum": "greater than {v}",
    "docs.r.exclusiveMaximum": "less than {v}",
    "docs.r.multipleOf": "multiple of {v}",
    "docs.r.minItems": "at least {v} items",
    "docs.r.maxItems": "at most {v} items",
    "docs.r.uniqueItems": "no duplicates",
    "docs.r.enum": "one of",
    "docs.r.const": "always",
    "docs.r.default": "default",
    "docs.r.closed": "no other fields allowed",
    "docs.r.readOnly": "read-only",
    "docs.r.writeOnly": "write-only",
  },
};

const LANG_KEY = "yibao.lang";

/** "zh" or "en": the language currently shown. */
export function lang() {
  return document.documentElement.lang === "en" ? "en" : "zh";
}

/** Translate `key`, filling "{name}" placeholders from `params`. */
export function t(key, params = {}) {
  const text = STRINGS[lang()][key] ?? STRINGS.zh[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (m, name) => (name in params ? String(params[name]) : m));
}

/** Pick the current language out of a server label such as {"zh": "职工医保", "en": "Employee insurance"}. */
export function pick(label) {
  if (label == null) return "";
  if (typeof label === "string") return label;
  return label[lang()] ?? label.zh ?? label.en ?? "";
}

/** Fill every data-i18n / data-i18n-attr element under `root` with the current language. */
export function applyStrings(root = document) {
  for (const el of root.querySelectorAll("[data-i18n]")) {
    el.textContent = t(el.dataset.i18n);
  }
  for (const el of root.querySelectorAll("[data-i18n-attr]")) {
    for (const pair of el.dataset.i18nAttr.split(/\s+/)) {
      const [attr, key] = pair.split(":");
      if (attr && key) el.setAttribute(attr, t(key));
    }
  }
}

/** Switch language, remember it, re-render static strings and tell the page ("yibao:langchange"). */
export function setLang(next) {
  document.documentElement.lang = next === "en" ? "en" : "zh-CN";
  try {
    localStorage.setItem(LANG_KEY, lang());
  } catch {
    /* storage blocked: the choice lasts for this page only */
  }
  applyStrings();
  document.dispatchEvent(new CustomEvent("yibao:langchange"));
}
