"""The Lambda answers without the distributions its package leaves out (infra/package.py).

``cryptography``, ``cffi``, ``pycparser`` and ``joserfc`` are installed here (Authlib
declares them) but not shipped. A fresh process with their modules made unimportable,
as they are in the Lambda, imports ``app`` and drives the OAuth flows (authorization
code with PKCE, refresh, RFC 7009 revocation, client credentials, an app's reads) and
every route of the scope table once; no answer may be a server error, and no import of
those modules may even be tried (a caught ImportError would be a path that behaves
differently here and in the Lambda).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

FRESH_LAMBDA = """
import json, os, sys
from importlib.abc import MetaPathFinder
from importlib.metadata import distribution

from infra.package import NOT_SHIPPED

def top_level_modules(dist):
    names = set()
    for f in distribution(dist).files or ():
        first = f.parts[0]
        if first != ".." and not first.endswith((".dist-info", ".libs")):
            names.add(first.split(".")[0])
    return names

BLOCKED = set().union(*(top_level_modules(d) for d in NOT_SHIPPED))
assert not BLOCKED & {m.split(".")[0] for m in sys.modules}, "imported before the blocker"
tried = []

class NotShipped(MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            tried.append(name)
            raise ModuleNotFoundError(f"No module named {name!r} (not shipped)", name=name)
        return None

sys.meta_path.insert(0, NotShipped())

from app import app  # noqa: E402  (the Lambda's first import)
from chalicelib.api.scopes import ROUTE_SCOPES
from local.client import ApiClient
from tests.api.oauth_flow import AppReg, auth_query, connect, form, pkce, refresh

api = ApiClient()
given = json.loads(os.environ["GIVEN"])
person, app_reg = given["person_token"], AppReg(given["client_id"], given["secret"])
statuses = {}

def call(label, reply):
    statuses[label] = reply.status
    return reply

_, challenge = pkce()
call("authorize", api.get("/v1/oauth/authorize?" + auth_query(app_reg, "profile:read", challenge)))
answer = connect(api, person, app_reg, ["profile:read", "benefits:read"])
for path in ("/v1/me", "/v1/me/benefits", "/v1/fhir/Patient"):
    call("app GET " + path, api.get(path, token=answer["access_token"]))
renewed = call("refresh", refresh(api, app_reg, answer["refresh_token"])).body
revoke = form(api, "/v1/oauth/revoke", {"token": renewed["refresh_token"]}, app_reg.basic())
call("revoke", revoke)
hospital = {"grant_type": "client_credentials", "client_id": given["hospital_id"],
            "client_secret": given["hospital_secret"]}
his = call("client_credentials", form(api, "/v1/oauth/token", hospital)).body["access_token"]
for route, scope in ROUTE_SCOPES.items():
    if route == "POST /v1/auth/logout":
        continue  # last: it ends the person's session
    method, path = route.split(" ", 1)
    for name, value in (("{filing_id}", "f" + "0" * 20), ("{link_id}", "l" + "0" * 20),
                        ("{grant_id}", "g" + "0" * 20), ("{settlement_id}", "S0001"),
                        ("{code}", "ZZ000000")):
        path = path.replace(name, value)
    body = {} if method in ("POST", "PUT", "PATCH") else None
    bearer = his if scope == "settlements:write" else person
    call(route, api.request(method, path, body, token=bearer))
call("POST /v1/auth/logout", api.post("/v1/auth/logout", {}, token=person))
print(json.dumps({"statuses": statuses, "tried": tried, "blocked": sorted(BLOCKED)}))
"""


def test_the_app_answers_every_route_and_the_oauth_flows_without_the_unshipped_packages(
    stack, api, login
):
    from datetime import datetime

    from chalicelib.api.scopes import ROUTE_SCOPES
    from chalicelib.bootstrap import container
    from chalicelib.services.clients import register_client
    from tests.api.oauth_flow import register

    app_reg = register(["profile:read", "benefits:read"])
    c = container()
    hospital_id, hospital_secret = register_client(
        c.clients, c.settings.pepper, "无加密库医院", ["settlements:write"], "H990101001",
        datetime.now(),
    )
    given = {"person_token": login(stack.fresh_person()), "client_id": app_reg.client_id,
             "secret": app_reg.secret, "hospital_id": hospital_id,
             "hospital_secret": hospital_secret}
    done = subprocess.run(
        [sys.executable, "-c", FRESH_LAMBDA], cwd=ROOT, capture_output=True, text=True,
        env={**os.environ, "GIVEN": json.dumps(given)}, timeout=300,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert {"cryptography", "_cffi_backend", "cffi", "pycparser", "joserfc"} <= set(
        found["blocked"]
    )
    assert found["tried"] == []
    statuses = found["statuses"]
    assert len(statuses) == 7 + len(ROUTE_SCOPES), sorted(statuses)  # the flow, every route
    for step in ("authorize", "refresh", "revoke", "client_credentials"):
        assert statuses[step] in (200, 302), (step, statuses[step])
    assert all(statuses[f"app GET {p}"] == 200 for p in ("/v1/me", "/v1/me/benefits",
                                                        "/v1/fhir/Patient"))
    assert statuses["POST /v1/settlements"] == 422  # past the hospital's scope check
    assert not {r: s for r, s in statuses.items() if s >= 500}
