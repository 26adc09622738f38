"""About the API itself: the OpenAPI document, the stage, health."""

from __future__ import annotations

from chalice.app import Blueprint, Response

from chalicelib.api.http import json_response, route
from chalicelib.bootstrap import container
from chalicelib.schemas import HERE

bp = Blueprint(__name__)


@route(bp, "/v1/openapi.json", "GET")
def openapi() -> Response:
    text = (HERE / "openapi.json").read_text(encoding="utf-8")
    return Response(body=text, headers={"Content-Type": "application/json; charset=utf-8"})


@route(bp, "/v1/meta", "GET")
def meta() -> Response:
    return json_response({"stage": container().settings.stage, "api_version": "1"})
