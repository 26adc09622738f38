"""PynamoDB models of the single table (单表设计).

The person table, keyed ``pk`` / ``sk``. A person's items share the partition
``PERSON#<person_id>`` so that every citizen read is one Query by the person's
key. ``person_id`` is a keyed hash of the ID number: the number itself is never
a key. Items whose ``sk`` starts with ``ME#`` make up the profile that
``GET /v1/me`` reads in one Query.

PynamoDB reads ``Meta.host`` / ``Meta.table_name`` when it first connects, so
:func:`bind` sets them from the settings before any request (DESIGN.md pitfalls).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from pynamodb.attributes import (
    BooleanAttribute,
    JSONAttribute,
    ListAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
    VersionAttribute,
)
from pynamodb.connection import Connection
from pynamodb.indexes import GlobalSecondaryIndex, KeysOnlyProjection
from pynamodb.models import Model

PROFILE_SK = "ME#PROFILE"
CARD_SK = "ME#CARD"
CARD_EVENT_PREFIX = "ME#CARD#EVENT#"
CERTIFICATE_SK = "ME#CERTIFICATE"
ACCOUNT_SK = "ME#ACCOUNT"
YTD_PREFIX = "ME#YTD#"
SETTLEMENT_PREFIX = "SETTLEMENT#"
BILL_PREFIX = "BILL#"  # + settlement id: its bill's lines, apart from the settlements' list
CONTRIBUTION_PAGE = "CONTRIB#"
FAMILY_LINK_PREFIX = "ME#FAMILY#"
FAMILY_PAYER_SK = "ME#FAMILY_PAYER"
FAMILY_USE_PREFIX = "FAMILY#"
ACCOUNT_PAGE = "ACCOUNT#"
ME_PREFIX = "ME#"
FILING_PREFIX = "ME#FILING#"  # a filing, and its audit events under ME#FILING#<id>#EVENT#
FILING_GUARD_SK = "ME#FILINGS"  # versioned: a person's filing writes happen one at a time
FILING_LAPSE_PREFIX = "FILING_LAPSE#"  # pk of the reminder index, by the day a filing lapses
FILING_PROXY_PREFIX = "FILING_PROXY#"  # sk of a pending request to file for a relative
NOTICE_PREFIX = "NOTICE#"  # a person's SMS records: NOTICE#M#<yyyy-mm>, NOTICE#E#<at>#<id>
NOTICE_PREFS_SK = "ME#NOTICES"  # what the person turned off (月度短信 and events)
NOTICE_SHARDS = 16  # the sparse index of accounts is read in this many parallel parts
OTP_SK = "OTP"
SESSION_REVOKED_PREFIX = "ME#SESSION#REVOKED#"  # + jti: a signed-out token, read with the ME# Query
ACCOUNT_SESSION_REVOKED_PREFIX = "ACCOUNT#~SESSION#REVOKED#"  # its copy after the account's pages
# … and after each list a person pages through newest first (a descending Query meets them first)
SETTLEMENT_SESSION_REVOKED_PREFIX = "SETTLEMENT#~SESSION#REVOKED#"
FAMILY_USE_SESSION_REVOKED_PREFIX = "FAMILY#~SESSION#REVOKED#"
NOTICE_SESSION_REVOKED_PREFIX = "NOTICE#~SESSION#REVOKED#"
TTL_ATTRIBUTE = "ttl"  # DynamoDB's TTL deletes an item some time after this epoch second


def code_sk(purpose: str) -> str:
    """The sort key of a pending SMS code: the login code, or a step-up code by purpose."""
    return OTP_SK if purpose == "login" else f"{OTP_SK}#{purpose}"


def person_pk(person_id: str) -> str:
    return f"PERSON#{person_id}"


class _Base(Model):
    class Meta:
        table_name = "yibao-unbound"
        region = "cn-north-1"
        host: str | None = None
        connect_timeout_seconds = 2
        read_timeout_seconds = 5
        max_retry_attempts = 3

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)


class PhoneIndex(GlobalSecondaryIndex["PersonItem"]):  # type: ignore[no-untyped-call]
    """Persons by the keyed hash of their phone (an inbound SMS names only its number)."""

    class Meta:
        index_name = "person-by-phone"
        projection = KeysOnlyProjection()

    phone_key = UnicodeAttribute(hash_key=True)
    pk = UnicodeAttribute(range_key=True)


class NoticeAccountIndex(GlobalSecondaryIndex["AccountItem"]):  # type: ignore[no-untyped-call]
    """Sparse index of the personal accounts (only ``ME#ACCOUNT`` items carry
    ``notice_shard``): the monthly run reads it shard by shard, page by page."""

    class Meta:
        index_name = "accounts-for-notices"
        projection = KeysOnlyProjection()

    notice_shard = UnicodeAttribute(hash_key=True)  # "<region>#<00..15>"
    pk = UnicodeAttribute(range_key=True)


class CardLapseIndex(GlobalSecondaryIndex["CardItem"]):  # type: ignore[no-untyped-call]
    """Sparse index of temporary losses by the day they lapse (only a card in temporary
    loss carries ``lapse_day``): the reminder reads tomorrow's, never the table."""

    class Meta:
        index_name = "cards-by-lapse-day"
        projection = KeysOnlyProjection()

    lapse_day = UnicodeAttribute(hash_key=True)  # YYYY-MM-DD
    pk = UnicodeAttribute(range_key=True)


