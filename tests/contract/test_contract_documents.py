"""The public contract: JSON Schemas, the OpenAPI document, and the deployed copies."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from local.schemas import DEPLOYED, SOURCE, build_openapi, render

ROOT = Path(__file__).resolve().parents[2]
SCHEMA_FILES = sorted(SOURCE.glob("*.json"))


def test_the_deployed_copies_are_identical():
    assert SCHEMA_FILES, "no schemas found"
    deployed = {p.name for p in DEPLOYED.glob("*.json")}
    assert deployed == {p.name for p in SCHEMA_FILES}, "run `make schemas`"
    for path in SCHEMA_FILES:
        assert (DEPLOYED / path.name).read_bytes() == path.read_bytes(), (
            f"chalicelib/schemas/{path.name} differs from schemas/{path.name}: run `make schemas`"
        )


def test_the_openapi_document_is_built_from_the_schemas():
    built = render(build_openapi())
    assert (SOURCE / "openapi.json").read_text("utf-8") == built, "run `make schemas`"


def test_the_openapi_document_is_valid_openapi_3_1():
    from openapi_spec_validator import validate

    document = json.loads((SOURCE / "openapi.json").read_text("utf-8"))
    assert document["openapi"].startswith("3.1")
    validate(document)


@pytest.mark.parametrize("path", sorted(SOURCE.glob("*.schema.json")), ids=lambda p: p.name)
def test_every_schema_is_draft_2020_12_and_bounded(path):
    from jsonschema import Draft202012Validator

    schema = json.loads(path.read_text("utf-8"))
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)
    unbounded = []

    def walk(node, where):
        if isinstance(node, dict):
            kind = node.get("type")
            if kind == "string" and "maxLength" not in node and "enum" not in node \
                    and "const" not in node and "format" not in node:
                unbounded.append(where)
            if kind in ("number", "integer") and "maximum" not in node \
                    and "exclusiveMaximum" not in node:
                unbounded.append(where)
            if kind == "array" and "maxItems" not in node:
                unbounded.append(where)
            if kind == "object" and node.get("additionalProperties") is not False \
                    and "properties" in node:
                unbounded.append(where + " (additionalProperties)")
            for key, value in node.items():
                if key not in ("if", "then", "else", "not"):  # conditions, not new fields
                    walk(value, f"{where}/{key}")
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, f"{where}/{i}")

    walk(schema, "#")
    assert not unbounded, f"{path.name}: bound these: {unbounded}"


def test_every_route_is_documented_and_every_documented_route_exists():
    from app import app

    document = json.loads((SOURCE / "openapi.json").read_text("utf-8"))
    documented = {
        (path, method.upper())
        for path, ops in document["paths"].items()
        for method in ops
        if method in ("get", "post", "put", "patch", "delete")
    }
    served = {(path, method) for path, entries in app.routes.items() for method in entries}
    assert served == documented


def test_every_problem_type_is_documented():
    from chalicelib import errors
    from chalicelib.api.problems import _GENERIC, PROBLEM_BASE

    document = json.loads((SOURCE / "openapi.json").read_text("utf-8"))
    listed = {p["type"] for p in document["components"]["x-problem-types"]}
    slugs = {cls.slug for cls in vars(errors).values()
             if isinstance(cls, type) and issubclass(cls, errors.DomainError)
             and cls is not errors.DomainError}
    slugs |= {entry[0] for entry in _GENERIC.values()}
    assert {PROBLEM_BASE + s for s in slugs} <= listed


def test_request_bodies_point_at_the_schemas():
    document = json.loads((SOURCE / "openapi.json").read_text("utf-8"))
    components = document["components"]["schemas"]
    for ops in document["paths"].values():
        for op in ops.values():
            body = op.get("requestBody")
            for content in (body or {}).get("content", {}).values():  # JSON, or a form
                schema = content["schema"]
                refs = [s["$ref"] for s in schema.get("oneOf", [schema])]
                assert refs and all(ref.split("/")[-1] in components for ref in refs)


def test_an_area_fragment_may_not_define_a_path_twice():
    from local.schemas import _merge

    document = {"tags": [{"name": "a"}], "paths": {"/v1/x": {}}, "components": {"schemas": {}}}
    _merge(document, {"paths": {"/v1/y": {}}, "components": {"schemas": {"Y": {}}}}, "y.json")
    assert set(document["paths"]) == {"/v1/x", "/v1/y"}
    assert document["components"]["schemas"] == {"Y": {}}
    with pytest.raises(ValueError, match="defined twice"):
        _merge(document, {"paths": {"/v1/x": {}}}, "x.json")
    with pytest.raises(ValueError, match="defined twice"):
        _merge(document, {"tags": [{"name": "a"}]}, "a.json")
