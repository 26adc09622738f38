// 家庭共济 (family.html): family mutual aid from GET /v1/me/family — the rules in
// plain words, whether my employee personal account can pay for relatives (and why
// not), my links in two groups (我为家人支付: role "payer"; 家人为我支付: role
// "relative") with what each allows now: the payer types the code the relative
// read out from their SMS, the relative accepts or declines, either side ends an
// active link, the payer pays a resident relative's contribution for next year.
// Ending, declining, withdrawing and paying are asked once more first. Below: the
// form that asks to link a relative (only when I can pay) and the family statement
// of a year from GET /v1/me/family/uses, newest first, "加载更多" following
// next_cursor. Every refusal shows the server's own words (detail_zh / detail).
//
// The page's own words are here (WORDS, data-fam="key" in the HTML); the shared
// ones (header, "返回我的医保", "正在读取…", field checks) come from i18n.js.
import {
  api,
  clearFieldError,
  el,
  errorText,
  focusFirst,
  getToken,
  goToLogin,
  initPage,
  lang,
  messageBox,
  onLangChange,
  pick,
  setFieldError,
  t,
  whileBusy,
} from "./app.js";

const WORDS = {
  zh: {
    "fam.title": "家庭共济 - 医保服务",
    "fam.h1": "家庭共济",
    "fam.rules.h2": "家庭共济是什么",
    "fam.rules.fallback": "职工医保个人账户里的钱,可以给配偶、父母、子女看病和缴居民医保用。",
    "fam.source": "政策依据:{source}",
    "fam.pay.h2": "我能不能为家人支付",
    "fam.can.yes": "可以用您的个人账户为家人支付",
    "fam.can.no": "您现在不能为家人支付",
    "fam.can.no.next": "家人为您支付不受影响。有疑问可以到参保地的医保服务大厅咨询。",
    "fam.balance": "个人账户现在有 {n}",
    "fam.payer.h2": "我为家人支付",
    "fam.relative.h2": "家人为我支付",
    "fam.payer.empty": "您还没有为家人绑定。可以在下面“添加家人”里申请。",
    "fam.payer.empty.cannot": "您没有为家人绑定。",
    "fam.relative.empty": "还没有家人为您支付。如果您的家人参加职工医保,可以请他在“家庭共济”里添加您。",
    "fam.rel.of": "(您的{rel})",
    "fam.rel.spouse": "配偶",
    "fam.rel.parent": "父母",
    "fam.rel.child": "子女",
    "fam.f.created": "申请时间",
    "fam.f.consented": "绑定生效",
    "fam.f.ended": "解除时间",
    "fam.f.reason": "解除原因",
    "fam.code.label": "家人收到的验证码",
    "fam.code.hint": "请家人看手机短信,把里面的6位数字告诉您",
    "fam.code.submit": "确认绑定",
    "fam.btn.withdraw": "撤回申请",
    "fam.btn.accept": "同意绑定",
    "fam.btn.decline": "拒绝",
    "fam.btn.end": "解除绑定",
    "fam.btn.pay": "代缴{year}年居民医保",
    "fam.pay.hint": "只能为参加居民医保的家人缴费。缴费期是{last}年9月到12月。钱从您的个人账户里扣。",
    "fam.confirm.withdraw.title": "确认撤回给{name}的申请?",
    "fam.confirm.withdraw.text": "撤回后,家人收到的验证码就不能用了。以后需要时可以重新申请。",
    "fam.confirm.withdraw.yes": "确认撤回",
    "fam.confirm.decline.title": "确认拒绝{name}的申请?",
    "fam.confirm.decline.text": "拒绝后,这条申请作废,家人的账户不会为您支付。以后需要时可以请家人重新申请。",
    "fam.confirm.decline.yes": "确认拒绝",
    "fam.confirm.end.title": "确认解除和{name}的绑定?",
    "fam.confirm.end.payer": "解除后,您的个人账户不能再为这位家人支付。以后需要时可以重新申请。",
    "fam.confirm.end.relative": "解除后,家人的个人账户不能再为您支付。以后需要时可以请家人重新申请。",
    "fam.confirm.end.yes": "确认解除",
    "fam.confirm.pay.title": "确认为{name}缴纳{year}年度居民医保?",
    "fam.confirm.pay.text": "个人缴费的钱从您的职工医保个人账户里扣,家人会收到一条短信。",
    "fam.confirm.pay.yes": "确认缴费",
    "fam.confirm.no": "取消",
    "fam.confirm.yes": "确认",
    "fam.cancelled": "已取消,没有做任何改动。",
    "fam.busy": "正在办理…",
    "fam.done.add":
      "申请已提交。如果家人在这里参保,姓名和身份证号也对,家人会收到一条短信验证码。请家人把验证码告诉您,在“家人收到的验证码”里输入;也可以请家人登录后自己点“同意绑定”。24小时内有效。",
    "fam.done.add.note": "申请已提交。如果家人没有收到短信,请先撤回这条申请,核对家人的姓名和身份证号后再重新申请。",
    "fam.done.consent": "绑定成功。您的个人账户现在可以为{name}支付看病的自付费用和居民医保缴费。双方都会收到一条短信。",
    "fam.done.accept": "您已同意。{name}的个人账户现在可以为您支付看病的自付费用和居民医保缴费。",
    "fam.done.withdraw": "申请已撤回。",
    "fam.done.decline": "已拒绝这条申请。",
    "fam.done.end": "已解除和{name}的绑定。",
    "fam.done.pay": "缴费成功:{text}。个人账户现在还有 {balance}。",
    "fam.add.h2": "添加家人",
    "fam.add.intro": "填写家人的身份证号和姓名。家人会收到一条短信验证码,请家人把验证码告诉您,您在这里输入后就绑定好了。",
    "fam.add.id_number": "家人的身份证号",
    "fam.add.name": "家人的姓名",
    "fam.add.name.hint": "和身份证上的一样",
    "fam.add.relation": "这位家人是您的",
    "fam.add.relation.choose": "请选择",
    "fam.add.submit": "申请绑定,给家人发验证码",
    "fam.v.name.empty": "请填写家人的姓名",
    "fam.v.name.format": "请按身份证上的写法填写姓名,2到30个字",
    "fam.v.relation.empty": "请选择这位家人是您的配偶、父母还是子女",
    "fam.uses.h2": "共济明细",
    "fam.uses.year": "看哪一年的明细",
    "fam.uses.year.option": "{year}年",
    "fam.uses.empty": "{year}年没有家庭共济的支付记录。",
    "fam.kind.settlement": "看病结算",
    "fam.kind.contribution": "居民医保缴费",
    "fam.kind.refund": "退回",
    "fam.use.out": "支出",
    "fam.use.back": "退回账户",
    "fam.use.for_me": "家人代付",
    "fam.use.back_to_them": "退回家人",
    "fam.use.by_me": "我为{rel}{name}支付",
    "fam.use.for_me_by": "{rel}{name}为我支付",
  },
  en: {
    "fam.title": "Family mutual aid - Medical insurance",
    "fam.h1": "Family mutual aid",
    "fam.rules.h2": "What family mutual aid is",
    "fam.rules.fallback":
      "The money in an employee's personal account can pay for a spouse's, parent's or child's care and resident contribution.",
    "fam.source": "Policy: {source}",
    "fam.pay.h2": "Can I pay for relatives?",
    "fam.can.yes": "Your personal account can pay for relatives",
    "fam.can.no": "You cannot pay for relatives now",
    "fam.can.no.next":
      "Relatives can still pay for you. If in doubt, ask at the medical insurance service hall where you are insured.",
    "fam.balance": "Your personal account holds {n}",
    "fam.payer.h2": "I pay for relatives",
    "fam.relative.h2": "Relatives pay for me",
    "fam.payer.empty": "You have not linked a relative yet. You can ask under “Add a relative” below.",
    "fam.payer.empty.cannot": "You pay for no relative.",
    "fam.relative.empty":
      "No relative pays for you yet. A relative in the employees' scheme can add you under “Family mutual aid”.",
    "fam.rel.of": " (your {rel})",
    "fam.rel.spouse": "Spouse",
    "fam.rel.parent": "Parent",
    "fam.rel.child": "Child",
    "fam.f.created": "Asked on",
    "fam.f.consented": "In force since",
    "fam.f.ended": "Ended on",
    "fam.f.reason": "Why it ended",
    "fam.code.label": "Code your relative received",
    "fam.code.hint": "Ask your relative to read you the 6 digits in their text message",
    "fam.code.submit": "Confirm the link",
    "fam.btn.withdraw": "Withdraw the request",
    "fam.btn.accept": "Accept",
    "fam.btn.decline": "Decline",
    "fam.btn.end": "End the link",
    "fam.btn.pay": "Pay their {year} resident contribution",
    "fam.pay.hint":
      "Only for a relative in the residents' scheme, from September to December {last}. The money comes from your personal account.",
    "fam.confirm.withdraw.title": "Withdraw your request to {name}?",
    "fam.confirm.withdraw.text":
      "The code your relative received will no longer work. You can ask again later.",
    "fam.confirm.withdraw.yes": "Withdraw",
    "fam.confirm.decline.title": "Decline the request from {name}?",
    "fam.confirm.decline.text":
      "The request is void and their account will not pay for you. They can ask again later.",
    "fam.confirm.decline.yes": "Decline",
    "fam.confirm.end.title": "End the link with {name}?",
    "fam.confirm.end.payer": "Your personal account will no longer pay for this relative. You can ask again later.",
    "fam.confirm.end.relative": "Your relative's account will no longer pay for you. They can ask again later.",
    "fam.confirm.end.yes": "End the link",
    "fam.confirm.pay.title": "Pay the {year} resident contribution of {name}?",
    "fam.confirm.pay.text":
      "The individual contribution is taken from your personal account; your relative gets a text message.",
    "fam.confirm.pay.yes": "Pay",
    "fam.confirm.no": "Cancel",
    "fam.confirm.yes": "Confirm",
    "fam.cancelled": "Cancelled. Nothing was changed.",
    "fam.busy": "Working…",
    "fam.done.add":
      "Request sent. If your relative is insured here under this name and ID number, they get a text message with a code. Ask them to read it to you and enter it under “Code your relative received”, or ask them to sign in and accept. Valid for 24 hours.",
    "fam.done.add.note":
      "Request sent. If your relative gets no text message, withdraw this request, check their name and ID card number, and ask again.",
    "fam.done.consent":
      "Linked. Your personal account can now pay {name}'s self-pay at hospitals and pharmacies and their resident contribution. You both get a text message.",
    "fam.done.accept":
      "Accepted. {name}'s personal account can now pay your self-pay at hospitals and pharmacies and your resident contribution.",
    "fam.done.withdraw": "The request was withdrawn.",
    "fam.done.decline": "You declined the request.",
    "fam.done.end": "The link with {name} has ended.",
    "fam.done.pay": "Paid: {text}. Your personal account now holds {balance}.",
    "fam.add.h2": "Add a relative",
    "fam.add.intro":
      "Enter your relative's ID card number and name. They get a text message with a code: ask them to read it to you and enter it here.",
    "fam.add.id_number": "Relative's ID card number",
    "fam.add.name": "Relative's name",
    "fam.add.name.hint": "As on the ID card",
    "fam.add.relation": "This relative is your",
    "fam.add.relation.choose": "Please choose",
    "fam.add.submit": "Ask to link and send them a code",
    "fam.v.name.empty": "Please enter your relative's name",
    "fam.v.name.format": "Enter the name as on the ID card, 2 to 30 characters",
    "fam.v.relation.empty": "Choose whether this relative is your spouse, parent or child",
    "fam.uses.h2": "Family aid statement",
    "fam.uses.year": "Statement of which year",
    "fam.uses.year.option": "{year}",
    "fam.uses.empty": "No family aid payments in {year}.",
    "fam.kind.settlement": "Care paid at settlement",
    "fam.kind.contribution": "Resident contribution",
    "fam.kind.refund": "Refund",
    "fam.use.out": "Out",
    "fam.use.back": "Back to the account",
    "fam.use.for_me": "Paid by a relative",
    "fam.use.back_to_them": "Back to your relative",
    "fam.use.by_me": "Paid by me for my {rel} {name}",
    "fam.use.for_me_by": "Paid for me by my {rel} {name}",
  },
};

