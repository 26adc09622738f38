"""Third-party apps on DynamoDB: registrations, grants, codes, tokens, audit, rate counters.

Codes and tokens are stored under a hash of their value, never the value. Using a
code or a refresh token is one conditional update (``used`` from false to true), so
two requests racing with the same one never both win.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from pynamodb.exceptions import TransactWriteError, UpdateError
from pynamodb.transactions import TransactWrite

from chalicelib.adapters.dynamodb.faults import translate_faults
from chalicelib.adapters.dynamodb.models import (
    AppAccessItem,
    AppGrantItem,
    AppItem,
    OAuthCodeItem,
    OAuthTokenItem,
    RateItem,
    person_pk,
    transaction_connection,
)

GRANT_PREFIX = "APPGRANT#"
ACCESS_PREFIX = "APPACCESS#"
_DAY = 86_400


@dataclass(frozen=True)
class App:
    """第三方应用 as registered by an operator."""

    client_id: str
    name: str
    operator: str
    purpose: str
    privacy_url: str
    secret_hash: str
    redirect_uris: tuple[str, ...]
    scopes: tuple[str, ...]
    max_duration: str
    rate_limit: int
    status: str
    created_at: str


@dataclass(frozen=True)
class Grant:
    """A person's consent to one app (授权)."""

    person_id: str
    grant_id: str
    client_id: str
    app_name: str
    scopes: tuple[str, ...]
    duration: str
    created_at: int
    expires_at: int
    status: str
    revoked_at: int | None = None
    revoked_by: str | None = None


@dataclass(frozen=True)
class Code:
    code_hash: str
    client_id: str
    person_id: str
    grant_id: str
    redirect_uri: str
    scope: str
    code_challenge: str
    expires_at: int


@dataclass(frozen=True)
class Token:
    token_hash: str
    kind: str  # access | refresh
    client_id: str
    person_id: str
    grant_id: str
    scope: str
    expires_at: int


@dataclass(frozen=True)
class Access:
    """One use of the person's data by an app (谁查看了我的信息)."""

    client_id: str
    app_name: str
    scope: str
    route: str
    at: int
    status: int


def _app(item: AppItem) -> App:
    return App(
        client_id=item.pk.removeprefix("APP#"),
        name=item.name,
        operator=item.operator,
        purpose=item.purpose,
        privacy_url=item.privacy_url,
        secret_hash=item.secret_hash,
        redirect_uris=tuple(str(u) for u in item.redirect_uris or ()),
        scopes=tuple(str(s) for s in item.scopes or ()),
        max_duration=item.max_duration,
        rate_limit=int(item.rate_limit),
        status=item.status,
        created_at=item.created_at,
    )


def _grant(item: AppGrantItem) -> Grant:
    return Grant(
        person_id=item.pk.removeprefix("PERSON#"),
        grant_id=item.grant_id,
        client_id=item.client_id,
        app_name=item.app_name,
        scopes=tuple(str(s) for s in item.scopes or ()),
        duration=item.duration,
        created_at=int(item.created_at),
        expires_at=int(item.expires_at),
        status=item.status,
        revoked_at=None if item.revoked_at is None else int(item.revoked_at),
        revoked_by=item.revoked_by,
    )


def _conditional(update: Any) -> bool:
    """Run a conditional update; False when its condition did not hold."""
    try:
        update()
    except UpdateError as exc:
        if exc.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    return True


