"""异地就医备案 (remote-care filing) as pure rules: who may file what, for when, and where.

Principle (医保发〔2022〕22号): the treating region's catalogue, the home region's policy.
A filing names a category, a destination city (never the home one) and a start; a
long-term one is open-ended, a temporary one valid for the policy's months. Documents
give way to a personal commitment (承诺制). A person has at most one filing in force on
any date. A long-term filing in force is locked for the policy's months, except for the
reasons the policy lists. An emergency counts as filed from the date of care and may be
filed afterwards (补办), within the policy's days.

Every number is the policy's (``policy.remote_filing``); inputs are parsed values (the
API checked their form). Values in, values out: no I/O, no clock.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Literal

from chalicelib.rules.places import City, home_city
from chalicelib.rules.policy import FilingCategory, FilingRules

State = Literal["upcoming", "in_force", "lapsed", "cancelled"]

CATEGORY_LABELS: dict[str, tuple[str, str]] = {
    "retiree_resettled": ("异地安置退休", "retired and resettled elsewhere"),
    "long_term_resident": ("异地长期居住", "living elsewhere long-term"),
    "posted_worker": ("常驻异地工作", "working elsewhere long-term"),
    "referral": ("异地转诊", "referred to a hospital elsewhere"),
    "emergency": ("异地急诊抢救", "emergency care elsewhere"),
    "temporary_other": ("其他临时外出", "another temporary stay elsewhere"),
}
TERM_LABELS: dict[str, tuple[str, str]] = {
    "long_term": ("长期备案", "long-term filing"),
    "temporary": ("临时备案", "temporary filing"),
}
STATE_LABELS: dict[str, tuple[str, str]] = {
    "upcoming": ("尚未开始", "not started yet"),
    "in_force": ("有效", "in force"),
    "lapsed": ("已到期", "lapsed"),
    "cancelled": ("已取消", "cancelled"),
}
REASON_LABELS: dict[str, tuple[str, str]] = {
    "wrong_details": ("备案信息填写有误", "the details filed were wrong"),
    "moved_again": ("再次迁居或工作调动", "moved again or posted elsewhere"),
    "returned_home": ("已回参保地居住或工作", "back home to live or work"),
    "other": ("其他原因", "another reason"),
}
CHANNEL_LABELS: dict[str, tuple[str, str]] = {
    "self_service": ("本人网上办理", "filed online by the person"),
    "proxy": ("家人代办", "filed by a relative for the person"),
}


class FilingRefused(Exception):
    """What the rules do not allow; ``field`` names the input at fault (None: the person)."""

    def __init__(self, code: str, field: str | None, text_en: str, text_zh: str) -> None:
        super().__init__(text_en)
        self.code = code
        self.field = field
        self.text_en = text_en
        self.text_zh = text_zh


@dataclass(frozen=True)
class Filing:
    """One person's filing as stored."""

    filing_id: str
    category: str
    term: str  # long_term | temporary
    settles_as: str  # the bill's visit.remote_filing
    city: str
    start: date
    end: date | None  # None: open-ended (long-term)
    created_at: datetime
    status: Literal["active", "cancelled"] = "active"
    cancelled_on: date | None = None
    cancel_reason: str | None = None
    channel: str = "self_service"
    agent_name: str | None = None  # masked, when a relative filed (代办)
    reminded_at: datetime | None = None

    def last_day(self) -> date | None:
        """The last day it is in force (None: open-ended); before ``start``: never."""
        ends = [d for d in (self.end, _day_before(self.cancelled_on)) if d is not None]
        return min(ends) if ends else None