/** This page's words (falling back to the shared ones of i18n.js), "{name}" filled from `params`. */
function w(key, params = {}) {
  const text = WORDS[lang()][key] ?? WORDS.zh[key];
  if (text == null) return t(key, params);
  return text.replace(/\{(\w+)\}/g, (m, name) => (name in params ? String(params[name]) : m));
}

/** The static words of family.html: data-fam="key" (text) and data-fam-attr="attr:key". */
function paintStatic() {
  for (const node of document.querySelectorAll("[data-fam]")) node.textContent = w(node.dataset.fam);
  for (const node of document.querySelectorAll("[data-fam-attr]")) {
    for (const pair of node.dataset.famAttr.split(/\s+/)) {
      const [attr, key] = pair.split(":");
      if (attr && key) node.setAttribute(attr, w(key));
    }
  }
  document.title = w("fam.title");
}

initPage();
paintStatic();

const $ = (id) => document.getElementById(id);
const message = messageBox($("message"));
const FAMILY = "/v1/me/family";
const FIRST_YEAR = 2021; // 家庭共济 since the 2021 reform: the API's first statement year

const payerList = $("fam-payer-links");
const relativeList = $("fam-relative-links");
const confirmBox = $("fam-confirm");
const confirmTitle = $("fam-confirm-title");
const confirmText = $("fam-confirm-text");
const confirmYes = $("fam-confirm-yes");
const confirmNo = $("fam-confirm-no");
const addForm = $("fam-add-form");
const idInput = $("fam-id-number");
const nameInput = $("fam-name");
const relationSelect = $("fam-relation");
const yearSelect = $("fam-year");
const more = $("fam-uses-more");
const usesList = $("fam-uses-list");