class PersonItem(_Base):
    """参保人 profile: who the person is and how they are insured."""

    person_id = UnicodeAttribute()
    name = UnicodeAttribute()
    id_masked = UnicodeAttribute()
    birth_date = UnicodeAttribute()  # YYYY-MM-DD
    sex = UnicodeAttribute()  # male | female
    phone = UnicodeAttribute()  # 11 digits; needed to send SMS, never returned in full
    phone_key = UnicodeAttribute(null=True)  # keyed hash of the phone (PhoneIndex)
    by_phone = PhoneIndex()
    scheme = UnicodeAttribute()  # employee | resident
    region = UnicodeAttribute()
    status = UnicodeAttribute(default="active")  # active | suspended | ended
    retired = BooleanAttribute(default=False)
    groups = ListAttribute(of=UnicodeAttribute, default=list)
    poverty_exit_year = NumberAttribute(null=True)
    chronic = BooleanAttribute(default=False)
    employer = UnicodeAttribute(null=True)
    insured_since = UnicodeAttribute(null=True)  # YYYY-MM-DD
    tier_pct = NumberAttribute(null=True)  # employees: the year's average contribution, % of wage
    years_met = BooleanAttribute(default=False)  # retirees: contribution years reached


class YtdItem(_Base):
    """本年度累计：the year-to-date figures settlement writes (sk ``ME#YTD#<year>``), in fen."""

    basic_paid = NumberAttribute(default=0)
    outpatient_paid = NumberAttribute(default=0)
    chronic_paid = NumberAttribute(default=0)
    critical_burden = NumberAttribute(default=0)
    assistance_paid = NumberAttribute(default=0)
    version = VersionAttribute()


class AccountItem(_Base):
    """个人账户：the balance in fen (sk ``ME#ACCOUNT``); every change is conditional.

    ``summary`` (rules.account_summary) is what ``GET /v1/me/account`` shows beside the
    balance, rewritten by every change in its transaction; an item written before it
    existed has none until ``python -m chalicelib.ops.account_summaries`` fills it in.
    """

    balance = NumberAttribute(default=0)
    summary = JSONAttribute(null=True)
    version = VersionAttribute()
    notice_shard = UnicodeAttribute(null=True)  # NoticeAccountIndex
    for_notices = NoticeAccountIndex()


def notice_shard(region: str, person_id: str) -> str:
    """The shard of a person's account in the sparse index (spread by the person id)."""
    import zlib

    return f"{region}#{zlib.crc32(person_id.encode()) % NOTICE_SHARDS:02d}"


