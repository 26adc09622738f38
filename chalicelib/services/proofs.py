"""参保证明：a printable proof of insurance that anyone can check by its code.

The proof states the scheme, the insurance status, the date insured since and the
contribution months of a period the person chooses, as they are on the day it is
issued. It is kept under its code for 90 days; the public check answers only the
masked name and the proof's own facts, never the ID number in full, the phone or
anything else of the person.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from chalicelib import errors
from chalicelib.ports import Clock
from chalicelib.rules.identity import mask_name
from chalicelib.services.cards import CODE_ALPHABET
from chalicelib.services.profile import SCHEMES, STATUSES, label

PROOF_VALID_DAYS = 90
CODE_LENGTH = 10
MAX_MONTHS = 60  # five years on one proof
FIRST_MONTH = "2010-01"  # the ledgers start in 2010
PAID_KINDS = frozenset({"regular", "back_payment", "resident"})


@dataclass(frozen=True)
class ProofContext:
    store: Any  # DynamoProofStore
    clock: Clock


def _months(first: str, last: str) -> list[str]:
    year, month = int(first[:4]), int(first[5:])
    out = []
    while f"{year:04d}-{month:02d}" <= last:
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def _period(first: str, last: str, today: date) -> list[str]:
    """The months asked for, checked against today and each other (the format is the
    schema's)."""
    this_month = f"{today:%Y-%m}"
    if last > this_month:
        raise errors.field_error(
            "to",
            "after_this_month",
            "The period ends this month at the latest.",
            "证明的截止月份最晚是本月。",
        )
    if first < FIRST_MONTH or first > last:
        raise errors.field_error(
            "from",
            "range",
            "The period starts in 2010-01 or later and not after its last month.",
            "起始月份应在2010年1月以后，并且不晚于截止月份。",
        )
    months = _months(first, last)
    if len(months) > MAX_MONTHS:
        raise errors.field_error(
            "from",
            "too_long",
            f"One proof covers at most {MAX_MONTHS} months; ask for two proofs.",
            f"一份证明最多包含{MAX_MONTHS}个月，请分两次出具。",
        )
    return months


def _paid_months(pages: dict[int, Any]) -> set[str]:
    """The months a contribution was paid for: an employee's month lines (arrears do not
    count, their back payment does), a resident's year (it covers every month of it)."""
    paid: set[str] = set()
    for page in pages.values():
        for line in page.lines:
            if line["kind"] not in PAID_KINDS:
                continue
            period = str(line["period"])
            if len(period) == 4:
                paid.update(f"{period}-{m:02d}" for m in range(1, 13))
            else:
                paid.add(period)
    return paid


def issue_proof(ctx: ProofContext, person_id: str, first: str, last: str) -> dict[str, Any]:
    """出具参保证明 for the signed-in person: one read, one write."""
    now = ctx.clock.now()
    months = _period(first, last, now.date())
    years = range(int(first[:4]), int(last[:4]) + 2)  # a back payment may be booked later
    found = ctx.store.sources(person_id, years)
    if found is None:
        raise errors.NotFound(
            "No insured person is registered for this sign-in.",
            "没有找到您的参保信息，请联系当地医保经办机构。",
        )
    person, pages = found
    paid = _paid_months(pages)
    facts = {
        "name_masked": mask_name(person.name),
        "id_number_masked": person.id_masked,
        "scheme": person.scheme,
        "status": person.status,
        "insured_since": person.insured_since,
        "from": first,
        "to": last,
        "unpaid": [m for m in months if m not in paid],
    }
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    valid_until = now + timedelta(days=PROOF_VALID_DAYS)
    ctx.store.save(
        code,
        person_id,
        facts,
        now.isoformat(timespec="seconds"),
        valid_until.isoformat(timespec="seconds"),
        int(valid_until.timestamp()),
    )
    stored = {
        **facts,
        "issued_at": now.isoformat(timespec="seconds"),
        "valid_until": valid_until.isoformat(timespec="seconds"),
    }
    return {**_view(code, stored, now), "name": person.name}


def check_proof(ctx: ProofContext, code: str) -> dict[str, Any]:
    """What anyone holding the proof sees for its code: the masked name and its facts."""
    found = ctx.store.get(code.upper())
    if found is None:
        raise errors.NotFound(
            "No proof of insurance has this code. Check the code printed on the proof.",
            "没有这个核验码的参保证明，请核对证明上印的核验码。",
        )
    return _view(code.upper(), found, ctx.clock.now())


def _view(code: str, f: dict[str, Any], now: datetime) -> dict[str, Any]:
    months = _months(f["from"], f["to"])
    unpaid = set(f["unpaid"])
    paid = len(months) - len(unpaid)
    valid = datetime.fromisoformat(f["valid_until"]) > now
    return {
        "code": code,
        "name_masked": f["name_masked"],
        "id_number_masked": f["id_number_masked"],
        "scheme": f["scheme"],
        "scheme_label": label(SCHEMES, f["scheme"]),
        "status": f["status"],
        "status_label": label(STATUSES, f["status"]),
        "insured_since": f["insured_since"],
        "period": {"from": f["from"], "to": f["to"]},
        "total_months": len(months),
        "paid_months": paid,
        "months": [{"period": m, "paid": m not in unpaid} for m in months],
        "text_zh": f"{_zh_month(f['from'])}至{_zh_month(f['to'])}，共{len(months)}个月，"
        f"已缴费{paid}个月。",
        "text_en": f"{f['from']} to {f['to']}: {paid} of {len(months)} months paid.",
        "issued_at": f["issued_at"],
        "valid_until": f["valid_until"],
        "valid": valid,
        "verify_path": f"/verify.html?code={code}",
    }


def _zh_month(period: str) -> str:
    return f"{int(period[:4])}年{int(period[5:])}月"