let family = null; // the last GET /v1/me/family
const drafts = new Map(); // link_id -> the code typed so far (kept across re-renders)
const codeErrors = new Map(); // link_id -> () => the error shown under its code input
const notes = new Map(); // link_id -> {kind, text: () => string}: the last outcome, shown in the link
let confirming = null; // {action, linkId} while the confirmation is open
let statement = { year: null, entries: [], cursor: null }; // what the statement shows
let thisYear = null; // the server's current year (the first statement answer)
let asked = 0; // the last statement request: an older answer arriving late is dropped

onLangChange(() => {
  paintStatic();
  if (!family) return;
  render();
  fillYears(statement.year);
  renderStatement();
});

if (!getToken()) goToLogin("session.expired");
else load();

// ---------------------------------------------------------------- words for figures

const say = (zh, en) => (lang() === "en" ? en || zh : zh || en) || "";

/** "8935.56" -> "8,935.56 元"; `sign` is "+", "−" or "". */
function money(yuan, sign = "") {
  const [units, cents = "00"] = String(yuan ?? "0").replace(/^-/, "").split(".");
  return t("ledger.yuan", { n: `${sign}${units.replace(/\B(?=(\d{3})+(?!\d))/g, ",")}.${cents}` });
}

/** ["2026-11-25", "20:01"] in Beijing time (the citizen's time zone), whatever the device says. */
function beijingParts(iso) {
  const date = new Date(iso);
  if (!iso || Number.isNaN(date.getTime())) return null;
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-CA", {
      timeZone: "Asia/Shanghai",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    })
      .formatToParts(date)
      .map((p) => [p.type, p.value]),
  );
  return [`${parts.year}-${parts.month}-${parts.day}`, `${parts.hour}:${parts.minute}`];
}

