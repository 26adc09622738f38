"""No identifier or code field takes a control character or a trailing newline.

Every ``pattern`` of every request schema is read with ECMA-262's ``$`` (the very end),
not Python's (also before a final newline); the route parameters checked in code too.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.schemas import ecma_pattern

SCHEMAS = sorted((Path(__file__).parents[2] / "schemas").glob("*.schema.json"))


def _patterns(node: object) -> list[str]:
    if isinstance(node, dict):
        own = [node["pattern"]] if isinstance(node.get("pattern"), str) else []
        return own + [p for v in node.values() for p in _patterns(v)]
    if isinstance(node, list):
        return [p for v in node for p in _patterns(v)]
    return []


PATTERNS = sorted({p for path in SCHEMAS for p in _patterns(json.loads(path.read_text()))})
CONTROL = ["\n", "\r\n", "\x00", "\x1f", "\x7f"]


def test_the_schemas_have_patterns_to_check():
    assert len(PATTERNS) >= 15


@pytest.mark.parametrize("pattern", PATTERNS)
@settings(max_examples=20, deadline=None)
@given(data=st.data())
def test_a_valid_value_with_a_control_character_appended_is_refused(pattern, data):
    compiled = ecma_pattern(pattern)
    value = data.draw(st.from_regex(compiled, fullmatch=True))
    assert compiled.search(value)
    control = data.draw(st.sampled_from(CONTROL))
    assert not compiled.search(value + control), repr(value + control)


def test_the_route_parameters_checked_in_code_take_no_trailing_newline():
    from chalicelib.api import family, filings, http
    from chalicelib.rules import identity

    for pattern, value in [
        (http._IDEMPOTENCY_KEY, "key-12345678"),
        (family._LINK_ID, "f0123456789abcdef"),
        (filings._FILING_ID, "rc0123456789abcdef"),
        (filings._CITY, "530100"),
        (identity._ID_SHAPE, "53030219600101123X"),
    ]:
        assert pattern.fullmatch(value)
        assert not pattern.fullmatch(value + "\n")
