"""Integration fixtures."""

from __future__ import annotations

import uuid

import pytest


@pytest.fixture
def small_region(stack, monkeypatch):
    """A fresh table with a handful of demo persons.

    moto copies a whole table for every transaction (to roll back), so races of many
    transactions run on a small table; DynamoDB itself does not care about size.
    """
    from chalicelib.demo import person, seed_region

    monkeypatch.setenv("YIBAO_TABLE", f"yibao-small-{uuid.uuid4().hex[:8]}")
    seed_region(12, seed=4242)
    return [person(4242, i) for i in range(12)]