/** <time> "2026-11-25 20:01": the date and the time never broken inside. */
function timeEl(iso) {
  const parts = beijingParts(iso);
  if (!parts) return document.createTextNode(iso || "—");
  return el(
    "time",
    { datetime: iso },
    el("span", { className: "nowrap", text: parts[0] }),
    " ",
    el("span", { className: "nowrap", text: parts[1] }),
  );
}

/** Next calendar year in Beijing: the benefit year whose contribution is paid now (Sep–Dec). */
function nextYear() {
  const parts = beijingParts(new Date().toISOString());
  return Number(parts[0].slice(0, 4)) + 1;
}

/** w(key) with "{name}" placeholders filled by nodes or strings, as nodes. */
function fill(key, params) {
  return w(key)
    .split(/(\{\w+\})/)
    .filter(Boolean)
    .map((part) => {
      const name = /^\{(\w+)\}$/.exec(part)?.[1];
      return name && name in params ? params[name] : part;
    });
}

// ---------------------------------------------------------------- reading

async function load() {
  const section = $("fam-pay");
  try {
    family = await api("GET", FAMILY);
  } catch (err) {
    if (err.status === 401) return goToLogin("session.expired");
    $("fam-loading").hidden = true;
    section.removeAttribute("aria-busy");
    message.error(err);
    return;
  }
  section.removeAttribute("aria-busy");
  render();
  $("fam-uses").hidden = false;
  loadStatement(null);
}

/** Read the overview again after a change (the balance, the other links); errors keep the view. */
async function reload() {
  try {
    family = await api("GET", FAMILY);
    render();
  } catch (err) {
    if (err.status === 401) goToLogin("session.expired");
  }
}

// ---------------------------------------------------------------- the overview

function render() {
  const f = family;
  // The rules in plain words, and where they come from.
  $("fam-rules-text").textContent = say(f.rules_zh, f.rules_en) || w("fam.rules.fallback");
  const source = $("fam-source");
  source.textContent = f.source ? w("fam.source", { source: f.source }) : "";
  source.hidden = !f.source;

  // Can I pay for relatives? If not, why, and what now.
  const canPay = $("fam-can-pay");
  canPay.textContent = w(f.can_pay ? "fam.can.yes" : "fam.can.no");
  canPay.dataset.value = f.can_pay ? "yes" : "no";
  const why = $("fam-why");
  why.textContent = f.cannot_pay_reason ? say(f.cannot_pay_reason.text_zh, f.cannot_pay_reason.text_en) : "";
  why.hidden = f.can_pay || !why.textContent;
  if (f.cannot_pay_reason?.code) why.dataset.code = f.cannot_pay_reason.code;
  else delete why.dataset.code;
  const whyNext = $("fam-why-next");
  whyNext.textContent = w("fam.can.no.next");
  whyNext.hidden = !!f.can_pay;
  const balance = $("fam-balance");
  balance.replaceChildren(
    ...(f.account_balance != null
      ? fill("fam.balance", { n: el("span", { className: "nowrap fam-balance-value", text: money(f.account_balance) }) })
      : []),
  );
  balance.hidden = !f.can_pay || f.account_balance == null;
  $("fam-loading").hidden = true;
  $("fam-pay-body").hidden = false;

  renderLinks();
  $("fam-add").hidden = !f.can_pay;
}

/** Pending first, then active, then ended; newest first within each. */
function ordered(links) {
  const rank = { pending: 0, active: 1, ended: 2 };
  return [...links].sort(
    (a, b) => (rank[a.status] ?? 3) - (rank[b.status] ?? 3) || String(b.created_at).localeCompare(String(a.created_at)),
  );
}

