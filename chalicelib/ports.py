"""Ports: what the services need from the outside world (Protocols).

Adapters in ``chalicelib/adapters`` implement them against DynamoDB, SNS and
JWT; unit tests of services may use the in-memory fakes in
``chalicelib/adapters/memory.py``, which implement the same Protocols.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol


@dataclass(frozen=True)
class Card:
    """医保卡 as the person sees it."""

    number: str
    status: str
    issued_on: str


@dataclass(frozen=True)
class Person:
    """参保人：the stored profile."""

    person_id: str
    name: str
    id_masked: str
    birth_date: str
    sex: str
    phone: str
    scheme: str
    region: str
    status: str = "active"
    retired: bool = False
    groups: tuple[str, ...] = ()
    poverty_exit_year: int | None = None
    chronic: bool = False
    employer: str | None = None
    insured_since: str | None = None
    tier_pct: float | None = None
    years_met: bool = False


@dataclass(frozen=True)
class PersonView:
    """What ``GET /v1/me`` needs: the profile and the card, read together."""

    person: Person
    card: Card | None


@dataclass(frozen=True)
class RateBucket:
    """One rate limit: at most ``limit`` within the fixed window [start, ``window_end``);
    or, with ``gap`` seconds, one request and then none until ``gap`` seconds later."""

    key: str
    limit: int
    window_end: int  # epoch seconds
    gap: int | None = None


@dataclass(frozen=True)
class PendingCode:
    """A login code waiting to be used."""

    person_id: str
    code_hash: str
    expires_at: int
    attempts: int = 0
    purpose: str = "login"  # or a step-up purpose such as "card_unfreeze"


@dataclass(frozen=True)
class TokenClaims:
    subject: str
    scopes: tuple[str, ...]
    expires_at: int
    token_id: str
    extra: dict[str, str] = field(default_factory=dict)


class RateLimited(Exception):
    """Too many requests in a window; retry after ``retry_after`` seconds."""

    def __init__(self, retry_after: int, key: str) -> None:
        super().__init__(f"rate limited, retry after {retry_after}s")
        self.retry_after = max(1, retry_after)
        self.key = key


class Clock(Protocol):
    def now(self) -> datetime: ...


@dataclass(frozen=True)
class LoginContact:
    """What a login code request needs of a person: whom to send the code to."""

    person_id: str
    phone: str
    status: str = "active"


class Recipient(Protocol):
    """Whom a notice goes to: a :class:`Person`, or a :class:`LoginContact`."""

    @property
    def person_id(self) -> str: ...

    @property
    def phone(self) -> str: ...

    @property
    def status(self) -> str: ...


class PersonRepository(Protocol):
    def get_person(self, person_id: str) -> Person | None: ...

    def login_contact(self, person_id: str) -> LoginContact | None:
        """The person's phone and status only (a small read: a registered ID number then
        costs the login request no more time than one nobody has)."""
        ...

    def get_view(self, person_id: str) -> PersonView | None: ...


class LoginStore(Protocol):
    """Codes and their rate limits (登录验证码)."""

    def record_code_request(
        self, buckets: Sequence[RateBucket], code: PendingCode | None, now: int
    ) -> None:
        """Count one request in every bucket and, if given, store the code: all or nothing.

        Raises :class:`RateLimited` naming the first full bucket.
        """
        ...

    def attempt_code(
        self, person_id: str, now: int, max_attempts: int, purpose: str = "login"
    ) -> PendingCode | None:
        """Count one attempt; the code if it is still usable after counting, else None."""
        ...

    def consume_code(self, person_id: str, code_hash: str, purpose: str = "login") -> bool:
        """Delete the code if it is still the one given; False if someone used it first."""
        ...


class SessionStore(Protocol):
    """Signed-out tokens (退出登录), each kept until the token would expire."""

    def revoke(self, person_id: str, token_id: str, expires_at: int, now: int) -> None:
        """Record the token as signed out until ``expires_at`` (again: no harm)."""
        ...

    def is_revoked(self, person_id: str, token_id: str) -> bool:
        """Whether the token was signed out (one read)."""
        ...


class SmsGateway(Protocol):
    def send(self, phone: str, text: str) -> str:
        """Send one SMS; returns the provider's message id."""
        ...

    def decoy(self, text: str) -> str:
        """Hand the provider a message like an SMS that reaches nobody (the same request
        as :meth:`send`, for a login request whose ID number and phone do not match:
        both then take the same time); returns the provider's message id."""
        ...


class TokenService(Protocol):
    def issue(
        self,
        subject: str,
        scopes: Sequence[str],
        now: int,
        extra: dict[str, str] | None = None,
        not_after: int | None = None,
    ) -> tuple[str, int]:
        """A signed token and its lifetime in seconds (never past ``not_after``)."""
        ...

    def verify(self, token: str, now: int) -> TokenClaims:
        """The claims of a valid token; raises ``chalicelib.errors.Unauthorized`` otherwise."""
        ...


