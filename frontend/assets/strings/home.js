// The strings of 我的医保 (home.html): the one-line summary, the full profile, the tiles
// of the services that joined later (their pages may come from other areas).
import { addStrings } from "../i18n.js";

addStrings({
  zh: {
    "home.summary": "{scheme}：{groups}，{since}。",
    "home.summary.no_groups": "{scheme}，{since}。",
    "home.summary.status": "{scheme}（{status}）：{groups}，{since}。",
    "home.summary.status.no_groups": "{scheme}（{status}），{since}。",
    "home.since": "{month}起参保",
    "home.since.unknown": "参保起始时间未登记",
    "home.groups.sep": "、",
    "home.profile.more": "查看全部参保信息",
    "f.insured_since": "参保起始",
    "tile.voucher": "电子凭证",
    "tile.settlements": "我的结算",
    "tile.sms": "短信提醒",
    "tile.apps": "授权管理",
    "tile.proof": "参保证明",
    "tile.help": "帮助",
  },
  en: {
    "home.summary": "{scheme}: {groups}; {since}.",
    "home.summary.no_groups": "{scheme}; {since}.",
    "home.summary.status": "{scheme} ({status}): {groups}; {since}.",
    "home.summary.status.no_groups": "{scheme} ({status}); {since}.",
    "home.since": "insured since {month}",
    "home.since.unknown": "start of insurance not on record",
    "home.groups.sep": ", ",
    "home.profile.more": "Show all insurance details",
    "f.insured_since": "Insured since",
    "tile.voucher": "QR voucher",
    "tile.settlements": "Settled bills",
    "tile.sms": "SMS alerts",
    "tile.apps": "Linked apps",
    "tile.proof": "Proof",
    "tile.help": "Help",
  },
});
