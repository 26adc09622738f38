"""家庭共济 under races: a linked account is never overdrawn, and a link ended meanwhile pays
nothing."""

from __future__ import annotations

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from chalicelib.bootstrap import container
from chalicelib.config import settings
from chalicelib.ports import NewSettlement, StaleFigures, StoredLink
from chalicelib.rules.family import Link
from chalicelib.rules.money import parse_yuan
from chalicelib.services.auth import person_id_for
from chalicelib.services.family import plan_use
from chalicelib.services.settlements import settle_visit


def pid(p):
    return person_id_for(p.id_number, settings().pepper)


def link(store, payer_id, relative_id, now):
    """An active link written straight through the store (the consent flow has its own tests)."""
    link_id = "f" + uuid.uuid4().hex[:16]
    payer = StoredLink(
        Link(link_id, "payer", "parent", "pending", "王*", now), payer_id, relative_id, 0
    )
    relative = StoredLink(
        Link(link_id, "relative", "child", "pending", "张*", now), relative_id, payer_id, 0
    )
    store.create(payer, relative)
    store.activate(
        StoredLink(payer.link, payer_id, relative_id, 1),
        StoredLink(relative.link, relative_id, payer_id, 1),
        now,
    )
    return link_id


def bill(person_id, amount):
    return {
        "hospital_id": "H1",
        "person_id": person_id,
        "visit_id": uuid.uuid4().hex,
        "visit": {"kind": "outpatient", "hospital_level": 1, "location": "in_county"},
        "items": [{"code": "X", "catalogue": "C", "amount": amount}],
        "use_family_account": True,
    }


@pytest.fixture
def family(small_region):
    c = container()
    now = c.clock.now()
    employees = [p for p in small_region if p.scheme == "employee" and p.status == "active"]
    others = [p for p in small_region if p.status == "active" and p is not employees[0]]
    payer, first, second = employees[0], others[0], others[1]
    for relative in (first, second):
        link(c.family_store, pid(payer), pid(relative), now)
    return payer, first, second


def test_concurrent_uses_by_two_relatives_drain_the_account_exactly_never_below_zero(family):
    payer, first, second = family
    ctx = container().settlements()
    opening = ctx.family_store.side(pid(payer)).account_balance
    assert opening > 0
    each = f"{opening / 100 / 4:.2f}"  # ten bills of a quarter: 2.5 times the balance asked
    barrier = threading.Barrier(10)

    def go(i):
        barrier.wait()
        return settle_visit(ctx, "H1", bill(pid(first if i % 2 else second), each))

    with ThreadPoolExecutor(10) as pool:
        answers = list(pool.map(go, range(10)))

    paid = [parse_yuan(a["family_aid"]["amount"]) for a in answers]
    assert sum(paid) == opening
    for a in answers:
        cash, family = parse_yuan(a["parts"]["cash"]), parse_yuan(a["parts"]["family_account"])
        assert parse_yuan(a["patient_pays"]) == cash >= 0
        assert family == parse_yuan(a["family_aid"]["amount"])
    side = ctx.family_store.side(pid(payer))
    assert side.account_balance == 0
    lines = []
    for person in (payer, first, second):
        found, _ = ctx.family_store.uses(pid(person), ctx.clock.now().year, 100, None)
        lines.append(sum(x["amount"] for x in found))
    assert lines[0] == opening == lines[1] + lines[2]


def test_a_link_ended_after_the_plan_makes_the_settlement_read_again(family):
    payer, first, _ = family
    c = container()
    ctx = c.settlements()
    now = c.clock.now()
    subject = ctx.store.load_subject(pid(first), now.year)
    planned = plan_use(
        c.family_store, now, subject.links, "active", 1000, "settlement", "s-x", ("a", "b")
    )
    use, payer_side = planned
    relative_copy = next(s for s in c.family_store.side(pid(first)).links)
    payer_copy = next(
        s
        for s in c.family_store.side(pid(payer)).links
        if s.link.link_id == relative_copy.link.link_id
    )
    c.family_store.end([(payer_copy, True), (relative_copy, True)], "ended_by_payer", now)
    _refused_and_unpaid(ctx, c, subject, (use, payer_side), "s-x", first, payer, now)


def test_a_link_ended_after_the_inputs_were_read_by_key_makes_the_settlement_read_again(family):
    """The same race with the inputs read by key (the relative's guard naming the link and
    the payer): the transaction's check of the guard refuses the write."""
    payer, first, _ = family
    c = container()
    ctx = c.settlements()
    now = c.clock.now()
    subject, _ = ctx.store.for_visit(pid(first), now.year, "H1", uuid.uuid4().hex, False, True)
    assert subject.family_payer is not None and len(subject.links) == 1
    planned = plan_use(
        c.family_store,
        now,
        subject.links,
        "active",
        1000,
        "settlement",
        "s-y",
        ("a", "b"),
        payer_side=subject.family_payer,
    )
    use, payer_side = planned
    payer_copy = next(
        s for s in payer_side.links if s.link.link_id == subject.links[0].link.link_id
    )
    c.family_store.end([(payer_copy, True), (subject.links[0], True)], "ended_by_payer", now)
    _refused_and_unpaid(ctx, c, subject, (use, payer_side), "s-y", first, payer, now)
    again, _ = ctx.store.for_visit(pid(first), now.year, "H1", uuid.uuid4().hex, False, True)
    assert again.links == () and again.family_payer is None  # the guard went with the link


def _refused_and_unpaid(ctx, c, subject, family, settlement_id, relative, payer, now):
    """The relative's settlement, paid by the link as planned, is refused as stale, and the
    payer's account is as it was."""
    new = NewSettlement(
        settlement_id,
        pid(relative),
        "H1",
        uuid.uuid4().hex,
        now.isoformat(),
        now.year,
        "f",
        "{}",
        dict(subject.ytd),
        0,
    )
    with pytest.raises(StaleFigures):
        ctx.store.save(subject, new, family)
    assert c.family_store.side(pid(payer)).account_balance == family[1].account_balance