class NoticeItem(_Base):
    """短信记录：one SMS to a person (sk ``NOTICE#M#<yyyy-mm>`` for the monthly notice, so
    that its conditional put makes it once per month; ``NOTICE#E#<at>#<id>`` for an event).

    ``status``: waiting (quiet hours) → sending (claimed, ``lease_until``) → sent | failed
    | skipped (``reason``). ``text`` is what was sent, codes masked; ``values`` the slots
    of a waiting event notice. The phone is stored masked only."""

    kind = UnicodeAttribute()
    group = UnicodeAttribute()
    status = UnicodeAttribute()
    reason = UnicodeAttribute(null=True)
    created_at = UnicodeAttribute()
    due_at = UnicodeAttribute(null=True)
    sent_at = UnicodeAttribute(null=True)
    phone_masked = UnicodeAttribute(null=True)
    text = UnicodeAttribute(null=True)
    values = JSONAttribute(null=True)
    attempts = NumberAttribute(default=0)  # tries counted before ``claims`` (older items)
    lease_until = NumberAttribute(null=True)  # epoch seconds: a claim older than this is free
    claimed_by = UnicodeAttribute(null=True)  # the claim's own id: its retried request passes
    claims = UnicodeSetAttribute(null=True)  # each claim's id, once: the tries (a retried
    # request adds its id again, and a set keeps it once: one try, not two)
    message_id = UnicodeAttribute(null=True)
    ttl = NumberAttribute(null=True)


class NoticePrefsItem(_Base):
    """月度短信 and event preferences (sk ``ME#NOTICES``): the groups turned off."""

    turned_off = ListAttribute(of=UnicodeAttribute, default=list)
    changed_at = UnicodeAttribute()
    changed_by = UnicodeAttribute()  # portal | sms


class LedgerYearItem(_Base):
    """A year's page of a ledger (sk ``CONTRIB#<yyyy>`` or ``ACCOUNT#<yyyy>``).

    ``lines`` is the year's lines as compact JSON (each: at, period, kind, amount in
    fen (signed), detail, ref), written when the year's figures are booked; lines
    that happen one by one (a settlement's account debit) are items of their own,
    :class:`LedgerLineItem`, under the same prefix, so that one Query reads a year.
    Lines are only ever added: arrears and back-payments are lines of their own.
    """

    lines = UnicodeAttribute(default="[]")
    opening_balance = NumberAttribute(null=True)  # account pages: the balance on 1 January
    months_before = NumberAttribute(null=True)  # contribution pages: paid months before the year


class LedgerLineItem(_Base):
    """One ledger line written on its own (sk ``ACCOUNT#<yyyy>#<at>#<ref>``)."""

    at = UnicodeAttribute()
    period = UnicodeAttribute()
    kind = UnicodeAttribute()
    amount = NumberAttribute()
    detail = UnicodeAttribute(null=True)
    ref = UnicodeAttribute(null=True)


class SettlementItem(_Base):
    """结算单 in the person's partition (sk ``SETTLEMENT#<time>#<id>``), newest last."""

    settlement_id = UnicodeAttribute()
    hospital_id = UnicodeAttribute()
    visit_id = UnicodeAttribute()
    settled_at = UnicodeAttribute()
    status = UnicodeAttribute(default="settled")  # settled | reversed
    reversed_at = UnicodeAttribute(null=True)
    body = UnicodeAttribute()  # the settlement JSON as answered


class SettlementBillItem(_Base):
    """A settlement's bill lines (费用明细), sk ``BILL#<settlement id>``, written in the
    settlement's transaction. Kept apart from the settlement (whose sk range the list of
    settlements reads), so that a 300-line bill adds nothing to ``GET /v1/me/settlements``;
    only the FHIR ExplanationOfBenefit view reads it, one BatchGetItem a page."""

    lines = UnicodeAttribute()  # JSON [[code, catalogue A/B/C, amount in fen], ...]


class SettlementKeyItem(_Base):
    """Look-up by settlement id (pk ``SETTLEMENT#<id>``) or by visit (pk ``VISIT#<h>#<v>``)."""

    settlement_id = UnicodeAttribute()
    person_id = UnicodeAttribute()
    person_sk = UnicodeAttribute()
    fingerprint = UnicodeAttribute()
    hospital_id = UnicodeAttribute()
    status = UnicodeAttribute(default="settled")
    # visit keys only: the bills of this visit's earlier, reversed settlements
    # (fingerprint -> settlement id), so that a late retry of one gets its own answer
    earlier = JSONAttribute(null=True)
    # visit keys written since settlement inputs are one BatchGetItem: the answer as first
    # given, and when it was reversed, so that a replay answers from the read that found it
    body = UnicodeAttribute(null=True)
    reversed_at = UnicodeAttribute(null=True)


