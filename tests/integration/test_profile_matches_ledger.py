"""Settlement reads the tier and the contribution years from the profile (one Query); the
profile must say what the contribution ledger says, for every seeded person."""

from __future__ import annotations

from fractions import Fraction

from chalicelib.bootstrap import container
from chalicelib.config import settings
from chalicelib.demo import person
from chalicelib.demo_history import DEMO_UNTIL
from chalicelib.rules.contributions import TIER_KINDS
from chalicelib.rules.policy import policy_in_force
from chalicelib.services.auth import person_id_for
from chalicelib.services.ledgers import LedgerContext, contributions
from tests.conftest import DEMO_COUNT, DEMO_SEED


class _At:
    def __init__(self, when):
        self.when = when

    def now(self):
        return self.when


def test_every_employees_profile_tier_and_years_match_the_ledger(stack):
    from datetime import datetime

    from chalicelib.adapters.clock import CHINA

    ctx = LedgerContext(
        store=container().ledger_store,
        clock=_At(datetime(DEMO_UNTIL.year, DEMO_UNTIL.month, 28, 12, tzinfo=CHINA)),
    )
    policy = policy_in_force("990101", DEMO_UNTIL)
    checked = 0
    for i in range(DEMO_COUNT):
        p = person(DEMO_SEED, i)
        if p.scheme != "employee":
            continue
        pid = person_id_for(p.id_number, settings().pepper)
        body = contributions(ctx, pid, str(DEMO_UNTIL.year))
        years = body["summary"]["contribution_years"]
        if p.retired:
            assert years["met"] == p.years_met, (i, years["text_en"])
            continue
        tier = body["summary"]["tier"]
        from_ledger = set(tier["includes"]) - {"personal_account"}
        from_profile = {
            k for k in TIER_KINDS if Fraction(str(p.tier_pct)) >= policy.tiers.by_kind[k]
        }
        assert from_ledger == from_profile, (i, p.tier_pct, tier["average_pct"])
        checked += 1
    assert checked > 50
