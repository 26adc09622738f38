"""医保卡 services as a pure state machine: loss, unfreeze, replacement.

    active ─临时挂失─► temp_lost ─正式挂失─► lost ─补卡─► replacement_requested ─► replaced
    active ─正式挂失─► lost;  temp_lost ─补卡─► replacement_requested
    temp_lost / lost ─解挂─► active, only before a replacement is requested
    replaced: the new card is active and the old number is void for good

A temporary loss lapses back to ``active`` after the policy's N days (demo 7):
that is computed from the clock whenever the card is read (:func:`effective`),
never from when a store deletes something. Every refusal says why in plain
words and what the person can do instead. Values in, values out: no I/O, no clock.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

ACTIVE = "active"
TEMP_LOST = "temp_lost"
LOST = "lost"
REPLACEMENT_REQUESTED = "replacement_requested"
REPLACED = "replaced"

BLOCKED_FOR_SETTLEMENT = frozenset({TEMP_LOST, LOST, REPLACEMENT_REQUESTED, REPLACED})


@dataclass(frozen=True)
class CardPolicy:
    """The numbers a region sets (policy data)."""

    temporary_loss_lapse_days: int
    replacement_due_days: int


@dataclass(frozen=True)
class Card:
    number: str
    status: str = ACTIVE
    since: datetime | None = None  # when the current status began
    replacement_due: date | None = None
    pickup: str | None = None  # outlet | mail
    previous_number: str | None = None


class CardRefused(Exception):
    """A transition the rules do not allow; ``code`` is stable, the texts are plain words."""

    def __init__(self, code: str, text_en: str, text_zh: str) -> None:
        super().__init__(text_en)
        self.code = code
        self.text_en = text_en
        self.text_zh = text_zh


def lapses_at(card: Card, policy: CardPolicy) -> datetime | None:
    """When a temporary loss ends by itself."""
    if card.status != TEMP_LOST or card.since is None:
        return None
    return card.since + timedelta(days=policy.temporary_loss_lapse_days)


def effective(card: Card, now: datetime, policy: CardPolicy) -> Card:
    """The card as it stands at ``now``: a lapsed temporary loss is active again."""
    ends = lapses_at(card, policy)
    if ends is not None and now >= ends:
        return replace(card, status=ACTIVE, since=ends)
    return card


def report_loss(card: Card, kind: str, now: datetime, policy: CardPolicy) -> Card:
    """临时挂失 (``temporary``) or 正式挂失 (``formal``)."""
    card = effective(card, now, policy)
    if card.status == ACTIVE:
        return replace(card, status=TEMP_LOST if kind == "temporary" else LOST, since=now)
    if card.status == TEMP_LOST and kind == "formal":
        return replace(card, status=LOST, since=now)
    if card.status == TEMP_LOST:
        raise CardRefused(
            "already_temp_lost",
            "The card is already reported lost for now. To keep it frozen for good, make the "
            "loss formal; if you found it, unfreeze it.",
            "这张卡已经临时挂失了。如需长期冻结，请办理正式挂失；如果卡找到了，可以解挂。",
        )
    if card.status == LOST:
        raise CardRefused(
            "already_lost",
            "The card is already formally reported lost. You can request a replacement, or "
            "unfreeze it if you found it.",
            "这张卡已经正式挂失了。您可以申请补卡；如果卡找到了，可以解挂。",
        )
    raise _replacement_under_way(card)


def unfreeze(card: Card, now: datetime, policy: CardPolicy) -> Card:
    """解挂：only from a loss, and only before a replacement has been requested."""
    card = effective(card, now, policy)
    if card.status in (TEMP_LOST, LOST):
        return replace(card, status=ACTIVE, since=now)
    if card.status == ACTIVE:
        raise CardRefused(
            "not_lost",
            "The card is not reported lost: there is nothing to unfreeze.",
            "这张卡没有挂失，不需要解挂。",
        )
    raise CardRefused(
        "replacement_requested",
        "A replacement has been requested, so the old card cannot be unfrozen: it will be void "
        "when the new card is issued. Use the electronic voucher or a no-card certificate "
        "until then.",
        "已经申请补卡，旧卡不能再解挂，新卡发放后旧卡作废。新卡到手前，可以用医保电子凭证或住院无卡证明看病。",
    )


def request_replacement(card: Card, pickup: str, now: datetime, policy: CardPolicy) -> Card:
    """补卡：from a loss (a temporary loss becomes formal); due in the policy's days."""
    card = effective(card, now, policy)
    if card.status in (TEMP_LOST, LOST):
        due = now.date() + timedelta(days=policy.replacement_due_days)
        return replace(
            card, status=REPLACEMENT_REQUESTED, since=now, replacement_due=due, pickup=pickup
        )
    if card.status == ACTIVE:
        raise CardRefused(
            "not_lost",
            "Report the card lost first; then you can request a replacement.",
            "请先挂失，再申请补卡。",
        )
    raise _replacement_under_way(card)


