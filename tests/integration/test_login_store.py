"""The login store on the moto server over HTTP: atomic limits, single-use codes."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from chalicelib.bootstrap import container
from chalicelib.ports import PendingCode, RateBucket, RateLimited


def run_together(count, action):
    barrier = threading.Barrier(count)

    def go(i):
        barrier.wait()
        return action(i)

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(go, range(count)))


def test_concurrent_code_requests_pass_a_one_a_minute_limit_once(stack):
    store = container().login
    buckets = [RateBucket("RL#test-burst#m1", 1, 2_000_000_060)]

    def request(i):
        try:
            code = PendingCode(f"pburst{i}", "h", 2_000_000_300)
            store.record_code_request(buckets, code, 2_000_000_000)
            return "sent"
        except RateLimited as exc:
            assert 1 <= exc.retry_after <= 60
            return "limited"

    answers = run_together(12, request)
    assert answers.count("sent") == 1 and answers.count("limited") == 11


def test_concurrent_requests_for_one_phone_send_one_sms(stack):
    from datetime import date

    from chalicelib.errors import TooManyRequests
    from chalicelib.rules.identity import parse_id_number
    from chalicelib.services.auth import request_code

    p = stack.fresh_person()
    ctx = container().auth()
    id_number = parse_id_number(p.id_number, date(2026, 11, 25))

    def request(_):
        try:
            request_code(ctx, id_number, p.phone, "198.51.100.7")
            return 202
        except TooManyRequests:
            return 429

    answers = run_together(10, request)
    assert sorted(answers) == [202] + [429] * 9
    assert stack.sms_count(p.phone) == 1


def test_a_code_is_consumed_by_exactly_one_of_two_racing_logins(stack):
    store = container().login
    store.record_code_request([], PendingCode("prace", "hash-1", 4_000_000_000), 2_000_000_000)
    assert store.attempt_code("prace", 2_000_000_001, 5) is not None
    results = run_together(2, lambda _: store.consume_code("prace", "hash-1"))
    assert sorted(results) == [False, True]
    assert store.attempt_code("prace", 2_000_000_002, 5) is None


def test_attempts_are_counted_even_when_concurrent(stack):
    store = container().login
    store.record_code_request([], PendingCode("ptries", "hash-2", 4_000_000_000), 2_000_000_000)
    results = run_together(8, lambda _: store.attempt_code("ptries", 2_000_000_001, 5))
    assert sum(r is not None for r in results) == 5