function renderLinks() {
  const links = family.links || [];
  // The list is drawn anew: keep the keyboard where it was (by id), and the open confirmation.
  const focused = document.activeElement?.closest?.(".fam-links") ? document.activeElement.id : null;
  const mine = ordered(links.filter((l) => l.role === "payer"));
  const theirs = ordered(links.filter((l) => l.role === "relative"));
  payerList.replaceChildren(...mine.map(linkItem));
  relativeList.replaceChildren(...theirs.map(linkItem));

  const payerEmpty = $("fam-payer-empty");
  payerEmpty.textContent = w(family.can_pay ? "fam.payer.empty" : "fam.payer.empty.cannot");
  payerEmpty.hidden = mine.length > 0;
  // Someone who cannot pay and never did has no use for the "I pay" group.
  $("fam-payer").hidden = !family.can_pay && mine.length === 0;
  const relativeEmpty = $("fam-relative-empty");
  relativeEmpty.textContent = w("fam.relative.empty");
  relativeEmpty.hidden = theirs.length > 0;
  $("fam-relative").hidden = false;

  for (const [linkId, text] of codeErrors) {
    if ($(`fam-code-${linkId}`)) setFieldError(`fam-code-${linkId}`, text);
  }
  placeConfirm();
  if (focused && $(focused)) $(focused).focus({ preventScroll: true });
}

function linkItem(link) {
  const id = link.link_id;
  const rel = pick(link.relation_label) || w(`fam.rel.${link.relation}`);
  const facts = [
    ["created", link.created_at && timeEl(link.created_at)],
    ["consented", link.consented_at && timeEl(link.consented_at)],
    ["ended", link.ended_at && timeEl(link.ended_at)],
    ["reason", link.status === "ended" && pick(link.end_reason_label)],
  ].filter(([, value]) => value);
  const note = notes.get(id);
  return el(
    "li",
    {
      className: "fam-link",
      id: `fam-link-${id}`,
      dataset: { linkId: id, role: link.role, status: link.status },
    },
    el(
      "h3",
      { id: `fam-link-${id}-title`, className: "fam-link-title", tabindex: "-1" },
      el("span", { className: "fam-name", text: link.other_name }),
      el("span", { className: "fam-rel", text: w("fam.rel.of", { rel }) }),
    ),
    el("p", { className: "fam-status", dataset: { value: link.status }, text: pick(link.status_label) || link.status }),
    note ? el("p", { className: "fam-note", dataset: { kind: note.kind }, text: note.text() }) : null,
    el(
      "dl",
      { className: "facts fam-facts" },
      facts.map(([key, value]) =>
        el("div", { className: "fact" }, el("dt", { text: w(`fam.f.${key}`) }), el("dd", { dataset: { fact: key } }, value)),
      ),
    ),
    el("p", { className: "fam-next", text: say(link.next_step_zh, link.next_step_en) }),
    actions(link),
  );
}

/** A button that asks for a confirmation first (the box opens under it). */
function confirmButton(action, link, kind) {
  return el("button", {
    type: "button",
    id: `fam-${action}-${link.link_id}`,
    className: `button ${kind}`,
    dataset: { action, link: link.link_id },
    "aria-expanded": "false",
    "aria-controls": "fam-confirm",
    text: w(`fam.btn.${action}`, { year: nextYear() }),
  });
}

function actions(link) {
  const id = link.link_id;
  if (link.status === "pending" && link.role === "payer") {
    const input = `fam-code-${id}`;
    return [
      el(
        "form",
        { className: "panel fam-code-form", id: `fam-code-form-${id}`, novalidate: true, dataset: { link: id } },
        el(
          "div",
          { className: "field" },
          el("label", { for: input, text: w("fam.code.label") }),
          el("p", { id: `${input}-hint`, className: "hint", text: w("fam.code.hint") }),
          el("input", {
            id: input,
            name: "code",
            type: "text",
            inputmode: "numeric",
            autocomplete: "off",
            maxlength: "6",
            spellcheck: "false",
            "aria-describedby": `${input}-hint`,
            value: drafts.get(id) || "",
          }),
        ),
        el("button", {
          type: "submit",
          id: `fam-consent-${id}`,
          className: "button primary",
          text: w("fam.code.submit"),
        }),
      ),
      confirmButton("withdraw", link, "secondary"),
    ];
  }
  if (link.status === "pending") {
    return [
      el("button", {
        type: "button",
        id: `fam-accept-${id}`,
        className: "button primary",
        dataset: { action: "accept", link: id },
        text: w("fam.btn.accept"),
      }),
      confirmButton("decline", link, "secondary"),
    ];
  }
  if (link.status === "active" && link.role === "payer") {
    const year = nextYear();
    const pay = confirmButton("pay", link, "primary");
    pay.setAttribute("aria-describedby", `fam-pay-hint-${id}`);
    pay.dataset.year = String(year);
    return [
      el("p", { id: `fam-pay-hint-${id}`, className: "hint fam-pay-hint", text: w("fam.pay.hint", { last: year - 1 }) }),
      pay,
      confirmButton("end", link, "secondary"),
    ];
  }
  if (link.status === "active") return [confirmButton("end", link, "secondary")];
  return [];
}

