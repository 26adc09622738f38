"""A request's bill items are checked once (``parse_items``), with the schema's own errors.

Before, the JSON Schema check of ``settlement-request`` and ``estimate-request`` went
into every item (~100 µs each) and ``parse_bill`` then read them again. Now the schema
check leaves the inside of the items to ``bill_items``; when anything is wrong, the
whole schema explains it. These tests hold the two ways to the same answers: every
request the whole schema refused is refused with the same errors at the same paths,
and every request it passed still passes.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib import errors
from chalicelib.schemas import ITEMS_CHECKED_BY_RULES, validator
from chalicelib.services.settlements import bill_items

GOOD_ITEMS = [
    {"code": "I1", "catalogue": "A", "amount": "150.45"},
    {"code": "I2", "catalogue": "B", "amount": "187.45", "b_self_ratio": "0.1"},
    {"code": "I3", "catalogue": "C", "amount": "800.00", "material": True, "consent": False},
]
VISIT = {"kind": "inpatient", "hospital_level": 2, "location": "in_county"}
BODIES = {
    "settlement-request": {
        "hospital_id": "H990101001",
        "visit_id": "v1",
        "person_id": "pabc123",
        "visit": VISIT,
        "items": GOOD_ITEMS,
    },
    "estimate-request": {"visit": VISIT, "items": GOOD_ITEMS},
}
ODD = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-1, 2),
    st.sampled_from(
        ["", "A", "B", "D", "0", "0.1", "1.5", "-1", "12.345", "01", "1e2", "x y", "a" * 65]
    ),
    st.lists(st.just(1), max_size=1),
    st.just({}),
)
ITEM_KEYS = ["code", "catalogue", "amount", "b_self_ratio", "material", "consent", "other"]
TOP_KEYS = ["visit_id", "hospital_id", "visit", "use_account", "other"]


def _now_answer(name: str, body: Any) -> list[tuple[str, str, str, str]]:
    """What a request gets now: the edge's check, then the items read once."""
    found = validator(name).field_errors(body)
    if not found:
        try:
            bill_items(body, name)
        except errors.ValidationFailed as exc:
            found = exc.errors
    return [(e.path, e.code, e.detail, e.detail_zh) for e in found]


def _before(name: str, body: Any) -> list[tuple[str, str, str, str]]:
    """What the whole schema says (the check every request had before)."""
    return [(e.path, e.code, e.detail, e.detail_zh) for e in validator(name).all_errors(body)]


@st.composite
def requests(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    name = draw(st.sampled_from(sorted(ITEMS_CHECKED_BY_RULES)))
    body = copy.deepcopy(BODIES[name])
    items = body["items"]
    for _ in range(draw(st.integers(0, 3))):  # bad items, perhaps several
        i = draw(st.integers(0, len(items) - 1))
        if draw(st.booleans()):
            items[i] = draw(ODD)
        elif isinstance(items[i], dict):
            key = draw(st.sampled_from(ITEM_KEYS))
            if draw(st.booleans()):
                items[i][key] = draw(ODD)
            else:
                items[i].pop(key, None)
    if draw(st.integers(0, 4)) == 0:  # and sometimes something else wrong beside them
        body[draw(st.sampled_from(TOP_KEYS))] = draw(ODD)
    if draw(st.integers(0, 6)) == 0:
        body["items"] = draw(st.sampled_from([[], "x", None, items * 120]))
    return name, body


@settings(max_examples=400, deadline=None)
@given(requests())
def test_every_error_the_schema_gave_is_given_at_the_same_path(request: Any) -> None:
    name, body = request
    assert _now_answer(name, body) == _before(name, body)


@pytest.mark.parametrize("name", sorted(ITEMS_CHECKED_BY_RULES))
def test_good_items_pass_and_a_bad_amount_is_named(name: str) -> None:
    body = copy.deepcopy(BODIES[name])
    assert _now_answer(name, body) == []
    assert [i.amount for i in bill_items(body, name)] == [15045, 18745, 80000]
    body["items"][1]["amount"] = "1.234"
    answer = _now_answer(name, body)
    assert [a[0] for a in answer] == ["$.items[1].amount"]
    assert answer == _before(name, body)


def test_the_edge_leaves_the_inside_of_items_alone() -> None:
    """The point of it all: the edge's check does not go into the items (not timed here)."""
    body = copy.deepcopy(BODIES["settlement-request"])
    body["items"][0]["amount"] = "bad"
    assert validator("settlement-request").field_errors(body) == []
    assert [e.path for e in validator("settlement-request").all_errors(body)] == [
        "$.items[0].amount"
    ]