class ClientItem(_Base):
    """A machine client (hospital system, app): secret stored hashed (pk ``CLIENT#<id>``)."""

    name = UnicodeAttribute()
    secret_hash = UnicodeAttribute()
    scopes = ListAttribute(of=UnicodeAttribute, default=list)
    hospital_id = UnicodeAttribute(null=True)
    created_at = UnicodeAttribute()


class AppItem(_Base):
    """第三方应用: a registered app (pk ``APP#<client_id>``), its secret stored hashed."""

    name = UnicodeAttribute()
    operator = UnicodeAttribute()
    purpose = UnicodeAttribute()
    privacy_url = UnicodeAttribute()
    secret_hash = UnicodeAttribute()
    redirect_uris = ListAttribute(of=UnicodeAttribute, default=list)
    scopes = ListAttribute(of=UnicodeAttribute, default=list)
    max_duration = UnicodeAttribute()  # one_time | 13_months
    rate_limit = NumberAttribute()  # calls a minute, all persons together
    status = UnicodeAttribute(default="active")  # active | suspended
    created_at = UnicodeAttribute()


class AppGrantItem(_Base):
    """授权: a person's consent to one app, in the person's partition (sk ``APPGRANT#<id>``)."""

    grant_id = UnicodeAttribute()
    client_id = UnicodeAttribute()
    app_name = UnicodeAttribute()
    scopes = ListAttribute(of=UnicodeAttribute, default=list)
    duration = UnicodeAttribute()  # one_time | 13_months
    created_at = NumberAttribute()  # epoch seconds
    expires_at = NumberAttribute()  # the grant lapses then (access_grant_expiration)
    status = UnicodeAttribute(default="active")  # active | revoked
    revoked_at = NumberAttribute(null=True)
    revoked_by = UnicodeAttribute(null=True)  # person | app | reuse


class AppAccessItem(_Base):
    """谁查看了我的信息: one use by an app (sk ``APPACCESS#<time>#<rand>``), kept 3 years."""

    client_id = UnicodeAttribute()
    app_name = UnicodeAttribute()
    scope = UnicodeAttribute()
    route = UnicodeAttribute()
    at = NumberAttribute()
    status = NumberAttribute()
    ttl = NumberAttribute(null=True)


class FamilyLinkItem(_Base):
    """家庭共济 link, one copy in each person's partition (sk ``ME#FAMILY#<link_id>``).

    Both copies change in one transaction; ``role`` is this side's (payer or relative),
    ``relation`` what the other side is to this side.
    """

    link_id = UnicodeAttribute()
    role = UnicodeAttribute()
    relation = UnicodeAttribute()
    status = UnicodeAttribute(default="pending")  # pending | active | ended
    other_person_id = UnicodeAttribute()
    other_name = UnicodeAttribute()  # masked
    created_at = UnicodeAttribute()
    consented_at = UnicodeAttribute(null=True)
    ended_at = UnicodeAttribute(null=True)
    end_reason = UnicodeAttribute(null=True)
    version = VersionAttribute()


class FamilyPayerItem(_Base):
    """The relative's one active payer (sk ``ME#FAMILY_PAYER``): a guard for one link at a time."""

    link_id = UnicodeAttribute()
    payer_person_id = UnicodeAttribute()


class FamilyUseItem(_Base):
    """One use of a family link, in both statements (sk ``FAMILY#<yyyy>#<at>#<ref>``), fen."""

    at = UnicodeAttribute()
    link_id = UnicodeAttribute()
    role = UnicodeAttribute()  # this side's role
    kind = UnicodeAttribute()  # settlement | contribution | refund
    amount = NumberAttribute()  # positive: paid (payer) or received (relative); refunds negative
    relation = UnicodeAttribute()
    other_name = UnicodeAttribute()
    ref = UnicodeAttribute()
    text_zh = UnicodeAttribute()
    text_en = UnicodeAttribute()


