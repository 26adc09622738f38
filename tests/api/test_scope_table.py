"""The one scope table (chalicelib/api/scopes.py) against every route of the OpenAPI document.

A route the document has and the table lacks fails here, with the exact line to add; a
line for a route that no longer exists fails too. Pure (no stack): reads two files.
"""

from __future__ import annotations

import json
from pathlib import Path

from chalicelib.api.scopes import (
    APP_SCOPES,
    HOSPITAL,
    PERSON_ONLY,
    PUBLIC,
    ROUTE_SCOPES,
    WEBHOOK,
)

ROOT = Path(__file__).resolve().parents[2]
METHODS = ("get", "put", "post", "patch", "delete")
KINDS = {PUBLIC: "PUBLIC", PERSON_ONLY: "PERSON_ONLY", HOSPITAL: "HOSPITAL", WEBHOOK: "WEBHOOK"}


def document_routes() -> list[str]:
    document = json.loads((ROOT / "schemas" / "openapi.json").read_text("utf-8"))
    return sorted(
        f"{method.upper()} {path}"
        for path, item in document["paths"].items()
        for method in item
        if method in METHODS
    )


def suggestion(route: str) -> str:
    """The line to add: a person route defaults to PERSON_ONLY (apps refused) until decided."""
    path = route.split(" ", 1)[1]
    need = "PERSON_ONLY" if path.startswith("/v1/me") else "PUBLIC"
    return f'    "{route}": {need},  # or an app scope from APP_SCOPES, HOSPITAL, WEBHOOK'


def test_every_route_of_the_document_has_its_line_in_the_scope_table():
    missing = [r for r in document_routes() if r not in ROUTE_SCOPES]
    assert not missing, (
        "These routes are in schemas/openapi.json but not in ROUTE_SCOPES "
        "(chalicelib/api/scopes.py). Add to ROUTE_SCOPES:\n"
        + "\n".join(suggestion(r) for r in missing)
    )


def test_the_table_names_no_route_the_document_lacks():
    stale = sorted(set(ROUTE_SCOPES) - set(document_routes()))
    assert not stale, (
        "ROUTE_SCOPES (chalicelib/api/scopes.py) lists routes that schemas/openapi.json "
        "does not have; remove these lines (or document the route):\n"
        + "\n".join(f'    "{r}": ...' for r in stale)
    )


def test_each_line_names_an_app_scope_or_one_of_the_four_kinds():
    wrong = {r: n for r, n in ROUTE_SCOPES.items() if n not in APP_SCOPES and n not in KINDS}
    assert not wrong, f"unknown needs (use APP_SCOPES or {sorted(KINDS.values())}): {wrong}"


def test_apps_reach_only_the_persons_own_routes_and_the_portal_keeps_its_own():
    for route, need in ROUTE_SCOPES.items():
        path = route.split(" ", 1)[1]
        if need in APP_SCOPES:  # an app's scope opens only routes about the person
            assert path.startswith(("/v1/me", "/v1/fhir/")), route
    portal_only = [
        "POST /v1/auth/refresh", "GET /v1/me/notices", "PUT /v1/me/notices/preferences",
        "GET /v1/me/apps", "DELETE /v1/me/apps/{grant_id}", "GET /v1/me/app-access",
        "POST /v1/oauth/consent", "POST /v1/me/voucher",
    ]
    assert {ROUTE_SCOPES[r] for r in portal_only} == {PERSON_ONLY}
    assert ROUTE_SCOPES["POST /v1/sms/inbound"] == WEBHOOK
    assert ROUTE_SCOPES["POST /v1/vouchers/verification"] == HOSPITAL


def test_every_app_scope_opens_at_least_one_route_and_has_words_in_both_languages():
    used = set(ROUTE_SCOPES.values())
    for scope, (zh, en) in APP_SCOPES.items():
        assert scope in used, f"{scope} opens no route"
        assert zh and en and "," not in zh  # Chinese takes full-width punctuation


def test_the_missing_route_message_names_the_line_to_add():
    assert suggestion("GET /v1/me/new-thing") == (
        '    "GET /v1/me/new-thing": PERSON_ONLY,  # or an app scope from APP_SCOPES, HOSPITAL,'
        " WEBHOOK"
    )
    assert suggestion("GET /v1/lookup").startswith('    "GET /v1/lookup": PUBLIC,')
