"""Twenty settlements for one person at once: exact year-to-date figures and account."""

from __future__ import annotations

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from itertools import pairwise

from chalicelib.bootstrap import container
from chalicelib.config import settings
from chalicelib.rules.money import parse_yuan
from chalicelib.services.auth import person_id_for
from chalicelib.services.settlements import estimate, reverse_settlement, settle_visit


def bill(pid, amount, use_account=False):
    return {
        "hospital_id": "H1",
        "person_id": pid,
        "visit_id": uuid.uuid4().hex,
        "visit": {"kind": "inpatient", "hospital_level": 1, "location": "in_county"},
        "items": [{"code": "X", "catalogue": "A", "amount": amount}],
        "use_account": use_account,
    }


def test_twenty_concurrent_settlements_leave_exact_figures(small_region):
    p = next(p for p in small_region if p.scheme == "employee" and p.tier_pct == 100.0)
    pid = person_id_for(p.id_number, settings().pepper)
    ctx = container().settlements()
    opening = ctx.store.load_subject(pid, ctx.clock.now().year).account_balance
    barrier = threading.Barrier(20)

    def go(i):
        barrier.wait()
        return settle_visit(ctx, "H1", bill(pid, str(1000 + i), use_account=True))

    with ThreadPoolExecutor(20) as pool:
        answers = list(pool.map(go, range(20)))

    assert len({a["settlement_id"] for a in answers}) == 20
    # Replayed in the order they were written, each started from the one before.
    ordered = sorted(answers, key=lambda a: parse_yuan(a["ytd_before"]["basic_paid"]))
    for earlier, later in pairwise(ordered):
        assert later["ytd_before"] == earlier["ytd_after"]
    basic_total = sum(parse_yuan(a["parts"]["basic"]) for a in answers)
    account_total = sum(parse_yuan(a["parts"]["account"]) for a in answers)
    subject = ctx.store.load_subject(pid, ctx.clock.now().year)
    assert subject.ytd["basic_paid"] == basic_total
    assert subject.account_balance == opening - account_total >= 0


def test_concurrent_reversals_of_one_settlement_happen_once(small_region):
    p = next(p for p in small_region if p.scheme == "resident")
    pid = person_id_for(p.id_number, settings().pepper)
    ctx = container().settlements()
    settled = settle_visit(ctx, "H1", bill(pid, "5000"))
    barrier = threading.Barrier(6)

    def go(_):
        barrier.wait()
        try:
            reverse_settlement(ctx, "H1", settled["settlement_id"])
            return "reversed"
        except Exception as exc:  # the refusals
            return getattr(exc, "code", repr(exc))

    with ThreadPoolExecutor(6) as pool:
        results = list(pool.map(go, range(6)))
    assert results.count("reversed") == 1 and results.count("already_reversed") == 5
    subject = ctx.store.load_subject(pid, ctx.clock.now().year)
    assert all(v == 0 for v in subject.ytd.values())
    same = bill(pid, "5000")
    again = estimate(ctx, pid, {"visit": same["visit"], "items": same["items"]})
    assert again["parts"] == settled["parts"]
    assert date.fromisoformat(again["date"])


def test_concurrent_re_settlements_of_a_reversed_visit_settle_it_once(small_region):
    """冲正后重新结算 raced: six corrected bills for one reversed visit, one settles; the
    others get 409 visit_reused, and the figures count that one bill only."""
    p = next(p for p in small_region if p.scheme == "resident")
    pid = person_id_for(p.id_number, settings().pepper)
    ctx = container().settlements()
    year = ctx.clock.now().year
    opening = ctx.store.load_subject(pid, year).ytd
    first = bill(pid, "5000")
    settled = settle_visit(ctx, "H1", first)
    reverse_settlement(ctx, "H1", settled["settlement_id"])
    barrier = threading.Barrier(6)

    def go(i):
        barrier.wait()
        corrected = {**first, "items": [{**first["items"][0], "amount": str(4000 + i)}]}
        try:
            return settle_visit(ctx, "H1", corrected)
        except Exception as exc:  # the refusals
            return getattr(exc, "code", repr(exc))

    with ThreadPoolExecutor(6) as pool:
        results = list(pool.map(go, range(6)))
    [won] = [r for r in results if isinstance(r, dict)]
    assert sorted(r for r in results if not isinstance(r, dict)) == ["visit_reused"] * 5
    assert won["ytd_before"] == {k: f"{v / 100:.2f}" for k, v in opening.items()}
    assert ctx.store.load_subject(pid, year).ytd == {
        k: parse_yuan(v) for k, v in won["ytd_after"].items()
    }


def test_reversals_racing_new_settlements_of_one_person_leave_exact_figures(small_region):
    """冲正 reads the settlement with the figures and the account in one batch: five
    reversals and five new settlements of one person at once, each read taken before
    another's write is refused and read again, so the figures count the new five only."""
    p = next(p for p in small_region if p.scheme == "employee" and p.tier_pct == 100.0)
    pid = person_id_for(p.id_number, settings().pepper)
    ctx = container().settlements()
    year = ctx.clock.now().year
    before = ctx.store.load_subject(pid, year)
    old = [settle_visit(ctx, "H1", bill(pid, str(800 + i), use_account=True)) for i in range(5)]
    barrier = threading.Barrier(10)

    def go(i):
        barrier.wait()
        if i < 5:
            return reverse_settlement(ctx, "H1", old[i]["settlement_id"])
        return settle_visit(ctx, "H1", bill(pid, str(1200 + i), use_account=True))

    with ThreadPoolExecutor(10) as pool:
        results = list(pool.map(go, range(10)))
    assert [r["status"] for r in results] == ["reversed"] * 5 + ["settled"] * 5
    new = results[5:]
    after = ctx.store.load_subject(pid, year)
    for field in after.ytd:
        added = sum(parse_yuan(a["ytd_after"][field]) - parse_yuan(a["ytd_before"][field])
                    for a in new)
        assert after.ytd[field] == before.ytd[field] + added, field
    paid = sum(parse_yuan(a["parts"]["account"]) for a in new)
    assert paid and after.account_balance == before.account_balance - paid >= 0
