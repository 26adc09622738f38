"""Which route needs which scope: the one table (第三方应用授权范围).

Every route of ``schemas/openapi.json`` has one line here, ``"METHOD /path": need``:

* an app scope (``"card:read"``): a third-party app's token must carry it (else 403);
  the person's own portal token (``citizen``) may use every person route;
* ``PERSON_ONLY``: the person's own portal token only; no app may ever call it;
* ``PUBLIC``: no token at all;
* ``HOSPITAL``: a hospital's client-credentials token (``settlements:write``);
* ``WEBHOOK``: no token; the caller signs the body (HMAC), e.g. the SMS gateway's replies.

A route missing from the table refuses every app (it fails closed) and fails
``tests/api/test_scope_table.py``, whose message names the line to add. Adding a
route is adding one line here; a new app scope also goes into :data:`APP_SCOPES`
with its plain words (the consent page shows them).
"""

from __future__ import annotations

PUBLIC = "public"
PERSON_ONLY = "person-only"
HOSPITAL = "settlements:write"
WEBHOOK = "webhook"

#: The scopes an app may ask for, each with the words the consent page shows.
APP_SCOPES: dict[str, tuple[str, str]] = {
    "profile:read": (
        "您的参保基本信息：姓名（部分隐藏）、参保类型、参保状态、地区",
        "Your insurance profile: masked name, scheme, status, region",
    ),
    "card:read": (
        "您的医保卡状态（是否挂失、能否结算）",
        "Your card's status (lost or not, usable for settlement)",
    ),
    "card:write": (
        "替您办理医保卡挂失和补卡",
        "Report your card lost and request a replacement for you",
    ),
    "contributions:read": ("您的缴费记录", "Your contribution records"),
    "account:read": ("您的个人账户余额和收支明细", "Your personal account balance and entries"),
    "benefits:read": (
        "您今年的待遇额度：已用多少、还剩多少",
        "This year's benefits: allowed, used and left",
    ),
    "settlements:read": (
        "您的就医结算记录（医院、金额、各项基金支付）",
        "Your settlements (hospital, amounts, what each fund paid)",
    ),
    "filings:read": ("您的异地就医备案", "Your remote-care filings"),
    "filings:write": (
        "替您办理、变更、取消异地就医备案",
        "File, change and cancel remote-care filings for you",
    ),
    "family:read": ("您的家庭共济关系和使用记录", "Your family account links and their use"),
    "estimates": (
        "用您的参保信息估算看病自付多少",
        "Estimate what you would pay, from your insurance",
    ),
}

ROUTE_SCOPES: dict[str, str] = {
    # login and public look-ups
    "POST /v1/auth/otp": PUBLIC,
    "POST /v1/auth/token": PUBLIC,
    "GET /v1/meta": PUBLIC,
    "GET /v1/openapi.json": PUBLIC,
    "GET /v1/certificates/{code}": PUBLIC,
    "GET /v1/regions": PUBLIC,
    "GET /v1/institutions": PUBLIC,
    "GET /v1/proofs/{code}": PUBLIC,  # anyone holding a proof's code checks it (参保证明核验)
    # the person's session: the portal only
    "POST /v1/auth/refresh": PERSON_ONLY,
    "POST /v1/auth/logout": PERSON_ONLY,
    # OAuth 2.0: the app's side and the consent page
    "POST /v1/oauth/token": PUBLIC,
    "GET /v1/oauth/authorize": PUBLIC,
    "GET /v1/oauth/consent": PUBLIC,
    "POST /v1/oauth/consent": PERSON_ONLY,
    "POST /v1/oauth/revoke": PUBLIC,
    # the person's own data
    "GET /v1/me": "profile:read",
    "GET /v1/me/card": "card:read",
    "POST /v1/me/card/loss": "card:write",
    "POST /v1/me/card/unfreeze-code": PERSON_ONLY,
    "POST /v1/me/card/unfreeze": PERSON_ONLY,
    "POST /v1/me/card/replacement": "card:write",
    "GET /v1/me/card/no-card-certificate": "card:read",
    "POST /v1/me/estimates": "estimates",
    "GET /v1/me/settlements": "settlements:read",
    "GET /v1/me/contributions": "contributions:read",
    "GET /v1/me/account": "account:read",
    "GET /v1/me/account/entries": "account:read",
    "GET /v1/me/account/statement": "account:read",
    "POST /v1/me/proofs": PERSON_ONLY,  # an official proof is the person's own act
    "POST /v1/me/voucher": PERSON_ONLY,  # 医保电子凭证: shown at the counter, never by an app
    "GET /v1/me/benefits": "benefits:read",
    "GET /v1/me/family": "family:read",
    "POST /v1/me/family": PERSON_ONLY,
    "GET /v1/me/family/uses": "family:read",
    "POST /v1/me/family/{link_id}/code": PERSON_ONLY,
    "POST /v1/me/family/{link_id}/consent": PERSON_ONLY,
    "POST /v1/me/family/{link_id}/accept": PERSON_ONLY,
    "POST /v1/me/family/{link_id}/end": PERSON_ONLY,
    "POST /v1/me/family/{link_id}/contribution": PERSON_ONLY,
    "GET /v1/me/filings": "filings:read",
    "POST /v1/me/filings": "filings:write",
    "POST /v1/me/filings/preview": "filings:read",
    "POST /v1/me/filings/proxy-requests": PERSON_ONLY,
    "GET /v1/me/filings/{filing_id}": "filings:read",
    "PATCH /v1/me/filings/{filing_id}": "filings:write",
    "POST /v1/me/filings/{filing_id}/cancel": "filings:write",
    # the person's messages and how they are sent (短信): the portal only
    "GET /v1/me/notices": PERSON_ONLY,
    "GET /v1/me/notices/preferences": PERSON_ONLY,
    "PUT /v1/me/notices/preferences": PERSON_ONLY,
    "POST /v1/sms/inbound": WEBHOOK,  # the SMS gateway's replies (退订), HMAC-signed
    # FHIR R4 read views (the same data as above, for apps that speak FHIR)
    "GET /v1/fhir/metadata": PUBLIC,
    "GET /v1/fhir/Patient": "profile:read",
    "GET /v1/fhir/Coverage": "profile:read",
    "GET /v1/fhir/CoverageEligibilityResponse": "benefits:read",
    "GET /v1/fhir/ExplanationOfBenefit": "settlements:read",
    # the person's apps (授权管理, 谁查看了我的信息): never an app's business
    "GET /v1/me/apps": PERSON_ONLY,
    "DELETE /v1/me/apps/{grant_id}": PERSON_ONLY,
    "GET /v1/me/app-access": PERSON_ONLY,
    # hospitals
    "POST /v1/settlements": HOSPITAL,
    "POST /v1/settlements/{settlement_id}/reversal": HOSPITAL,
    "POST /v1/vouchers/verification": HOSPITAL,
}


def needed_scope(method: str, path: str) -> str | None:
    """What ``METHOD path`` needs (a scope or PERSON_ONLY, PUBLIC, HOSPITAL, WEBHOOK); None."""
    return ROUTE_SCOPES.get(f"{method.upper()} {path}")
