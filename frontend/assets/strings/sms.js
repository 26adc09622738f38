// The strings of 短信 (sms.html): the monthly SMS switch, the event groups, my SMS.
import { addStrings } from "../i18n.js";

addStrings({
  zh: {
    "sms.title": "短信 - 医保服务",
    "sms.back": "返回我的医保",
    "sms.h1": "短信",
    "sms.intro":
      "每月初，职工医保参保人会免费收到一条短信，告诉您上个月个人账户划入多少钱、现在余额多少。晚上9点到早上8点不发通知短信；验证码和挂失确认随时发送。",
    "sms.prefs.h2": "接收哪些短信",
    "sms.prefs.legend": "选择要接收的短信",
    "sms.prefs.note": "回复T退订月度短信后，只能在这里重新打开。",
    "sms.prefs.save": "保存设置",
    "sms.prefs.saved": "已保存。",
    "sms.prefs.locked": "为了保护您的账户，验证码和安全提醒不能关闭。",
    "sms.prefs.off": "已关闭",
    "sms.mine.h2": "我的短信",
    "sms.mine.empty": "还没有发给您的短信。",
    "sms.mine.to": "发送到",
    "sms.mine.at": "时间",
    "sms.mine.due": "将于{time}发送",
    "sms.mine.why": "原因：{reason}",
  },
  en: {
    "sms.title": "SMS - Medical insurance",
    "sms.back": "Back to my insurance",
    "sms.h1": "SMS",
    "sms.intro":
      "Early each month, employees get a free SMS with last month's credit to the personal account and the balance. No notices are sent from 9 pm to 8 am; codes and card loss confirmations go at any time.",
    "sms.prefs.h2": "Which SMS to get",
    "sms.prefs.legend": "Choose the SMS you want",
    "sms.prefs.note": "After replying T to stop the monthly SMS, only this page turns it on again.",
    "sms.prefs.save": "Save",
    "sms.prefs.saved": "Saved.",
    "sms.prefs.locked": "Codes and security notices cannot be turned off: they protect your account.",
    "sms.prefs.off": "off",
    "sms.mine.h2": "My SMS",
    "sms.mine.empty": "No SMS has been sent to you yet.",
    "sms.mine.to": "To",
    "sms.mine.at": "Time",
    "sms.mine.due": "will be sent at {time}",
    "sms.mine.why": "Reason: {reason}",
  },
});
