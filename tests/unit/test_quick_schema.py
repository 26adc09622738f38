"""The quick schema check (fastjsonschema, chalicelib/schemas/__init__.py) says yes exactly
when jsonschema does (Draft 2020-12, ECMA patterns, format an annotation).

A good body skips jsonschema on the quick check's word alone, so a yes where jsonschema
finds an error would let a bad body in. Values are drawn from each schema (its
properties, patterns, bounds and choices, often broken one way or another: a field
missing, one too many, another type) so that both answers come often, and each is
held to jsonschema's answer for the very same value.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chalicelib.schemas import HERE, _registry, validator

NAMES = sorted(p.name.removesuffix(".schema.json") for p in HERE.glob("*.schema.json"))

JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-3, 3)
    | st.sampled_from([0.5, 2.0, 1e3])
    | st.text(max_size=4),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3)
    ),
    max_leaves=6,
)


def _merged(base: dict[str, Any], part: Any) -> dict[str, Any]:
    """``base`` with a branch of it (``oneOf``/``anyOf``/``then``…) laid over it."""
    if not isinstance(part, dict):
        return base
    out = {**base, **part}
    out["required"] = [*base.get("required", []), *part.get("required", [])]
    out["properties"] = {**base.get("properties", {}), **part.get("properties", {})}
    return out


def _without(base: dict[str, Any], keyword: str, subs: list[Any], sub: Any) -> dict[str, Any]:
    """For one branch of a ``oneOf``: ``base`` without the fields only the others require."""
    if keyword != "oneOf":
        return base
    others = {
        n for o in subs if o is not sub and isinstance(o, dict) for n in o.get("required", [])
    }
    others -= set(sub.get("required", []))
    props = {k: v for k, v in base.get("properties", {}).items() if k not in others}
    return {**base, "properties": props}


def _drawn(schema: Any, resolver: Any, noisy: bool, depth: int = 0) -> st.SearchStrategy[Any]:
    """Values of ``schema``'s shape; ``noisy``: now and then anything at all, a field missing
    or one too many (so both answers come often)."""
    if depth > 5 or not isinstance(schema, dict):
        return JSON
    if "$ref" in schema:
        resolved = resolver.lookup(schema["$ref"])
        rest = {k: v for k, v in schema.items() if k != "$ref"}
        near = _drawn(_merged(resolved.contents, rest), resolved.resolver, noisy, depth + 1)
        return near | JSON if noisy else near
    base = {k: v for k, v in schema.items() if k not in ("anyOf", "oneOf", "allOf", "if")}
    branches = [
        _merged(_without(base, keyword, schema[keyword], sub), sub)
        for keyword in ("anyOf", "oneOf", "allOf")
        for sub in schema.get(keyword, [])
        if isinstance(sub, dict) and "$ref" not in sub
    ]
    branches += [
        _drawn(sub, resolver, noisy, depth + 1)  # a branch that is a $ref: drawn for itself
        for keyword in ("anyOf", "oneOf")
        for sub in schema.get(keyword, [])
        if isinstance(sub, dict) and "$ref" in sub
    ]
    if "if" in schema and isinstance(schema.get("then"), dict):
        branches.append(_merged(base, schema["then"]))
    if branches:
        drawn = [
            b if isinstance(b, st.SearchStrategy) else _drawn(b, resolver, noisy, depth + 1)
            for b in branches
        ]
        return st.one_of(*drawn, *([JSON] if noisy else []))
    return (
        _one(base, resolver, noisy, depth) | JSON if noisy else _one(base, resolver, noisy, depth)
    )


def _one(schema: dict[str, Any], resolver: Any, noisy: bool, depth: int) -> st.SearchStrategy[Any]:
    if "const" in schema:
        return st.just(schema["const"])
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    types = schema.get("type", [])
    types = [types] if isinstance(types, str) else list(types)
    options: list[st.SearchStrategy[Any]] = []
    if "properties" in schema or "object" in types:
        options.append(_object(schema, resolver, noisy, depth))
    if "items" in schema or "array" in types:
        item = _drawn(schema.get("items", {}), resolver, noisy, depth + 1)
        low = schema.get("minItems", 0)
        high = max(low, min(schema.get("maxItems", 3), 3))
        slack = 1 if noisy else 0
        options.append(st.lists(item, min_size=max(0, low - slack), max_size=high + slack))
    if "pattern" in schema:
        low, high = schema.get("minLength", 0), schema.get("maxLength", 10**6)
        matching = st.from_regex(schema["pattern"], fullmatch=True)
        options.append(matching if noisy else matching.filter(lambda t: low <= len(t) <= high))
    elif "string" in types or "minLength" in schema:
        low, high = schema.get("minLength", 0), min(schema.get("maxLength", 8), 70)
        options.append(st.text("aZ09.-", min_size=low, max_size=high))
    if {"integer", "number"} & set(types) or "minimum" in schema:
        low, high = schema.get("minimum", -2), schema.get("maximum", 5)
        options.append(st.integers(int(low), int(high)))
        if noisy:
            options.append(st.floats(low - 1, high + 1))
    if "boolean" in types:
        options.append(st.booleans())
    if "null" in types:
        options.append(st.none())
    return st.one_of(*options) if options else JSON


def _object(schema: Any, resolver: Any, noisy: bool, depth: int) -> st.SearchStrategy[Any]:
    props = schema.get("properties", {})
    required = list(dict.fromkeys(schema.get("required", [])))
    fields = {k: _drawn(v, resolver, noisy, depth + 1) for k, v in props.items()}

    @st.composite
    def draw(draw: Any) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name in props:
            if name in required or draw(st.booleans()):
                out[name] = draw(fields[name])
        for name in required:  # a required field not among the properties
            if name not in out:
                out[name] = draw(JSON)
        if noisy and out and draw(st.integers(0, 3)) == 0:
            del out[draw(st.sampled_from(sorted(out)))]
        if noisy and draw(st.integers(0, 3)) == 0:
            out[draw(st.sampled_from(["other", *props]))] = draw(JSON)
        return out

    return draw()


def _names(schema: Any, found: set[str] | None = None) -> set[str]:
    """Every property name in ``schema`` (for a field added where it may or may not belong)."""
    found = set() if found is None else found
    if isinstance(schema, dict):
        found.update(schema.get("properties", {}))
        for value in schema.values():
            _names(value, found)
    elif isinstance(schema, list):
        for value in schema:
            _names(value, found)
    return found


NEAR_MISSES = st.sampled_from(  # misses for one field, hits for another
    ["", "a", "p1", "P1", "A", "1", "C34.9\n", " x", "x" * 65, "CARD123456", "H1", "v1"]
)


@st.composite
def _one_change(draw: Any, value: Any, names: list[str]) -> Any:
    """``value`` with one thing changed somewhere in it: a field gone, a field more (maybe
    one the schema names elsewhere), a value replaced (by a near miss or anything)."""
    places: list[Any] = []

    def walk(node: Any) -> None:
        if isinstance(node, (dict, list)):
            places.append(node)
            for child in node.values() if isinstance(node, dict) else node:
                walk(child)

    value = copy.deepcopy(value)
    walk(value)
    if not places:
        return draw(JSON | NEAR_MISSES)
    node = draw(st.sampled_from(places))
    keys = list(node) if isinstance(node, dict) else list(range(len(node)))
    action = draw(st.sampled_from(["replace", "delete", "add"] if keys else ["add"]))
    if action == "add":
        if isinstance(node, dict):
            node[draw(st.sampled_from(["other", *names]))] = draw(JSON | NEAR_MISSES)
        else:
            node.append(copy.deepcopy(node[0]) if node and draw(st.booleans()) else draw(JSON))
    elif action == "delete":
        del node[draw(st.sampled_from(keys))]
    else:
        key = draw(st.sampled_from(keys))
        node[key] = draw(JSON | NEAR_MISSES | st.sampled_from([True, 1, 2.0, None]))
    return value


def _jsonschema_says_valid(name: str, value: Any) -> bool:
    return next(validator(name).compiled.iter_errors(value), None) is None


def _resolver(name: str) -> Any:
    from referencing.jsonschema import DRAFT202012

    schema = validator(name).compiled.schema
    return _registry().resolver_with_root(DRAFT202012.create_resource(schema))


def test_every_schema_here_has_a_quick_check():
    """Compiled from the keywords the quick check knows (a new keyword: teach it, or no gain)."""
    assert [n for n in NAMES if validator(n).quick is None] == []


LARGE = {"bill", "policy"}  # not request bodies, and slow to draw: fewer of them


def _same_answer(name: str, data: Any, noisy: bool) -> None:
    v = validator(name)
    value = data.draw(_drawn(v.compiled.schema, _resolver(name), noisy))
    if data.draw(st.booleans(), label="one change"):
        value = data.draw(_one_change(value, sorted(_names(v.compiled.schema))))
    assert v.quick is not None
    assert v.quick(value) == _jsonschema_says_valid(name, value), value


@pytest.mark.parametrize("name", [n for n in NAMES if n not in LARGE])
@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data(), noisy=st.booleans())
def test_the_quick_check_says_yes_exactly_when_jsonschema_does(name, data, noisy):
    _same_answer(name, data, noisy)


@pytest.mark.parametrize("name", sorted(LARGE))
@settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data(), noisy=st.booleans())
def test_the_quick_check_of_the_large_schemas_says_yes_exactly_when_jsonschema_does(
    name, data, noisy
):
    _same_answer(name, data, noisy)


BODY = {
    "hospital_id": "H990101001",
    "visit_id": "v1",
    "person_id": "pabc123",
    "visit": {"kind": "inpatient", "hospital_level": 2, "location": "in_county"},
    "items": [{"code": "I1", "catalogue": "A", "amount": "150.45"}],
}


@pytest.mark.parametrize(
    "change",
    [
        {},
        {"card_number": "CARD123"},  # two ways to name the person: oneOf refuses both
        {"person_id": "pabc\n"},  # ECMA's $ is the very end
        {"visit": {**BODY["visit"], "hospital_level": True}},  # True is not the enum's 1
        {"visit": {**BODY["visit"], "hospital_level": 2.0}},  # but 2.0 is its 2
        {"visit": {**BODY["visit"], "diagnoses": ["C34.9", "c34"]}},
        {"use_account": 1},
        {"other": 1},
        {"items": []},
        {"items": [{"anything": "inside"}]},  # the inside of items: the rules' (parse_items)
    ],
    ids=repr,
)
def test_the_settlement_request_edges(change):
    body = {**BODY, **change}
    v = validator("settlement-request")
    assert v.quick is not None
    assert v.quick(body) == _jsonschema_says_valid("settlement-request", body)


def test_a_good_body_gets_no_errors_and_a_bad_one_the_same_errors_as_before():
    v = validator("settlement-request")
    assert v.field_errors(BODY) == []
    bad = {**BODY, "visit": {**BODY["visit"], "kind": "spa"}, "other": 1}
    assert [e.path for e in v.field_errors(bad)] == ["$.other", "$.visit.kind"]