def complete_replacement(card: Card, new_number: str, now: datetime) -> Card:
    """The new card is issued: it is active, the old number is void for good."""
    if card.status != REPLACEMENT_REQUESTED:
        raise CardRefused(
            "no_replacement",
            "No replacement has been requested for this card.",
            "这张卡没有申请补卡。",
        )
    return Card(number=new_number, status=ACTIVE, since=now, previous_number=card.number)


def settlement_refusal(card: Card, now: datetime, policy: CardPolicy) -> CardRefused | None:
    """Why this card cannot be used to settle a bill now, or None if it can."""
    status = effective(card, now, policy).status
    if status not in BLOCKED_FOR_SETTLEMENT:
        return None
    return CardRefused(
        f"card_{status}",
        "This card is reported lost or frozen and cannot be used to settle. The patient can "
        "use the electronic voucher (医保电子凭证) or a no-card certificate.",
        "这张医保卡已挂失或冻结，不能用于结算。请使用医保电子凭证或住院无卡证明结算。",
    )


@dataclass(frozen=True)
class NextStep:
    action: str  # report_temporary_loss | report_formal_loss | unfreeze | request_replacement | …
    text_zh: str
    text_en: str


def next_steps(card: Card, now: datetime, policy: CardPolicy) -> list[NextStep]:
    """What the person can do now, in plain words."""
    card = effective(card, now, policy)
    certificate = NextStep(
        "no_card_certificate",
        "看病时可以出示住院无卡证明或医保电子凭证。",
        "For care, show a no-card certificate or the electronic voucher.",
    )
    if card.status == ACTIVE:
        return [
            NextStep(
                "report_temporary_loss",
                "卡丢了？先临时挂失，马上冻结。",
                "Lost the card? Report it lost now to freeze it at once.",
            ),
            NextStep(
                "report_formal_loss",
                "确定找不回了，可以直接正式挂失。",
                "Sure it is gone? Report a formal loss.",
            ),
        ]
    if card.status == TEMP_LOST:
        ends = lapses_at(card, policy)
        until = f"{ends:%Y-%m-%d %H:%M}" if ends else ""
        return [
            NextStep(
                "report_formal_loss",
                f"临时挂失到{until}自动解除；要长期冻结请正式挂失。",
                f"The temporary loss ends by itself at {until}; report a formal loss to keep "
                "the card frozen.",
            ),
            NextStep(
                "request_replacement",
                "找不回了可以直接申请补卡。",
                "If it is gone for good, request a replacement.",
            ),
            NextStep(
                "unfreeze",
                "卡找到了？解挂后可以继续使用（需要短信验证码）。",
                "Found it? Unfreeze it (needs an SMS code).",
            ),
            certificate,
        ]
    if card.status == LOST:
        return [
            NextStep(
                "request_replacement",
                f"申请补卡，{policy.replacement_due_days}天内办好，可以到网点领取或邮寄到家。",
                f"Request a replacement: ready within {policy.replacement_due_days} days, "
                "at an outlet or by mail.",
            ),
            NextStep(
                "unfreeze",
                "卡找到了？解挂后可以继续使用（需要短信验证码）。",
                "Found it? Unfreeze it (needs an SMS code).",
            ),
            certificate,
        ]
    if card.status == REPLACEMENT_REQUESTED:
        due = f"{card.replacement_due:%Y-%m-%d}" if card.replacement_due else ""
        return [
            NextStep(
                "wait_for_replacement",
                f"新卡最迟{due}办好，请留意短信通知。",
                f"The new card is due by {due}; we will send an SMS.",
            ),
            certificate,
        ]
    return []


def _replacement_under_way(card: Card) -> CardRefused:
    due = f"{card.replacement_due:%Y-%m-%d}" if card.replacement_due else ""
    return CardRefused(
        "replacement_requested",
        f"A replacement is already under way, due by {due}. The old card stays frozen.",
        f"已经在补卡中，最迟{due}办好，旧卡保持冻结。",
    )
