"""异地就医备案 (remote-care filing) under ``/v1/me/filings``, and the public look-ups it
needs: administrative divisions (``/v1/regions``) and designated hospitals
(``/v1/institutions``). Thin handlers over ``services/filings.py``."""

from __future__ import annotations

import re
from typing import Any

from chalice.app import Blueprint, Response

from chalicelib.api.auth import id_number_field
from chalicelib.api.citizen import current_person_id
from chalicelib.api.http import (
    client_ip,
    field_error,
    idempotency_key,
    json_body,
    json_response,
    query_param,
    route,
)
from chalicelib.bootstrap import container
from chalicelib.logs import request_id

bp = Blueprint(__name__)
NO_STORE = {"Cache-Control": "no-store"}
PUBLIC = {"Cache-Control": "public, max-age=3600"}
_FILING_ID = re.compile(r"^rc[0-9a-f]{16}$")
_CITY = re.compile(r"^[0-9]{6}$")
_SEARCH = re.compile(r"^[\u3400-\u9fff0-9A-Za-z ·'()-]{1,20}$")


def _service() -> Any:
    """The filing service, imported on first use (it brings the rules layer)."""
    from chalicelib.services import filings

    return filings


def _preview() -> Any:
    from chalicelib.services import filing_preview

    return filing_preview


def _proxy() -> Any:
    from chalicelib.services import filing_proxy

    return filing_proxy


def _filing_id(filing_id: str) -> str:
    if not _FILING_ID.fullmatch(filing_id):
        raise field_error("filing_id", "pattern", "This is not a filing id.", "备案编号不正确。")
    return filing_id


def _search(name: str) -> str | None:
    value = query_param(bp.current_request, name)
    if value is not None and not _SEARCH.fullmatch(value):
        raise field_error(
            name,
            "pattern",
            f"{name} is 1–20 letters, digits or Chinese characters.",
            "搜索内容应为1到20个汉字、字母或数字。",
        )
    return value


@route(bp, "/v1/me/filings", "GET")
def overview() -> Response:
    person_id = current_person_id(bp.current_request, "filings:read")
    return json_response(_service().overview(container().filings(), person_id), headers=NO_STORE)


@route(bp, "/v1/me/filings", "POST")
def create() -> Response:
    request = bp.current_request
    person_id = current_person_id(request, "filings:write")
    body = json_body(request, "filing-request")
    filing = _service().create(
        container().filings(),
        person_id,
        body,
        idempotency_key=idempotency_key(request),
        request_id=request_id.get(),
    )
    return json_response(filing, status=201, headers=NO_STORE)


@route(bp, "/v1/me/filings/preview", "POST")
def preview() -> Response:
    request = bp.current_request
    person_id = current_person_id(request, "filings:read")
    body = json_body(request, "filing-preview-request")
    return json_response(
        _preview().preview(container().filings(), person_id, body), headers=NO_STORE
    )


@route(bp, "/v1/me/filings/proxy-requests", "POST")
def request_proxy() -> Response:
    request = bp.current_request
    person_id = current_person_id(request, "filings:write")
    body = json_body(request, "filing-proxy-request")
    number = id_number_field(body["id_number"])
    asked = _proxy().request_proxy(
        container().filings(), person_id, number, body["name"], client_ip(request)
    )
    return json_response(asked, status=202, headers=NO_STORE)


@route(bp, "/v1/me/filings/{filing_id}", "GET")
def get_filing(filing_id: str) -> Response:
    person_id = current_person_id(bp.current_request, "filings:read")
    body = _service().get_filing(container().filings(), person_id, _filing_id(filing_id))
    return json_response(body, headers=NO_STORE)


@route(bp, "/v1/me/filings/{filing_id}", "PATCH")
def change(filing_id: str) -> Response:
    request = bp.current_request
    person_id = current_person_id(request, "filings:write")
    body = json_body(request, "filing-change-request")
    changed = _service().change(
        container().filings(), person_id, _filing_id(filing_id), body, request_id=request_id.get()
    )
    return json_response(changed, headers=NO_STORE)


@route(bp, "/v1/me/filings/{filing_id}/cancel", "POST")
def cancel(filing_id: str) -> Response:
    request = bp.current_request
    person_id = current_person_id(request, "filings:write")
    body = json_body(request, "filing-cancel-request") if request.raw_body else {}
    done = _service().cancel(
        container().filings(), person_id, _filing_id(filing_id), body, request_id=request_id.get()
    )
    return json_response(done, headers=NO_STORE)


@route(bp, "/v1/regions", "GET")
def regions() -> Response:
    """The division picker: provinces and their cities (GB/T 2260, prefecture level)."""
    from chalicelib.rules import places

    doc = places.divisions()
    return json_response(
        {
            "provinces": places.search_regions(_search("q")),
            "standard": doc["standard"],
            "source": doc["source"],
            "derived_on": doc["derived_on"],
        },
        headers=PUBLIC,
    )


@route(bp, "/v1/institutions", "GET")
def institutions() -> Response:
    """Designated hospitals (跨省联网定点医疗机构) by city and/or name."""
    from chalicelib.rules import places

    city = query_param(bp.current_request, "city")
    if city is not None and (not _CITY.fullmatch(city) or places.city(city) is None):
        raise field_error(
            "city",
            "unknown_division",
            "city is a city code from GET /v1/regions.",
            "城市代码不正确，请从列表中选择。",
        )
    q = _search("q")
    if city is None and q is None:
        raise field_error(
            "city",
            "required",
            "Give a city, a name to search for, or both.",
            "请选择城市或输入医院名称。",
        )
    found = places.institutions(city, q)
    return json_response(
        {
            "institutions": [i.to_json() for i in found],
            "source": "demo",
            "what_to_do_zh": places.WHAT_TO_DO[0],
            "what_to_do_en": places.WHAT_TO_DO[1],
        },
        headers=PUBLIC,
    )