const linkOf = (linkId) => (family?.links || []).find((l) => l.link_id === linkId) || null;

/** Put an answered Link in place of the one shown. */
function replaceLink(answer) {
  if (!answer?.link_id) return;
  const links = family.links || [];
  const at = links.findIndex((l) => l.link_id === answer.link_id);
  if (at >= 0) links[at] = answer;
  else links.push(answer);
  family.links = links;
}

/** After an action: the link's heading gets the keyboard, the link is in view. */
function focusLink(linkId) {
  const title = $(`fam-link-${linkId}-title`);
  if (!title) return;
  title.scrollIntoView({ block: "start" });
  title.focus({ preventScroll: true });
}

// ---------------------------------------------------------------- the links' buttons

for (const list of [payerList, relativeList]) {
  list.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-action]");
    if (!button || button.disabled) return;
    if (button.dataset.action === "accept") {
      whileBusy(button, () => act("accept", button.dataset.link));
    } else {
      openConfirm(button);
    }
  });
  list.addEventListener("submit", (event) => {
    const form = event.target.closest("form.fam-code-form");
    if (!form) return;
    event.preventDefault();
    sendCode(form);
  });
  list.addEventListener("input", (event) => {
    const input = event.target;
    if (!(input instanceof HTMLInputElement) || !input.id.startsWith("fam-code-")) return;
    const linkId = input.closest("form")?.dataset.link;
    if (!linkId) return;
    drafts.set(linkId, input.value);
    codeErrors.delete(linkId);
    clearFieldError(input.id);
  });
}

const PATHS = { accept: "accept", withdraw: "end", decline: "end", end: "end", pay: "contribution" };

/** Carry out `action` on a link; the outcome is said in the link and in the status region. */
async function act(action, linkId) {
  const link = linkOf(linkId);
  if (!link) return false;
  const name = link.other_name;
  const year = nextYear();
  message.show(() => w("fam.busy"));
  try {
    const answer = await api(
      "POST",
      `${FAMILY}/${encodeURIComponent(linkId)}/${PATHS[action]}`,
      action === "pay" ? { year } : undefined,
    );
    closeConfirm(false);
    const done =
      action === "pay"
        ? () =>
            w("fam.done.pay", {
              text: say(answer.text_zh, answer.text_en),
              balance: money(answer.account_balance),
            })
        : () => w(`fam.done.${action}`, { name });
    notes.set(linkId, { kind: "success", text: done });
    message.show(done, "success");
    if (action !== "pay") replaceLink(answer);
    render();
    focusLink(linkId);
    await reload();
    if (action === "pay" && statement.year === thisYear) loadStatement(thisYear);
    return true;
  } catch (err) {
    if (err.status === 401) return goToLogin("session.expired");
    closeConfirm(false);
    refused(linkId, err);
    // Changed meanwhile (409), or gone (404): show the links as they are now.
    if (err.status === 409 || err.status === 404) await reload();
    else render();
    focusLink(linkId);
    return false;
  }
}

/** A refusal of an action on a link: the server's words in the link and in the status region. */
function refused(linkId, err) {
  notes.set(linkId, { kind: "error", text: () => errorText(err) });
  message.error(err);
}

/** The payer enters the code the relative read out: the relative's consent. */
async function sendCode(form) {
  const linkId = form.dataset.link;
  const input = form.querySelector("input[name=code]");
  const submit = form.querySelector("button[type=submit]");
  if (!input || !submit || submit.disabled) return;
  const code = input.value.replace(/\s+/g, "");
  input.value = code;
  drafts.set(linkId, code);
  codeErrors.delete(linkId);
  clearFieldError(input.id);
  const bad = !code ? "v.code.empty" : /^\d{6}$/.test(code) ? null : "v.code.format";
  if (bad) {
    codeError(linkId, input, () => t(bad));
    message.show(() => t("err.fields"), "error");
    input.focus();
    return;
  }
  const name = linkOf(linkId)?.other_name || "";
  message.show(() => w("fam.busy"));
  await whileBusy(submit, async () => {
    try {
      const answer = await api("POST", `${FAMILY}/${encodeURIComponent(linkId)}/consent`, { code });
      drafts.delete(linkId);
      const done = () => w("fam.done.consent", { name });
      notes.set(linkId, { kind: "success", text: done });
      message.show(done, "success");
      replaceLink(answer);
      render();
      focusLink(linkId);
      await reload();
    } catch (err) {
      if (err.status === 401) return goToLogin("session.expired");
      const fieldError = (err.problem?.errors || []).find((e) => e.pointer === "/code");
      if (fieldError) {
        codeError(linkId, input, () => (lang() === "en" ? fieldError.detail : fieldError.detail_zh || fieldError.detail));
      } else if (err.status === 400) {
        // A wrong, expired or used code (…/code-invalid): said next to the input too.
        codeError(linkId, input, () => errorText(err));
      }
      notes.delete(linkId);
      message.error(err);
      if (err.status === 409 || err.status === 404) {
        codeErrors.delete(linkId);
        refused(linkId, err);
        await reload();
        focusLink(linkId);
        return;
      }
      $(input.id)?.focus();
    }
  });
}

