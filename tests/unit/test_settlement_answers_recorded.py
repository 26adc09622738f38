"""Settlement answers are byte-identical to those recorded before the engine's lines were
formatted lazily: 1500 bills drawn from the rules' property strategies (both schemes,
every group, kind, level, location, filing and catalogue; 29 kinds of explanation line),
their public JSON recorded by ``record_settlement_answers.py`` from the engine as it was.
"""

from __future__ import annotations

import gzip
import json
from typing import Any

import pytest
from record_settlement_answers import RECORDED, answer


def _recorded() -> list[dict[str, Any]]:
    with gzip.open(RECORDED, "rt", encoding="utf-8") as stream:
        records: list[dict[str, Any]] = json.load(stream)
    return records


RECORDS = _recorded()


def test_the_recording_is_wide() -> None:
    rules = {entry["rule"] for r in RECORDS for entry in json.loads(r["answer"])["lines"]}
    assert len(RECORDS) == 1500
    assert len(rules) >= 29


@pytest.mark.parametrize("start", range(0, 1500, 100))
def test_answers_are_byte_identical(start: int) -> None:
    for record in RECORDS[start : start + 100]:
        assert answer(record["bill"]) == record["answer"], record["bill"]
