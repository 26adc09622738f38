"""Used electronic vouchers (医保电子凭证) on DynamoDB: each use is ONE conditional write."""

from __future__ import annotations

from pynamodb.exceptions import PutError, UpdateError

from chalicelib.adapters.dynamodb.faults import translate_faults
from chalicelib.adapters.dynamodb.models import VoucherUseItem
from chalicelib.ports import VoucherUsed

SK = "VOUCHER"


def _pk(jti: str) -> str:
    return f"VOUCHER#{jti}"


def _conditional_failed(exc: PutError | UpdateError) -> bool:
    return exc.cause_response_code == "ConditionalCheckFailedException"


@translate_faults
class DynamoVoucherStore:
    def claim(
        self, jti: str, person_id: str, hospital_id: str, used_at: str, settle_until: int
    ) -> None:
        """A hospital verifies the voucher: its jti is written unless it is there already
        (a replay, by this hospital or any other), in one conditional PutItem."""
        item = VoucherUseItem(
            _pk(jti),
            SK,
            person_id=person_id,
            hospital_id=hospital_id,
            used_at=used_at,
            settle_until=settle_until,
            ttl=settle_until,
        )
        try:
            item.save(condition=VoucherUseItem.pk.does_not_exist())
        except PutError as exc:
            if _conditional_failed(exc):
                raise VoucherUsed() from None
            raise

    def claim_for_visit(
        self,
        jti: str,
        person_id: str,
        hospital_id: str,
        visit_id: str,
        used_at: str,
        now: int,
        settle_until: int,
        fresh: bool,
    ) -> None:
        """The voucher settles one visit, in one conditional UpdateItem: a fresh voucher
        nobody used yet (``fresh``: within its 60 seconds), or one this hospital verified
        for this person, within its settling window, that settled no other visit (a retry
        of the same visit passes)."""
        used_here = (
            (VoucherUseItem.hospital_id == hospital_id)
            & (VoucherUseItem.person_id == person_id)
            & (VoucherUseItem.settle_until > now)
            & (VoucherUseItem.visit_id.does_not_exist() | (VoucherUseItem.visit_id == visit_id))
        )
        condition = (VoucherUseItem.pk.does_not_exist() | used_here) if fresh else used_here
        try:
            VoucherUseItem(_pk(jti), SK).update(
                actions=[
                    VoucherUseItem.person_id.set(person_id),
                    VoucherUseItem.hospital_id.set(hospital_id),
                    VoucherUseItem.visit_id.set(visit_id),
                    VoucherUseItem.used_at.set(VoucherUseItem.used_at | used_at),
                    VoucherUseItem.settle_until.set(VoucherUseItem.settle_until | settle_until),
                    VoucherUseItem.ttl.set(VoucherUseItem.ttl | settle_until),
                ],
                condition=condition,
            )
        except UpdateError as exc:
            if _conditional_failed(exc):
                raise VoucherUsed() from None
            raise