@translate_faults
class DynamoOAuthStore:
    # --- apps ---------------------------------------------------------------------------
    def save_app(self, app: App) -> None:
        AppItem(
            f"APP#{app.client_id}",
            "APP",
            name=app.name,
            operator=app.operator,
            purpose=app.purpose,
            privacy_url=app.privacy_url,
            secret_hash=app.secret_hash,
            redirect_uris=list(app.redirect_uris),
            scopes=list(app.scopes),
            max_duration=app.max_duration,
            rate_limit=app.rate_limit,
            status=app.status,
            created_at=app.created_at,
        ).save(condition=AppItem.pk.does_not_exist())

    def get_app(self, client_id: str) -> App | None:
        try:
            return _app(AppItem.get(f"APP#{client_id}", "APP"))
        except AppItem.DoesNotExist:
            return None

    def set_app_status(self, client_id: str, status: str) -> bool:
        item = AppItem(f"APP#{client_id}", "APP")
        return _conditional(
            lambda: item.update(actions=[AppItem.status.set(status)], condition=AppItem.pk.exists())
        )

    # --- grants -------------------------------------------------------------------------
    def save_grant(self, grant: Grant) -> None:
        AppGrantItem(
            person_pk(grant.person_id),
            GRANT_PREFIX + grant.grant_id,
            grant_id=grant.grant_id,
            client_id=grant.client_id,
            app_name=grant.app_name,
            scopes=list(grant.scopes),
            duration=grant.duration,
            created_at=grant.created_at,
            expires_at=grant.expires_at,
            status=grant.status,
        ).save(condition=AppGrantItem.pk.does_not_exist())

    def get_grant(self, person_id: str, grant_id: str) -> Grant | None:
        try:
            return _grant(AppGrantItem.get(person_pk(person_id), GRANT_PREFIX + grant_id))
        except AppGrantItem.DoesNotExist:
            return None

    def grants_of(self, person_id: str) -> list[Grant]:
        items = AppGrantItem.query(
            person_pk(person_id), AppGrantItem.sk.startswith(GRANT_PREFIX), scan_index_forward=False
        )
        return [_grant(item) for item in items]

    def revoke_grant(self, person_id: str, grant_id: str, now: int, by: str) -> bool:
        """Active → revoked; False when there is no such grant (or it was already revoked)."""
        item = AppGrantItem(person_pk(person_id), GRANT_PREFIX + grant_id)
        return _conditional(
            lambda: item.update(
                actions=[
                    AppGrantItem.status.set("revoked"),
                    AppGrantItem.revoked_at.set(now),
                    AppGrantItem.revoked_by.set(by),
                ],
                condition=AppGrantItem.pk.exists() & (AppGrantItem.status == "active"),
            )
        )

    def expire_grant(self, person_id: str, grant_id: str, at: int) -> bool:
        """The sandbox's way to make a grant lapse now (``expires_at`` set to ``at``)."""
        item = AppGrantItem(person_pk(person_id), GRANT_PREFIX + grant_id)
        return _conditional(
            lambda: item.update(
                actions=[AppGrantItem.expires_at.set(at)], condition=AppGrantItem.pk.exists()
            )
        )

    # --- codes --------------------------------------------------------------------------
    def save_code(self, code: Code) -> None:
        OAuthCodeItem(
            f"OAUTHCODE#{code.code_hash}",
            "CODE",
            client_id=code.client_id,
            person_id=code.person_id,
            grant_id=code.grant_id,
            redirect_uri=code.redirect_uri,
            scope=code.scope,
            code_challenge=code.code_challenge,
            expires_at=code.expires_at,
            used=False,
            ttl=code.expires_at + _DAY,
        ).save(condition=OAuthCodeItem.pk.does_not_exist())

    def use_code(self, code_hash: str, client_id: str, now: int) -> tuple[Code | None, Code | None]:
        """(the code, now used) or (None, the code when it had been used before)."""
        item = OAuthCodeItem(f"OAUTHCODE#{code_hash}", "CODE")
        won = _conditional(
            lambda: item.update(
                actions=[OAuthCodeItem.used.set(True)],
                condition=OAuthCodeItem.pk.exists()
                & (OAuthCodeItem.used == False)  # noqa: E712 (a DynamoDB condition)
                & (OAuthCodeItem.client_id == client_id)
                & (OAuthCodeItem.expires_at > now),
            )
        )
        if won:
            return _code(code_hash, item), None
        try:
            old = OAuthCodeItem.get(f"OAUTHCODE#{code_hash}", "CODE")
        except OAuthCodeItem.DoesNotExist:
            return None, None
        return None, (_code(code_hash, old) if old.used and old.client_id == client_id else None)

    # --- tokens -------------------------------------------------------------------------
    def save_token(self, token: Token) -> None:
        OAuthTokenItem(
            f"OAUTHTOKEN#{token.token_hash}",
            "TOKEN",
            kind=token.kind,
            client_id=token.client_id,
            person_id=token.person_id,
            grant_id=token.grant_id,
            scope=token.scope,
            expires_at=token.expires_at,
            used=False,
            ttl=token.expires_at + _DAY,
        ).save()

    def get_token(self, token_hash: str) -> Token | None:
        try:
            return _token(token_hash, OAuthTokenItem.get(f"OAUTHTOKEN#{token_hash}", "TOKEN"))
        except OAuthTokenItem.DoesNotExist:
            return None

    def use_refresh_token(self, token_hash: str) -> tuple[Token | None, Token | None]:
        """(the refresh token, now used) or (None, the token when it had been used before)."""
        item = OAuthTokenItem(f"OAUTHTOKEN#{token_hash}", "TOKEN")
        won = _conditional(
            lambda: item.update(
                actions=[OAuthTokenItem.used.set(True)],
                condition=OAuthTokenItem.pk.exists()
                & (OAuthTokenItem.kind == "refresh")
                & (OAuthTokenItem.used == False),  # noqa: E712 (a DynamoDB condition)
            )
        )
        if won:
            return _token(token_hash, item), None
        old = self.get_token(token_hash)
        return None, (old if old is not None and old.kind == "refresh" else None)

    # --- audit --------------------------------------------------------------------------

    def accesses(
        self, person_id: str, client_id: str | None, limit: int, before: str | None
    ) -> tuple[list[Access], str | None]:
        """Newest first, ``limit`` a page; the cursor is the last sort key shown."""
        condition = (
            AppAccessItem.sk.between(ACCESS_PREFIX, before)
            if before
            else AppAccessItem.sk.startswith(ACCESS_PREFIX)
        )
        found: list[Access] = []
        last: str | None = None
        query = AppAccessItem.query(
            person_pk(person_id),
            condition,
            filter_condition=(AppAccessItem.client_id == client_id) if client_id else None,
            scan_index_forward=False,
            page_size=max(limit, 50),
        )
        for item in query:
            if before and item.sk >= before:
                continue
            if len(found) == limit:
                return found, last
            found.append(
                Access(
                    item.client_id,
                    item.app_name,
                    item.scope,
                    item.route,
                    int(item.at),
                    int(item.status),
                )
            )
            last = item.sk
        return found, None

    # --- one call by an app: two requests of its own, then the read ----------------------
    def call_state(
        self, person_id: str, grant_id: str, client_id: str, counters: tuple[str, str]
    ) -> tuple[Grant | None, App | None, tuple[int, int]]:
        """The grant, the app and the hits so far of the two rate counters, in one consistent
        BatchGetItem over both tables: a revocation or a suspension a moment ago counts."""
        grant_key = {"pk": {"S": person_pk(person_id)}, "sk": {"S": GRANT_PREFIX + grant_id}}
        app_key = {"pk": {"S": f"APP#{client_id}"}, "sk": {"S": "APP"}}
        wanted: dict[str, Any] = {
            AppItem.Meta.table_name: {"Keys": [grant_key, app_key], "ConsistentRead": True},
            RateItem.Meta.table_name: {
                "Keys": [{"pk": {"S": k}, "sk": {"S": "RL"}} for k in counters],
                "ConsistentRead": True,
            },
        }
        found: list[dict[str, Any]] = []
        for _ in range(5):  # DynamoDB may defer keys under load: ask again for those
            raw = transaction_connection().dispatch("BatchGetItem", {"RequestItems": wanted})
            for items in raw.get("Responses", {}).values():
                found += items
            wanted = raw.get("UnprocessedKeys") or {}
            if not wanted:
                break
        else:  # pragma: no cover - the store kept deferring
            raise RuntimeError("the store deferred the app call's keys five times")
        by_key = {(i["pk"]["S"], i["sk"]["S"]): i for i in found}
        grant_item = by_key.get((grant_key["pk"]["S"], grant_key["sk"]["S"]))
        app_item = by_key.get((app_key["pk"]["S"], "APP"))
        hits = tuple(int(by_key.get((k, "RL"), {}).get("hits", {}).get("N", 0)) for k in counters)
        return (
            _grant(AppGrantItem.from_raw_data(grant_item)) if grant_item else None,
            _app(AppItem.from_raw_data(app_item)) if app_item else None,
            (hits[0], hits[1]),
        )

    def admit(
        self,
        counters: tuple[tuple[str, int], tuple[str, int]],
        window_end: int,
        person_id: str,
        access: Access,
        keep_seconds: int,
    ) -> str | None:
        """Count the call on both fixed-window counters, each only while below its limit, and
        write its access-log line, in one transaction; the line's sort key, or None when a
        counter is at its limit (then nothing is written: a flood fills no log)."""
        sk = f"{ACCESS_PREFIX}{access.at:011d}#{secrets.token_hex(4)}"
        try:
            with TransactWrite(connection=transaction_connection()) as tx:
                for key, limit in counters:
                    tx.update(
                        RateItem(key, "RL"),
                        actions=[RateItem.hits.add(1), RateItem.ttl.set(window_end + _DAY)],
                        condition=RateItem.hits.does_not_exist() | (RateItem.hits < limit),
                    )
                tx.save(_access_item(person_id, sk, access, keep_seconds))
        except TransactWriteError as exc:
            codes = [r.code if r else None for r in (exc.cancellation_reasons or [])]
            if "ConditionalCheckFailed" in codes:
                return None
            raise
        return sk

    def set_access_status(self, person_id: str, sk: str, status: int) -> None:
        """The call ended otherwise than its checks foresaw (a 404, a 422): its line says so."""
        AppAccessItem(person_pk(person_id), sk).update(actions=[AppAccessItem.status.set(status)])


def _access_item(person_id: str, sk: str, access: Access, keep_seconds: int) -> AppAccessItem:
    return AppAccessItem(
        person_pk(person_id),
        sk,
        client_id=access.client_id,
        app_name=access.app_name,
        scope=access.scope,
        route=access.route,
        at=access.at,
        status=access.status,
        ttl=access.at + keep_seconds,
    )


def _code(code_hash: str, item: OAuthCodeItem) -> Code:
    return Code(
        code_hash,
        item.client_id,
        item.person_id,
        item.grant_id,
        item.redirect_uri,
        item.scope,
        item.code_challenge,
        int(item.expires_at),
    )


def _token(token_hash: str, item: OAuthTokenItem) -> Token:
    return Token(
        token_hash,
        item.kind,
        item.client_id,
        item.person_id,
        item.grant_id,
        item.scope,
        int(item.expires_at),
    )
