"""Hypothesis strategies for bills: both schemes, every group, kind, level, location,
filing and catalogue, year-to-date figures near the demo caps and thresholds."""

from __future__ import annotations

import os
from typing import Any

from hypothesis import strategies as st

from chalicelib.rules.money import format_fen

ASSISTED = ("tekun", "dibao", "low_income")

# RULES_EXAMPLES=5000 for a deeper local run; the default keeps the suite fast.
EXAMPLES = int(os.environ.get("RULES_EXAMPLES", "150"))

# Year-to-date values near the demo caps and thresholds (fen), and some anywhere.
NEAR = [
    0,
    1,
    299_999,
    300_000,
    1_500_000,
    649_999,
    650_000,
    700_000,
    100_000,
    99_900,
    6_000_000,
    5_999_999,
    11_999_999,
    12_000_000,
    20_000_000,
    30_000_000,
    29_999_999,
    6_500_000,
    11_500_000,
]
fen_near = st.one_of(st.sampled_from(NEAR), st.integers(0, 40_000_000))


def yuan(fen: int) -> str:
    return format_fen(fen)


amounts = st.one_of(
    st.integers(0, 200_000),  # up to 2,000 yuan
    st.integers(59_990, 60_010),  # around the 600.00 material threshold
    st.integers(0, 30_000_000),
    st.sampled_from([0, 1, 10_000_000_000]),  # the 100,000,000.00 bound
)
ratios = st.one_of(
    st.sampled_from(["0", "1", "0.1", "0.125", "0.05", "0.5", "0.3333", "1.000"]),
    st.fractions(0, 1, max_denominator=1000).map(lambda f: f"{float(f):.6f}"),
)


@st.composite
def items(draw: st.DrawFn) -> dict[str, Any]:
    catalogue = draw(st.sampled_from("ABC"))
    item: dict[str, Any] = {
        "code": draw(st.sampled_from(["X1", "Y-2", "Z.3"])),
        "catalogue": catalogue,
        "amount": yuan(draw(amounts)),
    }
    if catalogue == "B":
        item["b_self_ratio"] = draw(ratios)
    if draw(st.booleans()):
        item["material"] = draw(st.booleans())
        if item["material"] or draw(st.booleans()):
            item["consent"] = draw(st.booleans())
    return item


@st.composite
def bills(draw: st.DrawFn) -> dict[str, Any]:
    scheme = draw(st.sampled_from(["resident", "employee"]))
    groups = draw(st.lists(st.sampled_from([*ASSISTED, "poverty_exited"]), unique=True))
    person: dict[str, Any] = {"scheme": scheme, "groups": groups}
    person["retired"] = draw(st.booleans())
    person["years_met"] = draw(st.booleans())
    person["chronic"] = draw(st.booleans())
    if (scheme == "employee" and not (person["retired"] and person["years_met"])) or draw(
        st.booleans()
    ):
        person["tier_pct"] = draw(
            st.one_of(
                st.sampled_from([0, 59.99, 60, 79, 80, 94.5, 95, 100, 300]),
                st.floats(0, 200, allow_nan=False),
            )
        )
    if "poverty_exited" in groups:
        person["poverty_exit_year"] = draw(st.sampled_from([2013, 2014, 2016, 2017, 2018]))
    visit = {
        "kind": draw(st.sampled_from(["inpatient", "outpatient", "chronic_outpatient"])),
        "hospital_level": draw(st.sampled_from([1, 2, 3])),
        "location": draw(st.sampled_from(["in_county", "out_of_county", "out_of_province"])),
        "referral": draw(st.booleans()),
        "remote_filing": draw(
            st.sampled_from(["none", "long_term", "referral", "emergency", "temporary_other"])
        ),
        "diagnoses": draw(
            st.lists(st.sampled_from(["C34.9", "D66", "D67.1", "D68", "I10", "C98"]), max_size=3)
        ),
    }
    ytd = {
        name: yuan(draw(fen_near))
        for name in (
            "basic_paid",
            "outpatient_paid",
            "chronic_paid",
            "critical_burden",
            "assistance_paid",
        )
    }
    return {
        "region": "990101",
        "date": draw(st.sampled_from(["2013-01-02", "2021-12-31", "2022-01-01", "2025-06-30"])),
        "person": person,
        "visit": visit,
        "items": draw(st.lists(items(), min_size=1, max_size=6)),
        "ytd": ytd,
        "account_balance": yuan(draw(st.one_of(st.just(0), amounts))),
        "use_account": draw(st.booleans()),
    }