@dataclass(frozen=True)
class CardEvent:
    """An audited card transition: who, through which channel, when, before → after."""

    at: str
    action: str
    before: str
    after: str
    channel: str
    actor: str
    request_id: str | None = None


@dataclass(frozen=True)
class StoredAnswer:
    """The first answer given to an ``Idempotency-Key``."""

    fingerprint: str
    status: int
    body: str


@dataclass(frozen=True)
class Certificate:
    """住院无卡证明：what a hospital may see when it checks the code."""

    code: str
    person_id: str
    name_initial: str
    id_masked: str
    card_status: str
    issued_at: str
    valid_until: str


@dataclass(frozen=True)
class CardRecord:
    """Everything the card services read, in one Query."""

    person: Person
    card: Any  # chalicelib.rules.card.Card
    version: int
    issued_on: str
    mail_address: str | None
    outlet_id: str | None
    events: tuple[CardEvent, ...]
    certificate: Certificate | None


class StaleCard(Exception):
    """The card changed since it was read (another transition won)."""


class DuplicateRequest(Exception):
    """Another request with the same ``Idempotency-Key`` was stored first."""


class CardRepository(Protocol):
    def load(self, person_id: str) -> CardRecord | None: ...

    def find_answer(self, person_id: str, key: str) -> StoredAnswer | None: ...

    def save_transition(
        self,
        record: CardRecord,
        card: Any,
        event: CardEvent,
        answer: tuple[str, StoredAnswer] | None,
        mail_address: str | None = None,
        outlet_id: str | None = None,
        lapses_on: str | None = None,
    ) -> None:
        """Write the new card state, the audit event and the answer in one transaction
        (``lapses_on``: the day something is due for the card, for :meth:`due_on`; a
        card whose number changed gets its new number's look-up in the same transaction).

        Raises :class:`StaleCard` if the card changed since ``record`` was read and
        :class:`DuplicateRequest` if the idempotency key was used meanwhile.
        """
        ...

    def due_on(self, day: str) -> list[str]:
        """The persons whose card has something due on ``day``: a temporary loss lapses
        or a replacement is to be ready (the sparse index, never the table)."""
        ...

    def save_certificate(self, certificate: Certificate, expires_at: int) -> None: ...

    def get_certificate(self, code: str) -> Certificate | None: ...


@dataclass(frozen=True)
class SettlementSubject:
    """What settlement reads about a person, in one Query: profile, card, year, account."""

    person: Person
    card: Any  # chalicelib.rules.card.Card | None
    ytd: dict[str, int]  # this year's figures in fen (YTD_FIELDS)
    ytd_version: int | None  # None: no figures yet this year
    account_balance: int | None  # fen; None: no personal account
    account_version: int | None
    links: tuple[StoredLink, ...] = ()  # family links (家庭共济) on this side
    filings: tuple[Any, ...] = ()  # remote-care filings (rules.filing.Filing), 异地就医备案
    account_summary: Any = None  # rules.account_summary.AccountSummary | None (not migrated)
    # 家庭共济 read by key with a settlement's inputs: the paying side (FamilySide, its one
    # link); None: not read with them (family aid reads it itself)
    family_payer: Any = None


@dataclass(frozen=True)
class SettlementKey:
    settlement_id: str
    person_id: str
    person_sk: str
    fingerprint: str
    hospital_id: str
    status: str
    # by visit only: the fingerprints of the visit's earlier, reversed settlements -> their ids
    earlier: dict[str, str] = field(default_factory=dict)
    # the settlement as answered, with its status now, when the read that found the key
    # brought it (None: read it by ``person_sk``)
    answer: dict[str, Any] | None = None


@dataclass(frozen=True)
class NewSettlement:
    settlement_id: str
    person_id: str
    hospital_id: str
    visit_id: str
    settled_at: str
    year: int
    fingerprint: str
    body: str  # the answer JSON
    ytd_after: dict[str, int]
    account_debit: int
    # 冲正后重新结算：the visit key of the reversed settlement this one takes the place of
    replaces: SettlementKey | None = None
    # the bill's lines as (code, catalogue, amount in fen), kept for the FHIR view
    lines: tuple[tuple[str, str, int], ...] = ()
    # settled by this card (刷卡): it must still stand as read when the settlement is written
    card: Card | None = None


class StaleFigures(Exception):
    """The year's figures or the account changed since they were read: read again."""


class VisitAlreadySettled(Exception):
    """This (hospital, visit) already has a settlement: its look-up key, as the refused
    write found it (None when the store could not say)."""

    def __init__(self, key: SettlementKey | None = None) -> None:
        super().__init__()
        self.key = key


class AlreadyReversed(Exception):
    """The settlement was reversed already."""


@dataclass(frozen=True)
class MachineClient:
    """A registered machine client; its secret is kept only as a keyed hash."""

    client_id: str
    name: str
    secret_hash: str
    scopes: tuple[str, ...]
    hospital_id: str | None
    created_at: str


