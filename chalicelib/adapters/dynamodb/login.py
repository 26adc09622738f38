"""Login codes and their rate limits on DynamoDB.

A code request is one transaction: every rate-limit window is counted with a
condition (``count < limit``) and the code is stored in the same write, so a
burst of requests can never send more codes than the limits allow.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pynamodb.exceptions import DeleteError, TransactWriteError, UpdateError
from pynamodb.transactions import TransactWrite

from chalicelib import sessions
from chalicelib.adapters.dynamodb.faults import translate_faults
from chalicelib.adapters.dynamodb.models import (
    OtpItem,
    RateItem,
    code_sk,
    person_pk,
    transaction_connection,
)
from chalicelib.ports import PendingCode, RateBucket, RateLimited

_DAY = 86_400


def _wait(bucket: RateBucket, old: dict[str, Any] | None, now: int) -> int:
    """Seconds until the full bucket lets a request through again."""
    if bucket.gap is not None and old and "until" in old:
        return int(old["until"]["N"]) - now
    return bucket.window_end - now


@translate_faults
@sessions.guarded
class DynamoLoginStore:
    def record_code_request(
        self, buckets: Sequence[RateBucket], code: PendingCode | None, now: int
    ) -> None:
        try:
            with TransactWrite(connection=transaction_connection()) as tx:
                for bucket in buckets:
                    if bucket.gap is not None:  # one, then none for `gap` seconds
                        tx.update(
                            RateItem(bucket.key, "RL"),
                            actions=[
                                RateItem.until.set(now + bucket.gap),
                                RateItem.ttl.set(now + bucket.gap + _DAY),
                            ],
                            condition=RateItem.until.does_not_exist() | (RateItem.until <= now),
                            return_values="ALL_OLD",
                        )
                        continue
                    tx.update(
                        RateItem(bucket.key, "RL"),
                        actions=[
                            RateItem.hits.add(1),
                            RateItem.ttl.set(bucket.window_end + _DAY),
                        ],
                        condition=RateItem.hits.does_not_exist() | (RateItem.hits < bucket.limit),
                    )
                if code is not None:
                    tx.save(
                        OtpItem(
                            person_pk(code.person_id),
                            code_sk(code.purpose),
                            code_hash=code.code_hash,
                            expires_at=code.expires_at,
                            attempts=0,
                            ttl=code.expires_at + _DAY,
                        )
                    )
        except TransactWriteError as exc:
            # PynamoDB sends puts before updates: the code (if any) comes first.
            reasons = (exc.cancellation_reasons or [])[0 if code is None else 1 :]
            for bucket, reason in zip(buckets, reasons, strict=False):
                if reason is not None and reason.code == "ConditionalCheckFailed":
                    raise RateLimited(_wait(bucket, reason.raw_item, now), bucket.key) from None
            raise

    def attempt_code(
        self, person_id: str, now: int, max_attempts: int, purpose: str = "login"
    ) -> PendingCode | None:
        item = OtpItem(person_pk(person_id), code_sk(purpose))
        try:
            item.update(
                actions=[OtpItem.attempts.add(1)],
                condition=OtpItem.pk.exists()
                & (OtpItem.attempts < max_attempts)
                & (OtpItem.expires_at > now),
            )
        except UpdateError as exc:
            if exc.cause_response_code == "ConditionalCheckFailedException":
                return None
            raise
        return PendingCode(
            person_id=person_id,
            code_hash=item.code_hash,
            expires_at=int(item.expires_at),
            attempts=int(item.attempts),
            purpose=purpose,
        )

    def consume_code(self, person_id: str, code_hash: str, purpose: str = "login") -> bool:
        item = OtpItem(person_pk(person_id), code_sk(purpose))
        try:
            item.delete(condition=OtpItem.code_hash == code_hash)
        except DeleteError as exc:
            if exc.cause_response_code == "ConditionalCheckFailedException":
                return False
            raise
        return True
