"""Record settlement answers (the public JSON, explanation lines in both languages) for a
wide set of generated bills, so that a change of how the engine formats its lines can be
checked byte for byte against what it answered before (test_settlement_answers_recorded).

Run from the repository root, only when the answers are meant to change:
``.venv/bin/python tests/unit/record_settlement_answers.py``.
"""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
RECORDED = HERE / "data" / "settlement_answers.json.gz"
COUNT = 1500


def generated_bills(count: int) -> list[dict[str, Any]]:
    """``count`` bills drawn from the rules' property strategies, deterministically."""
    sys.path.insert(0, str(HERE / "rules"))
    from hypothesis import HealthCheck, given, seed, settings
    from rules_strategies import bills

    drawn: list[dict[str, Any]] = []

    @seed(20261203)
    @settings(
        max_examples=count,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(bills())
    def collect(doc: dict[str, Any]) -> None:
        drawn.append(json.loads(json.dumps(doc)))

    collect()
    return drawn


def answer(doc: dict[str, Any]) -> str:
    """The settlement's public JSON as text, exactly as compared."""
    from chalicelib.rules.bill import parse_bill
    from chalicelib.rules.policy import policy_in_force
    from chalicelib.rules.settlement import settle

    bill = parse_bill(doc)
    result = settle(policy_in_force(bill.region, bill.date), bill)
    return json.dumps(result.to_json(), ensure_ascii=False, sort_keys=True)


def main() -> None:
    records = [{"bill": doc, "answer": answer(doc)} for doc in generated_bills(COUNT)]
    RECORDED.parent.mkdir(exist_ok=True)
    with gzip.open(RECORDED, "wt", encoding="utf-8") as out:
        json.dump(records, out, ensure_ascii=False)
    print(f"{len(records)} answers recorded in {RECORDED}")


if __name__ == "__main__":
    sys.path.insert(0, str(HERE.parent.parent))
    main()