@dataclass(frozen=True)
class StoredLink:
    """One side's copy of a family link as stored (see ``rules.family.Link``)."""

    link: Any  # chalicelib.rules.family.Link
    person_id: str  # this side
    other_person_id: str
    version: int


@dataclass(frozen=True)
class FamilySide:
    """One person's side of family aid, read in one Query: profile, account, links."""

    person: Person
    account_balance: int | None  # fen; None: no personal account
    account_version: int | None
    links: tuple[StoredLink, ...]
    account_summary: Any = None  # rules.account_summary.AccountSummary | None (not migrated)


@dataclass(frozen=True)
class FamilyUse:
    """One use of a link, written to both statements (amount in fen, as the payer paid it)."""

    link: StoredLink  # the payer's copy
    relative_link: StoredLink
    kind: str  # settlement | contribution | refund
    amount: int  # positive: paid; a refund is negative
    at: str
    ref: str
    text_zh: str
    text_en: str
    relative_text_zh: str
    relative_text_en: str


class LinkTaken(Exception):
    """The relative already has an active payer."""


class StaleLink(Exception):
    """The link changed since it was read."""


@dataclass(frozen=True)
class FilingEvent:
    """An audited filing change: who, when, through which channel, before → after."""

    at: str
    action: str  # created | changed | cancelled | reminded
    actor: str
    channel: str
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    reason: str | None = None
    request_id: str | None = None


@dataclass(frozen=True)
class StoredFiling:
    """A filing (``rules.filing.Filing``) as stored, with its version and record details."""

    filing: Any  # chalicelib.rules.filing.Filing
    version: int | None  # None: not written yet
    commitment_at: str
    policy_version: str
    agent_person_id: str | None = None
    events: tuple[FilingEvent, ...] = ()


@dataclass(frozen=True)
class FilingRecord:
    """What the filing services read about a person, in one Query: profile and filings."""

    person: Person
    filings: tuple[StoredFiling, ...]  # newest first
    guard_version: int | None  # None: no filing written yet


class StaleFilings(Exception):
    """The person's filings changed since they were read (another write won): read again."""


class ProxyRequestUsed(Exception):
    """The request to file for a relative was used (or lapsed) meanwhile."""


@dataclass(frozen=True)
class NoticeRecord:
    """短信记录：one SMS to a person, by its key (``M#<yyyy-mm>`` or ``E#<at>#<id>``)."""

    person_id: str
    key: str
    kind: str
    group: str
    status: str  # waiting | sending | sent | failed | skipped
    created_at: str
    reason: str | None = None
    due_at: str | None = None
    sent_at: str | None = None
    phone_masked: str | None = None
    text: str | None = None  # what was sent, codes masked
    values: dict[str, Any] | None = None  # a waiting event notice's slots (JSON-ready)
    attempts: int = 0


@dataclass(frozen=True)
class NoticeFacts:
    """What a notice reads at send time, fresh (the phone and opt-out of this moment)."""

    person: Person | None
    turned_off: frozenset[str]
    balance: int | None  # fen; None: no personal account
    credit: int  # the month's credit in fen (monthly notices)


class NoticeStore(Protocol):
    shards: int  # the sparse index of accounts is read in this many parts

    def claim(
        self,
        person_id: str,
        key: str,
        kind: str,
        group: str,
        created_at: str,
        now: int,
        lease_seconds: int,
    ) -> NoticeRecord | None:
        """Take the record for sending; None when it is sent, skipped or claimed by a live
        sender (the one conditional write behind exactly once)."""
        ...

    def finish(
        self,
        person_id: str,
        key: str,
        status: str,
        *,
        reason: str | None = None,
        sent_at: str | None = None,
        phone_masked: str | None = None,
        text: str | None = None,
        message_id: str | None = None,
        due_at: str | None = None,
    ) -> None: ...

    def add(self, record: NoticeRecord, now: int, *, keep_seconds: int | None = None) -> bool:
        """Write a new record, kept ``keep_seconds`` (else the records' time); False if one
        with its key exists."""
        ...

    def get(self, person_id: str, key: str) -> NoticeRecord | None: ...

    def recent(self, person_id: str, limit: int) -> list[NoticeRecord]: ...

    def turned_off(self, person_id: str) -> tuple[frozenset[str], str | None]: ...

    def set_turned_off(self, person_id: str, groups: frozenset[str], at: str, by: str) -> None: ...

    def facts(self, person_id: str, month: str | None) -> NoticeFacts: ...

    def account_holders(self, region: str, shard: int, page: int) -> Iterator[list[str]]: ...

    def persons_with_phone(self, key: str) -> list[str]: ...

    def take_send_slots(self, second: int, per_second: int, wanted: int) -> bool: ...

    def first_delivery(self, signature: str, now: int, keep_seconds: int) -> bool: ...


class NoticeQueue(Protocol):
    """The queue between the planner and the senders (SQS)."""

    def put(self, messages: Sequence[dict[str, Any]], delay_seconds: int = 0) -> None: ...
class VoucherUsed(Exception):
    """The electronic voucher was used already (or by another hospital, or for another visit)."""