class CardItem(_Base):
    """医保卡：the person's current card and its status (optimistic lock: ``version``)."""

    card_number = UnicodeAttribute()
    status = UnicodeAttribute(default="active")
    issued_on = UnicodeAttribute()
    status_since = UnicodeAttribute(null=True)  # ISO 8601 with offset
    replacement_due = UnicodeAttribute(null=True)  # YYYY-MM-DD
    pickup = UnicodeAttribute(null=True)  # outlet | mail
    outlet_id = UnicodeAttribute(null=True)
    mail_address = UnicodeAttribute(null=True)
    previous_number = UnicodeAttribute(null=True)
    lapse_day = UnicodeAttribute(null=True)  # a temporary loss: the day it lapses (index)
    by_lapse_day = CardLapseIndex()
    version = VersionAttribute()


class CardEventItem(_Base):
    """One audited card transition (sk ``ME#CARD#EVENT#<time>``): who, channel, before → after."""

    at = UnicodeAttribute()
    action = UnicodeAttribute()
    before = UnicodeAttribute()
    after = UnicodeAttribute()
    channel = UnicodeAttribute()
    actor = UnicodeAttribute()
    request_id = UnicodeAttribute(null=True)


class IdempotencyItem(_Base):
    """The first answer to a request with an ``Idempotency-Key`` (sk ``IDEMPOTENCY#<key>``)."""

    fingerprint = UnicodeAttribute()
    status = NumberAttribute()
    body = UnicodeAttribute()
    ttl = NumberAttribute(null=True)


class CertificateItem(_Base):
    """住院无卡证明：public by its code (pk ``CERTIFICATE#<code>``), reveals only masked data."""

    code = UnicodeAttribute()
    person_id = UnicodeAttribute()
    name_initial = UnicodeAttribute()
    id_masked = UnicodeAttribute()
    card_status = UnicodeAttribute()
    issued_at = UnicodeAttribute()
    valid_until = UnicodeAttribute()
    ttl = NumberAttribute(null=True)


class CardIndexItem(_Base):
    """Card number → person, for settlement by card (pk ``CARD#<number>``)."""

    person_id = UnicodeAttribute()


class FilingItem(_Base):
    """异地就医备案 in the person's partition (sk ``ME#FILING#<filing_id>``), read with the
    profile by the one ``ME#`` Query (settlement takes the filing in force from it)."""

    filing_id = UnicodeAttribute()
    category = UnicodeAttribute()
    term = UnicodeAttribute()  # long_term | temporary
    settles_as = UnicodeAttribute()  # the bill's visit.remote_filing
    city = UnicodeAttribute()  # GB/T 2260 prefecture code
    start = UnicodeAttribute()  # YYYY-MM-DD
    end = UnicodeAttribute(null=True)  # YYYY-MM-DD; None: open-ended
    status = UnicodeAttribute(default="active")  # active | cancelled
    cancelled_on = UnicodeAttribute(null=True)
    cancel_reason = UnicodeAttribute(null=True)
    created_at = UnicodeAttribute()
    channel = UnicodeAttribute(default="self_service")  # self_service | proxy
    agent_person_id = UnicodeAttribute(null=True)  # 代办：who filed for the person
    agent_name = UnicodeAttribute(null=True)  # masked
    commitment_at = UnicodeAttribute()  # when the personal commitment was given
    policy_version = UnicodeAttribute()
    reminded_at = UnicodeAttribute(null=True)  # the lapse reminder was sent
    version = VersionAttribute()


class FilingEventItem(_Base):
    """One audited filing change (sk ``ME#FILING#<id>#EVENT#<time>#<rand>``)."""

    at = UnicodeAttribute()
    action = UnicodeAttribute()  # created | changed | cancelled | reminded
    actor = UnicodeAttribute()  # the person id who acted (the holder, an agent, or "system")
    channel = UnicodeAttribute()
    before = UnicodeAttribute(null=True)  # JSON of the fields changed
    after = UnicodeAttribute(null=True)
    reason = UnicodeAttribute(null=True)
    request_id = UnicodeAttribute(null=True)


class FilingGuardItem(_Base):
    """A person's filing writes, one at a time (sk ``ME#FILINGS``): each write checks the
    version it read, so two requests cannot both pass "one filing in force per date".

    Every filing write puts it, so it also carries a copy of the filings that may still be
    in force (``open_filings``): a settlement reads it by key instead of Querying the
    person's partition. Guards written before the copy have none (the settlement Queries)."""

    version = VersionAttribute()
    open_filings = UnicodeAttribute(null=True)  # JSON list, newest first (filings.py)


