"""家庭共济 (family mutual aid): who may link, and what a link allows.

Since the 2021 reform (国办发〔2021〕14号) an employee's personal account may pay
the self-pay part of close relatives' care and their residents' contributions.
A link is asked by the employee (the payer), agreed by the relative with an SMS
code, and ends when either side ends it or when either's insurance ends.

Pure rules: no I/O. Time-dependent states (an unconfirmed request lapsing) are
computed when read, like a temporary card loss.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

Relation = Literal["spouse", "parent", "child"]
Role = Literal["payer", "relative"]
LinkStatus = Literal["pending", "active", "ended"]

RELATIONS: tuple[Relation, ...] = ("spouse", "parent", "child")
SOURCE = "国办发〔2021〕14号"

# *(demo)* numbers a region would set
PENDING_HOURS = 24  # an unconfirmed request lapses after a day
MAX_LINKS = 10  # active or pending links one payer may hold

RELATION_LABELS: dict[str, tuple[str, str]] = {
    "spouse": ("配偶", "spouse"),
    "parent": ("父母", "parent"),
    "child": ("子女", "child"),
}
STATUS_LABELS: dict[str, tuple[str, str]] = {
    "pending": ("等待对方确认", "waiting for the relative's consent"),
    "active": ("已绑定", "active"),
    "ended": ("已解除", "ended"),
}
END_REASONS: dict[str, tuple[str, str]] = {
    "ended_by_payer": ("由共济账户本人解除", "ended by the account holder"),
    "ended_by_relative": ("由家庭成员解除", "ended by the relative"),
    "declined": ("家庭成员拒绝", "declined by the relative"),
    "lapsed": ("24小时内未确认，申请已失效", "not confirmed within 24 hours"),
    "insurance_ended": ("一方医保已终止，自动解除", "ended automatically: insurance ended"),
}


def inverse(relation: Relation) -> Relation:
    """The relation seen from the other side: my parent has me as their child."""
    return {"spouse": "spouse", "parent": "child", "child": "parent"}[relation]  # type: ignore[return-value]


@dataclass(frozen=True)
class Link:
    """One side's copy of a link (both partitions hold one, written together)."""

    link_id: str
    role: Role  # this side's role
    relation: Relation  # what the other side is to this side
    status: LinkStatus
    other_name: str  # masked
    created_at: datetime
    consented_at: datetime | None = None
    ended_at: datetime | None = None
    end_reason: str | None = None

    def status_at(self, now: datetime) -> tuple[LinkStatus, str | None]:
        """The status as of ``now``: an unconfirmed request lapses after a day."""
        if self.status == "pending" and now >= self.created_at + timedelta(hours=PENDING_HOURS):
            return "ended", "lapsed"
        return self.status, self.end_reason


class Refusal(Exception):
    """A family-aid request the rules refuse, in plain words."""

    def __init__(self, code: str, text_en: str, text_zh: str) -> None:
        super().__init__(text_en)
        self.code, self.text_en, self.text_zh = code, text_en, text_zh


def check_payer(scheme: str, status: str, has_account: bool) -> None:
    """Only an insured employee with a personal account can pay for relatives."""
    if scheme != "employee" or not has_account:
        raise Refusal(
            "not_an_employee",
            "Only employees' insurance has a personal account that can pay for relatives. "
            "Your relative who is an employee can link you instead.",
            "只有职工医保才有可以为家人支付的个人账户。如果您的家人参加职工医保，可以由他来绑定您。",
        )
    if status != "active":
        raise Refusal(
            "payer_not_insured",
            "Your insurance is not in force, so your account cannot pay for relatives now.",
            "您的医保目前不在正常参保状态，暂时不能用个人账户为家人支付。",
        )


def check_new_link(open_links: int) -> None:
    if open_links >= MAX_LINKS:
        raise Refusal(
            "too_many_links",
            f"One account can be linked to at most {MAX_LINKS} relatives. End a link you no "
            "longer need first.",
            f"一个个人账户最多绑定{MAX_LINKS}位家庭成员，请先解除不再需要的绑定。",
        )


def check_use(link_status: str, payer_status: str, relative_status: str) -> None:
    """A use needs the link active and both persons insured."""
    if link_status != "active":
        raise Refusal(
            "link_not_active",
            "This family link is not active, so the account cannot pay.",
            "家庭共济绑定未生效或已解除，不能用共济账户支付。",
        )
    if payer_status != "active" or relative_status != "active":
        raise Refusal(
            "not_insured",
            "Both persons must be insured for family mutual aid; one of you is not at present.",
            "家庭共济需要双方都在正常参保状态，目前有一方不在参保状态。",
        )


def family_payment(balance_fen: int, due_fen: int) -> int:
    """What the linked account pays towards ``due_fen``: as much as its balance allows."""
    if balance_fen < 0 or due_fen < 0:
        raise ValueError("amounts are not negative")
    return min(balance_fen, due_fen)
