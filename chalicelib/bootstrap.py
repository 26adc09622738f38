"""Composition root: builds the adapters lazily, once per container and settings.

Handlers ask for :func:`container`; nothing else constructs adapters. Heavy
imports (boto3, PynamoDB) happen here on first use, not when ``app`` is imported.
The token adapter (PyJWT, HMAC only: adapters/tokens.py) is imported with ``app``:
nearly every route checks a token, and its import must not race a serving thread.
Tests may replace the clock with :func:`use_clock`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from chalicelib.adapters.tokens import JwtTokenService, JwtVoucherSigner
from chalicelib.config import Settings, settings
from chalicelib.ports import Clock

_containers: dict[Settings, Container] = {}
_clock_override: Clock | None = None


@dataclass
class Container:
    settings: Settings
    tables_bound: bool = False

    @cached_property
    def clock(self) -> Clock:
        from chalicelib.adapters.clock import SystemClock

        return SystemClock()

    def bind_tables(self) -> None:
        from chalicelib.adapters.dynamodb import models

        s = self.settings
        models.bind(s.table_name, s.region, s.aws_endpoint)
        self.tables_bound = True

    @cached_property
    def persons(self) -> Any:
        from chalicelib.adapters.dynamodb.persons import DynamoPersonRepository

        self.bind_tables()
        return DynamoPersonRepository()

    @cached_property
    def login(self) -> Any:
        from chalicelib.adapters.dynamodb.login import DynamoLoginStore

        self.bind_tables()
        return DynamoLoginStore()

    @cached_property
    def session_store(self) -> Any:
        from chalicelib.adapters.dynamodb.sessions import DynamoSessionStore

        self.bind_tables()
        return DynamoSessionStore()

    @cached_property
    def sms(self) -> Any:
        import boto3

        from chalicelib.adapters.sms import SnsSmsGateway

        s = self.settings
        client = boto3.client("sns", region_name=s.region, endpoint_url=s.aws_endpoint)
        # The decoys' topic has no subscribers (infra/notices.py); the local stack makes it.
        topic = s.decoy_topic_arn or str(
            client.create_topic(Name=f"yibao-{s.stage}-decoys")["TopicArn"]
        )
        return SnsSmsGateway(client, decoy_topic_arn=topic)

    @cached_property
    def tokens(self) -> Any:
        s = self.settings
        return JwtTokenService(s.token_secret, s.token_ttl_seconds)

    @cached_property
    def cards(self) -> Any:
        from chalicelib.adapters.dynamodb.cards import DynamoCardRepository

        self.bind_tables()
        return DynamoCardRepository()

    @cached_property
    def clients(self) -> Any:
        from chalicelib.adapters.dynamodb.clients import DynamoClientRepository

        self.bind_tables()
        return DynamoClientRepository()

    @cached_property
    def settlement_store(self) -> Any:
        from chalicelib.adapters.dynamodb.settlements import DynamoSettlementRepository

        self.bind_tables()
        return DynamoSettlementRepository(key=self.settings.pepper)

    @cached_property
    def ledger_store(self) -> Any:
        from chalicelib.adapters.dynamodb.ledgers import DynamoLedgerRepository

        self.bind_tables()
        return DynamoLedgerRepository()

    @cached_property
    def family_store(self) -> Any:
        from chalicelib.adapters.dynamodb.family import DynamoFamilyRepository

        self.bind_tables()
        return DynamoFamilyRepository()

    def family(self) -> Any:
        from chalicelib.services.family import FamilyContext

        s = self.settings
        return FamilyContext(
            store=self.family_store,
            auth=self.auth(),
            notices=self.notices(),
            clock=now_clock(self),
            pepper=s.pepper,
        )

    @cached_property
    def filing_store(self) -> Any:
        from chalicelib.adapters.dynamodb.filings import DynamoFilingRepository

        self.bind_tables()
        return DynamoFilingRepository()

    def filings(self) -> Any:
        from chalicelib.services.filings import FilingContext

        s = self.settings
        return FilingContext(
            store=self.filing_store,
            auth=self.auth(),
            notices=self.notices(),
            clock=now_clock(self),
            pepper=s.pepper,
            settlement_store=self.settlement_store,
        )

    @cached_property
    def oauth_store(self) -> Any:
        from chalicelib.adapters.dynamodb.oauth import DynamoOAuthStore

        self.bind_tables()
        return DynamoOAuthStore()

    def oauth(self) -> Any:
        """Third-party apps: OAuth 2.0 (Authlib), grants, audit, rate limits."""
        from chalicelib.services.oauth import OAuthContext

        return OAuthContext(
            store=self.oauth_store, clock=now_clock(self), pepper=self.settings.pepper
        )

    def ledgers(self) -> Any:
        from chalicelib.services.ledgers import LedgerContext

        return LedgerContext(store=self.ledger_store, clock=now_clock(self))

    def settlements(self) -> Any:
        from chalicelib.services.cards import card_policy_in_force
        from chalicelib.services.settlements import SettlementContext

        return SettlementContext(
            store=self.settlement_store,
            clock=now_clock(self),
            card_policy_for=card_policy_in_force,
            family_store=self.family_store,
        )

    def card_services(self) -> Any:
        from chalicelib.services.cards import CardContext, card_policy_in_force

        return CardContext(
            cards=self.cards,
            notices=self.notices(),
            clock=now_clock(self),
            policy_for=card_policy_in_force,
        )

    @cached_property
    def notice_store(self) -> Any:
        from chalicelib.adapters.dynamodb.notices import DynamoNoticeStore

        self.bind_tables()
        return DynamoNoticeStore()

    @cached_property
    def notice_queue(self) -> Any:
        import boto3

        from chalicelib.adapters.queue import SqsNoticeQueue, local_queue

        s = self.settings
        client = boto3.client("sqs", region_name=s.region, endpoint_url=s.aws_endpoint)
        if s.notice_queue_url:
            return SqsNoticeQueue(client, s.notice_queue_url, s.notice_queue_url + "-dlq")
        return local_queue(client, f"yibao-{s.stage}-notices", max_receives=5)

    def notices(self) -> Any:
        """Every SMS goes through this: templates, records, quiet hours, the quota."""
        from chalicelib.services.notices import NoticeContext

        s = self.settings
        return NoticeContext(
            store=self.notice_store,
            sms=self.sms,
            clock=now_clock(self),
            signature=s.sms_sender,
            pepper=s.pepper,
            per_second=s.sms_per_second,
            queue=self.notice_queue,
        )

    @cached_property
    def voucher_store(self) -> Any:
        from chalicelib.adapters.dynamodb.vouchers import DynamoVoucherStore

        self.bind_tables()
        return DynamoVoucherStore()

    @cached_property
    def proof_store(self) -> Any:
        from chalicelib.adapters.dynamodb.proofs import DynamoProofStore

        self.bind_tables()
        return DynamoProofStore()

    def vouchers(self) -> Any:
        from chalicelib.services.vouchers import VoucherContext

        return VoucherContext(
            persons=self.persons,
            signer=JwtVoucherSigner(self.settings.token_secret),
            store=self.voucher_store,
            clock=now_clock(self),
        )

    def auth(self) -> Any:
        from chalicelib.services.auth import AuthContext

        s = self.settings
        return AuthContext(
            persons=self.persons,
            login=self.login,
            notices=self.notices(),
            tokens=self.tokens,
            clock=now_clock(self),
            pepper=s.pepper,
            limits=s.otp,
        )


def container() -> Container:
    current = settings()
    found = _containers.get(current)
    if found is None:
        found = _containers[current] = Container(current)
    if found.tables_bound:
        found.bind_tables()  # the models are shared: point them back at this stage's table
    return found


def now_clock(c: Container) -> Clock:
    return _clock_override or c.clock


def use_clock(clock: Clock | None) -> None:
    """Replace the clock (tests only); ``None`` restores the system clock."""
    global _clock_override
    _clock_override = clock
