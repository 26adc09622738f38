"""How a remote-care filing (异地就医备案) is shown: its state, validity, lock, what to do
there and the hospitals of its city, its history; and which categories a person may use."""

from __future__ import annotations

from datetime import date
from typing import Any

from chalicelib.ports import FilingEvent, StoredFiling
from chalicelib.rules import filing as rules
from chalicelib.rules import places
from chalicelib.rules.filing import Filing
from chalicelib.rules.policy import FilingRules
from chalicelib.services.profile import label as profile_label

HOSPITALS_SHOWN = 20  # on a filing: the city's designated hospitals (the rest by search)


def label(table: dict[str, tuple[str, str]], code: str | None) -> dict[str, str] | None:
    """A code's words in both languages (None for no code)."""
    return None if code is None else profile_label(table, code)


def lock_reasons(policy_rules: FilingRules) -> list[dict[str, str]]:
    return [
        {"code": r, **(label(rules.REASON_LABELS, r) or {})} for r in policy_rules.lock_exceptions
    ]


def event_json(event: FilingEvent) -> dict[str, Any]:
    return {
        "at": event.at,
        "action": event.action,
        "action_label": label(ACTIONS, event.action),
        "channel": event.channel,
        "by_agent": event.channel == "proxy",
        "before": event.before,
        "after": event.after,
        "reason": event.reason,
        "reason_label": label(rules.REASON_LABELS, event.reason),
    }


ACTIONS = {
    "created": ("办理备案", "filed"),
    "changed": ("变更备案", "changed"),
    "cancelled": ("取消备案", "cancelled"),
    "reminded": ("到期提醒短信", "reminder SMS sent"),
}


def filing_json(
    stored: StoredFiling, policy_rules: FilingRules, today: date, *, detail: bool = False
) -> dict[str, Any]:
    """A filing as the person sees it: where, for when, its state, what to do there."""
    f: Filing = stored.filing
    destination = places.city(f.city)
    assert destination is not None  # filed from the list
    state = rules.state_on(f, today)
    span_zh, span_en = rules.validity_text(f)
    locked = rules.locked_until(policy_rules, f, today)
    open_ = state in ("upcoming", "in_force")
    last = f.last_day()
    body: dict[str, Any] = {
        "filing_id": f.filing_id,
        "category": f.category,
        "category_label": label(rules.CATEGORY_LABELS, f.category),
        "term": f.term,
        "term_label": label(rules.TERM_LABELS, f.term),
        "settles_as": f.settles_as,
        "destination": destination.to_json(),
        "start": f.start.isoformat(),
        "end": f.end.isoformat() if f.end else None,
        "last_day": last.isoformat() if last else None,
        "validity_zh": span_zh,
        "validity_en": span_en,
        "state": state,
        "state_label": label(rules.STATE_LABELS, state),
        "created_at": f.created_at.isoformat(timespec="seconds"),
        "channel": f.channel,
        "channel_label": label(rules.CHANNEL_LABELS, f.channel),
        "agent_name": f.agent_name,
        "commitment_at": stored.commitment_at,
        "cancelled_on": f.cancelled_on.isoformat() if f.cancelled_on else None,
        "cancel_reason": f.cancel_reason,
        "can_change": open_,
        "can_cancel": open_,
        "locked_until": locked.isoformat() if locked else None,
        "lock_reasons": lock_reasons(policy_rules) if locked else [],
        "what_to_do_zh": places.WHAT_TO_DO[0],
        "what_to_do_en": places.WHAT_TO_DO[1],
        "notes": notes(f, state, policy_rules.reminder_days_before),
    }
    if detail:
        body["hospitals"] = [i.to_json() for i in places.institutions(f.city, None)][
            :HOSPITALS_SHOWN
        ]
        body["history"] = [event_json(e) for e in stored.events]
    return body


def notes(f: Filing, state: str, reminder_days: int) -> list[dict[str, str]]:
    notes = []
    if f.term == "temporary" and state in ("upcoming", "in_force"):
        notes.append(
            {
                "zh": "有效期内可以在当地多次看病，每次都可直接结算。"
                f"到期前{reminder_days}天会有短信提醒。",
                "en": "Within its validity you may be treated there any number of times, each "
                f"settled directly. An SMS reminds you {reminder_days} days before it ends.",
            }
        )
    if f.category == "emergency":
        notes.append(
            {
                "zh": "急诊抢救从就医之日起算作已备案。出院结算前备案的，可以直接结算；"
                "已经用现金结清的，请带发票和费用清单到参保地医保经办机构办理手工报销。",
                "en": "Emergency care counts as filed from the day of care. Filed before the bill "
                "is settled, it settles directly; a bill already paid in cash is reimbursed by "
                "the insurance office at home with the invoice and the list of costs.",
            }
        )
    if f.term == "long_term" and state in ("upcoming", "in_force"):
        notes.append(
            {
                "zh": "长期有效，回参保地居住或工作后请及时取消。",
                "en": "It lasts until you cancel it: cancel it when you are back home to live "
                "or work.",
            }
        )
    return notes


def categories(policy_rules: FilingRules, scheme: str, retired: bool) -> list[dict[str, Any]]:
    out = []
    for category in policy_rules.categories.values():
        refused = rules.refusal_for(category, scheme, retired)
        out.append(
            {
                "id": category.id,
                "label": label(rules.CATEGORY_LABELS, category.id),
                "term": category.term,
                "term_label": label(rules.TERM_LABELS, category.term),
                "settles_as": category.settles_as,
                "retroactive_days": category.retroactive_days,
                "allowed": refused is None,
                "why_not": None
                if refused is None
                else {"code": refused.code, "text_zh": refused.text_zh, "text_en": refused.text_en},
                "source": category.cited.source,
            }
        )
    return out