def _day_before(day: date | None) -> date | None:
    return None if day is None else day - timedelta(days=1)


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (the month's last day when it has no such day)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def state_on(filing: Filing, day: date) -> State:
    if filing.status == "cancelled" and (filing.cancelled_on is None or day >= filing.cancelled_on):
        return "cancelled"
    if day < filing.start:
        return "upcoming"
    last = filing.last_day()
    return "lapsed" if last is not None and day > last else "in_force"


def in_force_on(filing: Filing, day: date) -> bool:
    return state_on(filing, day) == "in_force"


def in_force(filings: Iterable[Filing], day: date) -> Filing | None:
    """The person's filing in force on ``day`` (at most one)."""
    return next((f for f in filings if in_force_on(f, day)), None)


# --- who may file what ------------------------------------------------------------------------


def refusal_for(category: FilingCategory, scheme: str, retired: bool) -> FilingRefused | None:
    """Why this person may not use this category (None: they may)."""
    name_zh, name_en = CATEGORY_LABELS[category.id]
    if scheme not in category.schemes:
        return FilingRefused(
            "scheme_not_eligible",
            None,
            f"“{name_en}” is for employee insurance only. Choose “living elsewhere long-term” "
            "or a temporary category instead.",
            f"“{name_zh}”只适用于职工医保参保人。您可以选择“异地长期居住”或临时外出的类别。",
        )
    is_retired = scheme == "employee" and retired
    if category.retired == "only" and not is_retired:
        return FilingRefused(
            "retirees_only",
            None,
            f"“{name_en}” is for retirees only. If you live or work elsewhere, choose “living "
            "elsewhere long-term” or “working elsewhere long-term”.",
            f"“{name_zh}”只适用于退休人员。如果您在外地居住或工作，请选择“异地长期居住”或“常驻异地工作”。",
        )
    if category.retired == "never" and is_retired:
        return FilingRefused(
            "not_for_retirees",
            None,
            f"“{name_en}” is for people in work. Retirees living elsewhere choose “retired and "
            "resettled elsewhere”.",
            f"“{name_zh}”适用于在职人员。退休后在外地生活的，请选择“异地安置退休”。",
        )
    return None


def category_for(
    rules: FilingRules, category_id: str, scheme: str, retired: bool
) -> FilingCategory:
    category = rules.categories[category_id]
    refused = refusal_for(category, scheme, retired)
    if refused is not None:
        raise refused
    return category


def check_destination(destination: City, region: str) -> None:
    if destination.code == home_city(region):
        raise FilingRefused(
            "home_region",
            "city",
            "This is where you are insured: care here needs no filing. Choose the city where "
            "you live, work or are treated.",
            "这是您的参保地，在这里看病不需要备案。请选择您居住、工作或就医的城市。",
        )


def _date_zh(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def validity(
    rules: FilingRules, category: FilingCategory, start: date, end: date | None, today: date
) -> tuple[date, date | None]:
    """The start and end of a new filing (end None: open-ended), or FilingRefused naming
    ``start`` or ``end``. A temporary filing without an end gets the shortest validity."""
    earliest = today - timedelta(days=category.retroactive_days)
    if start < earliest:
        if category.retroactive_days:
            raise FilingRefused(
                "start_too_early",
                "start",
                f"An emergency can be filed afterwards for care from {earliest.isoformat()} on "
                f"({category.retroactive_days} days back). For earlier care, ask the insurance "
                "office at home about a manual claim.",
                f"急诊抢救可以补办{category.retroactive_days}天内（{_date_zh(earliest)}以后）的备案。"
                "更早的费用，请向参保地医保经办机构申请手工报销。",
            )
        raise FilingRefused(
            "start_in_past",
            "start",
            "A filing starts today or later. Only an emergency may be filed afterwards, from the "
            "date of care.",
            "备案开始日期应为今天或以后。只有急诊抢救可以在事后补办，从就医之日算起。",
        )
    latest = today + timedelta(days=rules.start_days_ahead)
    if start > latest:
        raise FilingRefused(
            "start_too_far",
            "start",
            f"A filing can start at most {rules.start_days_ahead} days ahead, by "
            f"{latest.isoformat()}. File again nearer the time.",
            f"备案开始日期最晚可以选{rules.start_days_ahead}天以后（{_date_zh(latest)}），"
            "请临近时再办理。",
        )
    return start, temporary_end(rules, category, start, end)


def temporary_end(
    rules: FilingRules, category: FilingCategory, start: date, end: date | None
) -> date | None:
    """The end of a filing starting ``start``: None for a long-term one; for a temporary one
    ``end`` if within the policy's months, else FilingRefused naming ``end``."""
    if category.term == "long_term":
        if end is not None:
            raise FilingRefused(
                "long_term_open_ended",
                "end",
                "A long-term filing has no end date: it lasts until you change or cancel it.",
                "长期备案没有结束日期，一直有效，直到您变更或取消。",
            )
        return None
    shortest = add_months(start, rules.temporary_min_months) - timedelta(days=1)
    longest = add_months(start, rules.temporary_max_months) - timedelta(days=1)
    if end is None:
        return shortest
    if end < start:
        raise FilingRefused(
            "end_before_start",
            "end",
            "The end date is before the start date.",
            "结束日期早于开始日期，请重新选择。",
        )
    if end < shortest:
        raise FilingRefused(
            "too_short",
            "end",
            f"A temporary filing is valid at least {rules.temporary_min_months} months: until "
            f"{shortest.isoformat()} or later.",
            f"临时备案有效期至少{rules.temporary_min_months}个月，结束日期最早为{_date_zh(shortest)}。",
        )
    if end > longest:
        raise FilingRefused(
            "too_long",
            "end",
            f"A temporary filing is valid at most {rules.temporary_max_months} months: until "
            f"{longest.isoformat()} at the latest. For a longer stay, choose a long-term category.",
            f"临时备案有效期最长{rules.temporary_max_months}个月，结束日期最晚为{_date_zh(longest)}。"
            "长期在外地的，请选择长期备案。",
        )
    return end


def validity_text(filing: Filing) -> tuple[str, str]:
    """ "2026年12月1日起长期有效" / "from 1 Dec 2026, open-ended"."""
    last = filing.last_day()
    if filing.end is None and last is None:
        return f"{_date_zh(filing.start)}起长期有效", f"from {filing.start.isoformat()}, open-ended"
    until = last or filing.end
    assert until is not None
    return (
        f"{_date_zh(filing.start)}至{_date_zh(until)}",
        f"from {filing.start.isoformat()} to {until.isoformat()}",
    )


def overlap(
    filings: Iterable[Filing], start: date, end: date | None, today: date, but: str | None = None
) -> Filing | None:
    """A filing (other than ``but``) that would be in force on a day of [start, end]."""
    for other in filings:
        if other.filing_id == but or state_on(other, today) in ("cancelled", "lapsed"):
            continue
        last = other.last_day()
        if (last is None or start <= last) and (end is None or other.start <= end):
            return other
    return None


def overlap_refusal(other: Filing, city_zh: str, city_en: str) -> FilingRefused:
    zh, en = CATEGORY_LABELS[other.category]
    span_zh, span_en = validity_text(other)
    return FilingRefused(
        "filing_overlap",
        "start",
        f"You already have a filing for these dates: {en}, {city_en}, {span_en} "
        f"(filing {other.filing_id}). One filing at a time: change or cancel it first, or let "
        "the new one start after it ends.",
        f"您已有一条这段时间的备案：{zh}，{city_zh}，{span_zh}（备案编号{other.filing_id}）。"
        "同一时间只能有一条备案，请先变更或取消原备案，或把新备案的开始日期定在原备案结束以后。",
    )


# --- at settlement --------------------------------------------------------------------------


@dataclass(frozen=True)
class AtVisit:
    """What a visit settles as: the filing that applies (None: as without one) and why."""

    filing: Filing | None
    settles_as: str
    why: Literal["applies", "in_county", "none_in_force", "other_place", "other_city"]


def at_visit(
    filings: Iterable[Filing], day: date, location: str, region: str, hospital_city: str | None
) -> AtVisit:
    """The filing in force on the visit day applies to care away from home where it was filed:
    within the home province (``out_of_county``) or outside it (``out_of_province``), as its
    city is; at a listed hospital, only in that city."""
    if location == "in_county":
        return AtVisit(None, "none", "in_county")
    found = in_force(filings, day)
    if found is None:
        return AtVisit(None, "none", "none_in_force")
    same_province = found.city[:2] == region[:2]
    if (location == "out_of_county") != same_province:
        return AtVisit(found, "none", "other_place")
    if hospital_city is not None and hospital_city != found.city:
        return AtVisit(found, "none", "other_city")
    return AtVisit(found, found.settles_as, "applies")


# --- change and cancel --------------------------------------------------------------------------


def locked_until(rules: FilingRules, filing: Filing, today: date) -> date | None:
    """The first day a long-term filing in force may be changed or cancelled freely."""
    if filing.term != "long_term" or state_on(filing, today) != "in_force":
        return None
    free = add_months(filing.start, rules.lock_months)
    return free if today < free else None


def check_unlocked(rules: FilingRules, filing: Filing, reason: str | None, today: date) -> None:
    """A long-term filing within its lock changes only for the policy's reasons."""
    until = locked_until(rules, filing, today)
    if until is None or reason in rules.lock_exceptions:
        return
    reasons_zh = "、".join(REASON_LABELS[r][0] for r in rules.lock_exceptions)
    reasons_en = "; ".join(REASON_LABELS[r][1] for r in rules.lock_exceptions)
    raise FilingRefused(
        "locked",
        "reason",
        f"A long-term filing cannot be changed or cancelled within {rules.lock_months} months "
        f"of its start, so before {until.isoformat()} only for one of these reasons: "
        f"{reasons_en}. Choose the reason that applies, or wait until then.",
        f"长期备案开始后{rules.lock_months}个月内不能变更或取消，{_date_zh(until)}以后可以办理。"
        f"如果是因为{reasons_zh}，请选择原因后办理。",
    )


def check_open(filing: Filing, today: date) -> None:
    """Only a filing that is upcoming or in force can be changed or cancelled."""
    state = state_on(filing, today)
    if state in ("cancelled", "lapsed"):
        zh, en = STATE_LABELS[state]
        raise FilingRefused(
            f"already_{state}",
            None,
            f"This filing is {en}: nothing to change. File again if you need one.",
            f"这条备案{zh}，不能再变更。需要的话请重新备案。",
        )


def cancelled(filing: Filing, reason: str | None, today: date) -> Filing:
    """The filing cancelled from today on (one not started yet is never in force)."""
    return replace(filing, status="cancelled", cancelled_on=today, cancel_reason=reason)


__all__ = [
    "CATEGORY_LABELS",
    "AtVisit",
    "Filing",
    "FilingRefused",
    "add_months",
    "at_visit",
    "cancelled",
    "category_for",
    "check_destination",
    "check_open",
    "check_unlocked",
    "in_force",
    "in_force_on",
    "locked_until",
    "overlap",
    "state_on",
    "validity",
]
