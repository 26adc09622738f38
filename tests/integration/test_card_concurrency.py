"""Card transitions racing on the local stack: one wins, one SMS, no lost update."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from chalicelib.bootstrap import container
from chalicelib.config import settings
from chalicelib.errors import CardTransitionRefused
from chalicelib.services.auth import person_id_for
from chalicelib.services.cards import card_status, change_card


def race(count, action):
    barrier = threading.Barrier(count)

    def go(i):
        barrier.wait()
        try:
            action(i)
            return "changed"
        except CardTransitionRefused as refused:
            return refused.code

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(go, range(count)))


def test_fifty_concurrent_loss_reports_make_one_transition_and_one_sms(stack, small_region):
    p = small_region[0]
    pid = person_id_for(p.id_number, settings().pepper)
    ctx = container().card_services()
    before = stack.sms_count(p.phone)
    answers = race(50, lambda _: change_card(ctx, pid, "report_temporary_loss", {"kind": "x"}))
    assert answers.count("changed") == 1, answers
    assert answers.count("already_temp_lost") == 49
    card = card_status(ctx, pid)
    assert card["status"] == "temp_lost" and len(card["history"]) == 1
    assert stack.sms_count(p.phone) == before + 1


def test_fifty_concurrent_requests_with_one_idempotency_key_make_one_transition(small_region):
    p = small_region[1]
    pid = person_id_for(p.id_number, settings().pepper)
    ctx = container().card_services()
    answers = race(
        50,
        lambda _: change_card(ctx, pid, "report_formal_loss", {"kind": "formal"},
                              idempotency_key="retry-key-0001"),
    )
    assert answers.count("changed") == 50  # every retry gets the first answer
    card = card_status(ctx, pid)
    assert card["status"] == "lost" and len(card["history"]) == 1
