"""The CDN's page for an unknown address: ``frontend/404.html`` with status 404, as the local
server answers (a browser never sees raw JSON or S3's XML). A CloudFront Function on the
portal's (S3) behaviour only: the API under ``/v1/*`` keeps its RFC 9457 problems.

CloudFront's custom error responses would be simpler but apply to the whole distribution,
the API's 403 and 404 problems included; the function knows the shipped files instead
(listed at synth time) and sends any other address to the page.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

PAGE = "/404.html"


def shipped_files(root: Path, exclude: Iterable[str]) -> list[str]:
    """The portal's files as CloudFront sees their addresses ("/home.html", "/assets/app.js")."""
    skipped = set(exclude)
    return sorted(
        "/" + p.relative_to(root).as_posix()
        for p in root.rglob("*")
        if p.is_file() and p.relative_to(root).as_posix() not in skipped
    )


def function_code(files: Iterable[str]) -> str:
    """One function for both events: the viewer request sends an unknown address to the page,
    the viewer response gives the page its status 404."""
    known = json.dumps({f: 1 for f in files}, separators=(",", ":"))
    return (
        f"var KNOWN = {known};\n"
        "function handler(event) {\n"
        "  var request = event.request;\n"
        "  if (event.context.eventType === 'viewer-response') {\n"
        "    var response = event.response;\n"
        f"    if (request.uri === '{PAGE}') {{\n"
        "      response.statusCode = 404;\n"
        "      response.statusDescription = 'Not Found';\n"
        "    }\n"
        "    return response;\n"
        "  }\n"
        "  if (request.uri !== '/' && !KNOWN[request.uri]) {\n"
        f"    request.uri = '{PAGE}';\n"
        "  }\n"
        "  return request;\n"
        "}\n"
    )
