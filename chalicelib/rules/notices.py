"""短信模板：every SMS the system sends, one fixed template per kind, values only in slots.

Pure: values in, text out. Each template names its group (what a person may turn off
in 月度短信/事件短信 preferences; ``security`` cannot be turned off), whether it is
urgent (sent at once, even in quiet hours) and how many SMS parts it may take. A slot
has a kind whose rule says what its value may be: an amount is integer fen shown as
``1,234.56`` (explain.yuan, the one money format: ``余额6,789.01元``), a name is a
masked name (``张*``), a city or a category is one of the known labels. Nothing else
gets in: no links, no free text, no full ID numbers.

Length is counted in UCS-2 characters with the signature 【…】: one part holds 70; a
longer message is split in parts of 67 (DOMAIN.md §8).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from chalicelib.rules import contributions, family, filing
from chalicelib.rules.explain import yuan

SINGLE_PART = 70
MULTI_PART = 67
HOTLINE = "12393"
QUIET_ENDS = time(8, 0)  # notices that are not urgent go from 08:00 …
QUIET_STARTS = time(21, 0)  # … to 21:00 local time


class SlotRefused(ValueError):
    """A value that its slot does not take (the caller has a bug or was handed bad data)."""


@dataclass(frozen=True)
class Slot:
    """What one slot takes: ``shown`` turns a value into its text or raises SlotRefused;
    ``longest`` is the longest text the slot can show (for the length check)."""

    shown: Callable[[Any], str]
    longest: str


def _pattern(regex: str, longest: str) -> Slot:
    compiled = re.compile(regex)

    def shown(value: Any) -> str:
        if not isinstance(value, str) or not compiled.fullmatch(value):
            raise SlotRefused(f"{value!r} does not match {regex}")
        return value

    return Slot(shown, longest)


def _choice(labels: Mapping[str, tuple[str, str]] | Mapping[str, str]) -> Slot:
    allowed = {v if isinstance(v, str) else v[0] for v in labels.values()}

    def shown(value: Any) -> str:
        if value not in allowed:
            raise SlotRefused(f"{value!r} is not one of the labels")
        return str(value)

    return Slot(shown, max(allowed, key=len))


def _amount(most_fen: int) -> Slot:
    def shown(value: Any) -> str:
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= most_fen:
            raise SlotRefused(f"{value!r} is not an amount in fen from 0 to {most_fen}")
        return yuan(value)

    return Slot(shown, yuan(most_fen))


def _number(lowest: int, highest: int) -> Slot:
    def shown(value: Any) -> str:
        if isinstance(value, bool) or not isinstance(value, int) or not lowest <= value <= highest:
            raise SlotRefused(f"{value!r} is not a whole number from {lowest} to {highest}")
        return str(value)

    return Slot(shown, str(highest))


def _day() -> Slot:
    def shown(value: Any) -> str:
        if not isinstance(value, date):
            raise SlotRefused(f"{value!r} is not a date")
        return f"{value.month}月{value.day}日"

    return Slot(shown, "12月31日")


def _moment() -> Slot:
    def shown(value: Any) -> str:
        if not isinstance(value, datetime):
            raise SlotRefused(f"{value!r} is not a time")
        return f"{value.month}月{value.day}日{value.hour:02d}:{value.minute:02d}"

    return Slot(shown, "12月31日23:59")


_DATE_ZH = r"\d{4}年\d{1,2}月\d{1,2}日"
SLOTS: dict[str, Slot] = {
    "month": _number(1, 12),
    "year": _number(2000, 2099),
    "minutes": _number(1, 60),
    "credit": _amount(9_999_999),  # a month's credit: up to 99,999.99 元
    "balance": _amount(999_999_999),  # up to 9,999,999.99 元
    "amount": _amount(9_999_999),
    "day": _day(),
    "time": _moment(),
    "code": _pattern(r"\d{6}", "000000"),
    "tail": _pattern(r"\d{4}", "0000"),
    # a masked name: the surname (one or two characters) and stars, never a full name
    "name": _pattern(r"[\u3400-\u9fff]{1,2}\*{1,4}", "欧阳****"),
    "city": _pattern(r"[\u3400-\u9fff]{2,12}", "乌兰察布市鄂尔多斯市某某"),
    "category": _choice(filing.CATEGORY_LABELS),
    "validity": _pattern(
        rf"{_DATE_ZH}(至{_DATE_ZH}|起长期有效)", "2026年12月31日至2027年12月31日"
    ),
    "relation": _choice(family.RELATION_LABELS),
    "end_reason": _choice(family.END_REASONS),
    "subsidy": _choice(contributions.SUBSIDY_ZH),
    "purpose": _pattern(r"解挂", "解挂"),
}


@dataclass(frozen=True)
class Template:
    """One approved SMS text (``{slot}`` marks a value); ``group`` is what a person may
    turn off (``security`` never). ``urgent`` (codes, card loss) goes at once even in
    quiet hours, is never turned off and never throttled; ``at_once`` is a confirmation of
    what someone did just now (the page says the SMS went): it too goes at once at night,
    but keeps to the person's choices. Only what the system starts on its own (the
    monthly notice, reminders, a finished replacement, a link ended by the insurance's
    end) waits for 08:00."""

    kind: str
    text: str
    group: str
    urgent: bool = False
    max_parts: int = 2
    slots: Mapping[str, str] = field(default_factory=dict)  # slot name -> its kind in SLOTS
    at_once: bool = False

    @property
    def waits_out_the_night(self) -> bool:
        return not (self.urgent or self.at_once)

    def __post_init__(self) -> None:
        found = re.findall(r"\{(\w+)\}", self.text)
        if not self.slots:
            object.__setattr__(self, "slots", {name: name for name in found})
        missing = set(found) - set(self.slots)
        if missing or set(self.slots) - set(found):
            raise ValueError(f"template {self.kind}: slots {sorted(found)} vs {self.slots}")


GROUPS: dict[str, tuple[str, str]] = {
    "monthly": ("月度个人账户短信", "Monthly personal account SMS"),
    "card": ("医保卡补卡进度", "Card replacement progress"),
    "family": ("家庭共济通知", "Family sharing notices"),
    "filing": ("异地就医备案提醒", "Remote care filing reminders"),
    "security": ("验证码和安全提醒（不能关闭）", "Codes and security notices (always on)"),
}
OPTIONAL_GROUPS = ("monthly", "card", "family", "filing")

_CODE_TAIL = "{minutes}分钟内有效。如非本人操作，请忽略本短信。"
TEMPLATES: dict[str, Template] = {
    t.kind: t
    for t in (
        Template(
            "monthly",
            "您的医保个人账户{month}月划入{credit}元，余额{balance}元。"
            f"详询{HOTLINE}，退订回T",
            "monthly",
            max_parts=1,
        ),
        Template("login_code", "您的登录验证码是{code}，" + _CODE_TAIL, "security", True, 1),
        Template("step_up_code", "您的{purpose}验证码是{code}，" + _CODE_TAIL, "security", True, 1),
        Template(
            "family_consent",
            "{name}（您的{relation}）申请用其职工医保个人账户为您支付看病自付费用和居民医保缴费。"
            "家庭共济验证码是{code}，同意绑定请告诉对方，{minutes}分钟内有效；也可登录医保服务"
            "平台在“家庭共济”中确认。不同意请忽略，24小时后自动失效。",
            "security",
            True,
            3,
        ),
        Template(
            "proxy_consent",
            "{name}申请为您代办异地就医备案。验证码{code}，{minutes}分钟内有效，"
            "同意请把验证码告诉对方；不同意请忽略。",
            "security",
            True,
        ),
        Template(
            "card_temporary_loss",
            "您尾号{tail}的医保卡已于{time}临时挂失，{until}前有效，需长期冻结请办理正式挂失。",
            "security",
            True,
            slots={"tail": "tail", "time": "time", "until": "day"},
        ),
        Template(
            "card_formal_loss",
            "您尾号{tail}的医保卡已于{time}正式挂失，可在线申请补卡。",
            "security",
            True,
        ),
        Template(
            "card_unfrozen",
            "您尾号{tail}的医保卡已于{time}解挂，可以正常使用。如非本人操作，请立即挂失。",
            "security",
            True,
        ),
        Template(
            "card_replacement_accepted",
            "您尾号{tail}的医保卡补卡申请已受理，最迟{day}办好，届时短信通知。",
            "security",
            True,
        ),
        Template(
            "card_temporary_loss_lapsing",
            "您尾号{tail}的医保卡临时挂失将于{day}到期，到期后卡片恢复使用。"
            "仍未找到卡的，请办理正式挂失。",
            "card",
        ),
        Template(
            "card_replacement_ready",
            "您补办的医保卡（尾号{tail}）已办好，请按申请时选的方式领取。",
            "card",
        ),
        Template(
            "family_link_active",
            "您与{name}（{relation}）的家庭共济绑定已生效。如非本人操作，请登录医保服务平台解除。",
            "security",
            at_once=True,
        ),
        Template(
            "family_link_ended",
            "您与{name}的家庭共济绑定已解除（{end_reason}）。",
            "family",
            at_once=True,
        ),
        Template(
            "family_contribution_paid",
            "您{year}年度居民医保个人缴费{amount}元已由{name}的职工医保个人账户代缴（家庭共济）。",
            "family",
            at_once=True,
        ),
        Template(
            "family_contribution_paid_subsidised",
            "您{year}年度居民医保个人缴费{amount}元已由{name}的职工医保个人账户代缴（家庭共济）。"
            "{subsidy}资助{subsidy_amount}元。",
            "family",
            slots={
                "year": "year",
                "amount": "amount",
                "name": "name",
                "subsidy": "subsidy",
                "subsidy_amount": "amount",
            },
            at_once=True,
        ),
        Template(
            "family_insurance_ended",
            "因{name}的医保已终止，你们的家庭共济绑定已自动解除。",
            "family",
        ),
        Template(
            "filing_accepted",
            "您的异地就医备案已办好：{category}，{city}，{validity}。"
            "持医保电子凭证或社保卡到当地定点医院可直接结算。",
            "filing",
            at_once=True,
        ),
        Template(
            "filing_by_agent",
            "{name}已为您代办异地就医备案：{category}，{city}，{validity}。"
            "如有疑问，请登录医保服务平台查看或取消。",
            "security",
            at_once=True,
        ),
        Template(
            "filing_changed",
            "您的异地就医备案已变更：{category}，{city}，{validity}。"
            "如非本人操作，请登录医保服务平台查看。",
            "security",
            at_once=True,
        ),
        Template(
            "filing_cancelled",
            "您在{city}的异地就医备案已于{day}取消。如非本人操作，请登录医保服务平台查看。",
            "security",
            at_once=True,
        ),
        Template(
            "filing_lapsing",
            "您在{city}的异地就医备案将于{day}到期，到期后在当地看病不能直接结算。"
            "仍在外地的，请在到期前重新备案。",
            "filing",
        ),
    )
}


def render(kind: str, signature: str, values: Mapping[str, Any]) -> str:
    """The SMS of ``kind`` with its slots filled and the signature in front.

    Raises :class:`SlotRefused` for a value its slot does not take, and for a missing
    or unknown slot; ``KeyError`` for an unknown kind."""
    template = TEMPLATES[kind]
    if set(values) != set(template.slots):
        raise SlotRefused(f"{kind} takes {sorted(template.slots)}, got {sorted(values)}")
    shown = {name: SLOTS[slot].shown(values[name]) for name, slot in template.slots.items()}
    return f"【{signature}】" + template.text.format(**shown)


def longest(kind: str, signature: str) -> str:
    """The template with every slot at its longest (what the length check renders)."""
    template = TEMPLATES[kind]
    shown = {name: SLOTS[slot].longest for name, slot in template.slots.items()}
    return f"【{signature}】" + template.text.format(**shown)


def ucs2_length(text: str) -> int:
    """Length in UCS-2 code units (a character outside the BMP takes two)."""
    return len(text.encode("utf-16-le")) // 2


def parts(text: str) -> int:
    """How many SMS parts ``text`` takes: 70 in one, else 67 per part."""
    length = ucs2_length(text)
    return 1 if length <= SINGLE_PART else -(-length // MULTI_PART)


def due_at(now: datetime, urgent: bool) -> datetime:
    """When a notice may go: at once if urgent or between 08:00 and 21:00 local time,
    else at the next 08:00 (``now`` carries the local time zone)."""
    if urgent or QUIET_ENDS <= now.timetz().replace(tzinfo=None) < QUIET_STARTS:
        return now
    day = now.date() if now.time() < QUIET_ENDS else now.date() + timedelta(days=1)
    return datetime.combine(day, QUIET_ENDS, tzinfo=now.tzinfo)


_OPT_OUT = {"T", "TD", "R", "退订", "STOP"}


def is_opt_out(text: str) -> bool:
    """An inbound SMS that opts out of the monthly notice: T, TD, R, 退订 or STOP, any case,
    spaces (also full-width) around it."""
    return text.strip().replace("\u3000", "").strip().upper() in _OPT_OUT


SKIP_REASONS: dict[str, tuple[str, str]] = {
    "opted_out": ("本人已退订", "opted out"),
    "no_valid_phone": ("没有有效手机号码", "no valid mobile number"),
    "deceased": ("参保人已去世", "deceased"),
    "insurance_ended": ("参保关系已终止", "insurance ended"),
    "no_account": ("没有个人账户", "no personal account"),
    "turned_off": ("本人已关闭这类短信", "turned off by the person"),
}
STATUS_LABELS: dict[str, tuple[str, str]] = {
    "sent": ("已发送", "Sent"),
    "failed": ("发送失败，稍后重试", "Failed, will retry"),
    "skipped": ("未发送", "Not sent"),
    "waiting": ("等待发送（夜间不发）", "Waiting (no SMS at night)"),
    "sending": ("正在发送", "Sending"),
}

_MOBILE = re.compile(r"1[3-9]\d{9}")


def valid_mobile(phone: str | None) -> bool:
    """A mainland mobile number as stored (11 digits, 13x–19x)."""
    return bool(phone) and _MOBILE.fullmatch(phone or "") is not None


def skip_reason(
    status: str, phone: str | None, group: str, turned_off: frozenset[str], has_account: bool
) -> str | None:
    """Why a notice of ``group`` is not sent to this person, or None to send it."""
    if status == "deceased":
        return "deceased"
    if group != "security" and status == "ended":
        return "insurance_ended"
    if not valid_mobile(phone):
        return "no_valid_phone"
    if group == "monthly" and "monthly" in turned_off:
        return "opted_out"
    if group != "security" and group in turned_off:
        return "turned_off"
    if group == "monthly" and not has_account:
        return "no_account"
    return None


def previous_month(day: date) -> str:
    """The month a run on ``day`` reports (the 1 November run tells October's credit)."""
    first = day.replace(day=1) - timedelta(days=1)
    return f"{first.year:04d}-{first.month:02d}"