function codeError(linkId, input, text) {
  codeErrors.set(linkId, text);
  setFieldError(input.id, text);
}

// ---------------------------------------------------------------- the confirmation step

function openConfirm(button) {
  if (confirming) closeConfirm(false);
  confirming = { action: button.dataset.action, linkId: button.dataset.link };
  notes.delete(confirming.linkId);
  button.closest("li")?.querySelector(".fam-note")?.remove();
  placeConfirm();
  confirmBox.hidden = false;
  confirmTitle.focus();
}

/** The box sits under the button that opened it (drawn anew with every render). */
function placeConfirm() {
  if (!confirming) return;
  const button = $(`fam-${confirming.action}-${confirming.linkId}`);
  if (!button || !linkOf(confirming.linkId)) {
    // The action is no longer offered (the link changed): close the question.
    confirming = null;
    confirmBox.hidden = true;
    park();
    return;
  }
  button.after(confirmBox);
  button.setAttribute("aria-expanded", "true");
  paintConfirm();
}

function paintConfirm() {
  if (!confirming) return;
  const { action, linkId } = confirming;
  const link = linkOf(linkId);
  const params = { name: link?.other_name || "", year: nextYear() };
  confirmTitle.textContent = w(`fam.confirm.${action}.title`, params);
  confirmText.textContent =
    action === "end" ? w(`fam.confirm.end.${link?.role === "payer" ? "payer" : "relative"}`) : w(`fam.confirm.${action}.text`);
  confirmYes.textContent = w(`fam.confirm.${action}.yes`);
  confirmYes.className = action === "pay" ? "button primary" : "button danger";
  confirmNo.textContent = w("fam.confirm.no");
}

function closeConfirm(restoreFocus) {
  if (!confirming) return;
  const button = $(`fam-${confirming.action}-${confirming.linkId}`);
  confirming = null;
  confirmBox.hidden = true;
  park();
  button?.setAttribute("aria-expanded", "false");
  if (restoreFocus && button) button.focus();
}

/** Outside the lists while closed, so that drawing them anew cannot take it away. */
function park() {
  $("fam-relative").after(confirmBox);
}

confirmNo.addEventListener("click", () => {
  closeConfirm(true);
  message.show(() => w("fam.cancelled"));
});

confirmBox.addEventListener("keydown", (event) => {
  if (event.key === "Escape" && confirming) {
    event.preventDefault();
    confirmNo.click();
  }
});

confirmYes.addEventListener("click", async () => {
  if (!confirming || confirmYes.disabled) return;
  const { action, linkId } = confirming;
  confirmNo.disabled = true;
  try {
    await whileBusy(confirmYes, () => act(action, linkId));
  } finally {
    confirmNo.disabled = false;
  }
});

// ---------------------------------------------------------------- asking to link a relative

const ADD_FIELDS = { "/id_number": idInput.id, "/name": nameInput.id, "/relation": relationSelect.id };

for (const field of [idInput, nameInput]) field.addEventListener("input", () => clearFieldError(field.id));
relationSelect.addEventListener("change", () => clearFieldError(relationSelect.id));

function checkAdd() {
  const id = idInput.value.replace(/\s+/g, "").toUpperCase();
  idInput.value = id;
  const name = nameInput.value.replace(/\s+/g, " ").trim();
  nameInput.value = name;
  const bad = [];
  if (!id) bad.push([idInput.id, () => t("v.id_number.empty")]);
  else if (!/^\d{17}[\dX]$/.test(id)) bad.push([idInput.id, () => t("v.id_number.format")]);
  const length = [...name].length;
  if (!name) bad.push([nameInput.id, () => w("fam.v.name.empty")]);
  else if (length < 2 || length > 30 || !/^[\u3400-\u9fff·A-Za-z ]+$/.test(name)) {
    bad.push([nameInput.id, () => w("fam.v.name.format")]);
  }
  if (!relationSelect.value) bad.push([relationSelect.id, () => w("fam.v.relation.empty")]);
  return { body: { id_number: id, name, relation: relationSelect.value }, bad };
}

addForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  const submit = $("fam-add-submit");
  if (submit.disabled) return;
  for (const id of Object.values(ADD_FIELDS)) clearFieldError(id);
  const { body, bad } = checkAdd();
  if (bad.length) {
    for (const [id, text] of bad) setFieldError(id, text);
    message.show(() => t("err.fields"), "error");
    focusFirst(bad.map(([id]) => id));
    return;
  }
  message.show(() => w("fam.busy"));
  await whileBusy(submit, async () => {
    try {
      const link = await api("POST", FAMILY, body);
      // The full ID number leaves the page as soon as it is sent.
      idInput.value = "";
      nameInput.value = "";
      relationSelect.value = "";
      notes.set(link.link_id, { kind: "success", text: () => w("fam.done.add.note") });
      message.show(() => w("fam.done.add"), "success");
      replaceLink(link);
      render();
      const code = $(`fam-code-${link.link_id}`);
      $(`fam-link-${link.link_id}`)?.scrollIntoView({ block: "start" });
      (code || $(`fam-link-${link.link_id}-title`))?.focus({ preventScroll: true });
      await reload();
    } catch (err) {
      if (err.status === 401) return goToLogin("session.expired");
      const shown = placeErrors(err, ADD_FIELDS);
      message.error(err);
      if (shown.length) focusFirst(shown);
      else $("message").scrollIntoView({ block: "nearest" });
      if (err.status === 422 && err.problem?.code === "not_an_employee") await reload();
    }
  });
});

/** errors[] entries by JSON pointer onto this page's inputs; the rest are listed in the message. */
function placeErrors(err, fieldMap) {
  const shown = [];
  err.unplaced = [];
  for (const item of err?.problem?.errors || []) {
    const id = fieldMap[item.pointer];
    const text = () => (lang() === "en" ? item.detail : item.detail_zh || item.detail) || "";
    if (id && setFieldError(id, text)) shown.push(id);
    else err.unplaced.push(item);
  }
  return shown;
}

// ---------------------------------------------------------------- the statement (共济明细)

yearSelect.addEventListener("change", () => loadStatement(Number(yearSelect.value)));
more.addEventListener("click", () =>
  whileBusy(more, () => loadStatement(statement.year, statement.cursor), () => statement.cursor == null),
);

function fillYears(chosen) {
  if (thisYear == null) return;
  const years = [];
  for (let y = thisYear; y >= FIRST_YEAR; y -= 1) years.push(y);
  yearSelect.replaceChildren(
    ...years.map((y) => el("option", { value: String(y), text: w("fam.uses.year.option", { year: y }) })),
  );
  if (chosen) yearSelect.value = String(chosen);
}

/** A year's statement (null: the current year, as the server counts); with `cursor`, the next page. */
async function loadStatement(year, cursor = null) {
  const ticket = ++asked;
  const box = $("fam-uses-box");
  box.setAttribute("aria-busy", "true");
  const query = new URLSearchParams();
  if (year) query.set("year", String(year));
  if (cursor) query.set("cursor", cursor);
  try {
    const search = query.toString();
    const page = await api("GET", `${FAMILY}/uses${search ? `?${search}` : ""}`);
    if (ticket !== asked) return;
    if (thisYear == null) {
      thisYear = page.year;
      fillYears(page.year);
    }
    const added = page.entries || [];
    const before = cursor ? statement.entries.length : 0;
    statement = {
      year: page.year,
      entries: cursor ? [...statement.entries, ...added] : added,
      cursor: page.next_cursor ?? null,
    };
    renderStatement();
    // After "加载更多", the keyboard continues at the first new line.
    if (cursor && added.length) usesList.children[before]?.focus();
  } catch (err) {
    if (ticket !== asked) return;
    if (err.status === 401) return goToLogin("session.expired");
    message.error(err);
  } finally {
    if (ticket === asked) box.setAttribute("aria-busy", "false");
  }
}

function renderStatement() {
  const { year, entries, cursor } = statement;
  const empty = $("fam-uses-empty");
  empty.textContent = year ? w("fam.uses.empty", { year }) : "";
  empty.hidden = entries.length > 0 || !year;
  usesList.replaceChildren(...entries.map(useLine));
  more.hidden = cursor == null;
}

function useLine(e) {
  const negative = String(e.amount).startsWith("-");
  const payer = e.role === "payer";
  // Mine: a payment leaves my account (−), a refund comes back (+). A relative's: no sign,
  // the money was never in my account.
  const [word, sign, tone] = payer
    ? negative
      ? ["fam.use.back", "+", "in"]
      : ["fam.use.out", "−", "out"]
    : negative
      ? ["fam.use.back_to_them", "", "family"]
      : ["fam.use.for_me", "", "family"];
  const rel = pick(e.relation_label) || w(`fam.rel.${e.relation}`);
  const who = w(payer ? "fam.use.by_me" : "fam.use.for_me_by", { rel, name: e.other_name || "" });
  const text = say(e.text_zh, e.text_en);
  return el(
    "li",
    { className: `stmt fam-use fam-use-${e.kind}`, tabindex: "-1", dataset: { kind: e.kind, role: e.role } },
    el(
      "div",
      { className: "stmt-head" },
      el("span", { className: "stmt-kind", text: w(`fam.kind.${e.kind}`) }),
      el(
        "span",
        { className: `stmt-amount ${tone}` },
        el("span", { className: "visually-hidden", text: `${w(word)} ` }),
        money(e.amount, sign),
      ),
    ),
    el("p", { className: "stmt-meta" }, timeEl(e.at), " · ", who),
    text ? el("p", { className: "stmt-text", text }) : null,
  );
}