class FilingLapseItem(_Base):
    """The reminder index (pk ``FILING_LAPSE#<last day>``, sk ``<person_id>#<filing_id>``):
    the job reads the days ahead by key, never the table."""

    person_id = UnicodeAttribute()
    filing_id = UnicodeAttribute()
    region = UnicodeAttribute()  # the holder's policy region: its policy says how early


class FilingProxyItem(_Base):
    """A request to file for a relative (sk ``FILING_PROXY#<request_id>``, in the agent's
    partition): the relative's consent code is asked for it; it is used once."""

    relative_id = UnicodeAttribute()
    relative_name = UnicodeAttribute()  # masked
    created_at = UnicodeAttribute()
    ttl = NumberAttribute(null=True)


class VoucherUseItem(_Base):
    """A used 医保电子凭证 (pk ``VOUCHER#<jti>``, sk ``VOUCHER``): written once, by a
    conditional put, when a hospital first verifies or settles with it; the hospital
    that used it may settle that one visit with it until ``settle_until``."""

    person_id = UnicodeAttribute()
    hospital_id = UnicodeAttribute()
    used_at = UnicodeAttribute()
    settle_until = NumberAttribute()  # epoch seconds
    visit_id = UnicodeAttribute(null=True)  # the visit it settled, once it has
    ttl = NumberAttribute(null=True)


class ProofItem(_Base):
    """参保证明：public by its code (pk ``PROOF#<code>``, sk ``PROOF``); holds only the facts
    printed on it, the name and ID number masked, as JSON (``facts``)."""

    person_id = UnicodeAttribute()
    facts = UnicodeAttribute()
    issued_at = UnicodeAttribute()
    valid_until = UnicodeAttribute()
    ttl = NumberAttribute(null=True)


class RevokedSessionItem(_Base):
    """退出登录：a signed-out token by its ``jti``, kept until the token would expire (TTL).

    Copies in the person's partition, each where a citizen read already looks: sk
    ``ME#SESSION#REVOKED#<jti>`` (the ``ME#`` Query of every read of a person),
    ``ACCOUNT#~SESSION#REVOKED#<jti>`` (after the account ledger's pages) and one after
    each list read newest first (settlements, family uses, SMS records), so that the
    check rides on the read the handler makes (chalicelib/sessions.py).
    """

    revoked_at = NumberAttribute()  # epoch seconds
    ttl = NumberAttribute()  # the token's exp: no use for the record after it


class _AuthBase(_Base):
    """Short-lived login state lives in its own table (``<table>-auth``), expired by TTL.

    It is written on every code request, by people who may not be insured, and
    has nothing to do with a person's records; keeping it apart also keeps the
    transactions of the login small.
    """

    class Meta:
        table_name = "yibao-unbound-auth"
        region = "cn-north-1"
        host: str | None = None
        connect_timeout_seconds = 2
        read_timeout_seconds = 5
        max_retry_attempts = 3


class OtpItem(_AuthBase):
    """A pending login code (短信验证码), stored hashed; one per person, replaced on resend."""

    code_hash = UnicodeAttribute()
    expires_at = NumberAttribute()  # epoch seconds
    attempts = NumberAttribute(default=0)
    ttl = NumberAttribute(null=True)  # epoch seconds; DynamoDB TTL deletes later


class InboundItem(_AuthBase):
    """An inbound SMS already handled (pk ``INBOUND#<signature>``): a replay is ignored."""

    ttl = NumberAttribute(null=True)


class RateItem(_AuthBase):
    """A fixed-window counter for rate limits (pk ``RL#<subject>#<window>``)."""

    hits = NumberAttribute(default=0)
    until = NumberAttribute(null=True)  # a gap limit: nothing more before this time
    ttl = NumberAttribute(null=True)  # epoch seconds; DynamoDB TTL deletes later


class OAuthCodeItem(_AuthBase):
    """An authorization code (pk ``OAUTHCODE#<hash>``): 10 minutes, once."""

    client_id = UnicodeAttribute()
    person_id = UnicodeAttribute()
    grant_id = UnicodeAttribute()
    redirect_uri = UnicodeAttribute()
    scope = UnicodeAttribute()
    code_challenge = UnicodeAttribute()
    expires_at = NumberAttribute()
    used = BooleanAttribute(default=False)
    ttl = NumberAttribute(null=True)


class OAuthTokenItem(_AuthBase):
    """An app's access or refresh token (pk ``OAUTHTOKEN#<hash>``), tied to its grant."""

    kind = UnicodeAttribute()  # access | refresh
    client_id = UnicodeAttribute()
    person_id = UnicodeAttribute()
    grant_id = UnicodeAttribute()
    scope = UnicodeAttribute()
    expires_at = NumberAttribute()
    used = BooleanAttribute(default=False)  # refresh tokens: once
    ttl = NumberAttribute(null=True)


ALL_MODELS: tuple[type[_Base], ...] = (
    PersonItem,
    YtdItem,
    AccountItem,
    SettlementItem,
    SettlementBillItem,
    SettlementKeyItem,
    LedgerYearItem,
    LedgerLineItem,
    ClientItem,
    AppItem,
    AppGrantItem,
    AppAccessItem,
    OAuthCodeItem,
    OAuthTokenItem,
    CardItem,
    CardEventItem,
    CardIndexItem,
    FamilyLinkItem,
    FamilyPayerItem,
    FamilyUseItem,
    IdempotencyItem,
    CertificateItem,
    FilingItem,
    FilingEventItem,
    FilingGuardItem,
    FilingLapseItem,
    FilingProxyItem,
    NoticeItem,
    NoticePrefsItem,
    VoucherUseItem,
    ProofItem,
    RevokedSessionItem,
    OtpItem,
    RateItem,
    InboundItem,
)
TABLES: tuple[type[_Base], ...] = (_Base, _AuthBase)


def bind(table_name: str, region: str, host: str | None) -> None:
    """Point every model at the stage's tables and endpoint (idempotent)."""
    models: tuple[type[_Base], ...] = (*TABLES, *ALL_MODELS)
    changed = False
    for model in models:
        meta: Any = model.Meta
        name = table_name + "-auth" if issubclass(model, _AuthBase) else table_name
        if (meta.table_name, meta.region, meta.host) != (name, region, host):
            meta.table_name = name
            meta.region = region
            meta.host = host
            changed = True
    if changed:
        # Every model its own connection: one inherited from its table's base would not
        # know the model's own indexes (the models share their Meta with the base).
        for model in models:
            model._connection = None


def transaction_connection() -> Connection:
    """The connection for TransactWrite, one per container (a botocore client is costly)."""
    meta: Any = _Base.Meta
    return _transaction_connection(meta.region, meta.host)


@cache
def _transaction_connection(region: str, host: str | None) -> Connection:
    return Connection(region=region, host=host)


def create_tables() -> None:
    """Create the tables (on-demand) with TTL on ``ttl``, if they do not exist."""
    for table in TABLES:
        if not table.exists():
            _create_with_indexes(table)
            table._get_connection().connection.client.update_time_to_live(
                TableName=table.Meta.table_name,
                TimeToLiveSpecification={"Enabled": True, "AttributeName": TTL_ATTRIBUTE},
            )


def _create_with_indexes(table: type[_Base]) -> None:
    """Create ``table`` (on-demand) with the global indexes of every model stored in it."""
    import time

    schema = table._get_schema()
    attributes = {a["AttributeName"]: a for a in schema["attribute_definitions"]}
    indexes: dict[str, dict[str, Any]] = {}
    for model in ALL_MODELS:
        home = max((t for t in TABLES if issubclass(model, t)), key=lambda t: len(t.__mro__))
        if home is not table:
            continue
        for index in model._get_schema()["global_secondary_indexes"]:
            for a in index["attribute_definitions"]:
                attributes[a["AttributeName"]] = a
            indexes[index["index_name"]] = {
                "index_name": index["index_name"],
                "key_schema": index["key_schema"],
                "projection": index["projection"],
            }
    table._get_connection().create_table(
        attribute_definitions=list(attributes.values()),
        key_schema=schema["key_schema"],
        global_secondary_indexes=list(indexes.values()) or None,
        billing_mode="PAY_PER_REQUEST",
    )
    while not table.exists():  # pragma: no cover - moto creates tables at once
        time.sleep(0.1)
