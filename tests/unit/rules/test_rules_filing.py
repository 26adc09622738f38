"""Remote-care filing rules (异地就医备案): categories and who may use them, validity, the
retroactive emergency, overlap, the long-term lock, cancel, and what a visit settles as."""

from __future__ import annotations

import copy
import json
import re
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from chalicelib.adapters.clock import CHINA
from chalicelib.rules import filing as rules
from chalicelib.rules import places
from chalicelib.rules.filing import Filing, FilingRefused
from chalicelib.rules.policy import PACKAGED_POLICIES, PolicyError, load_policy, policy_in_force

TODAY = date(2026, 12, 2)
HALF_WIDTH = re.compile(r"[,:;?!()]")  # Chinese text takes full-width punctuation
POLICY = policy_in_force("990101", TODAY)
FILING_RULES = POLICY.remote_filing
assert FILING_RULES is not None
CATEGORIES = FILING_RULES.categories
BEIJING = places.city("110100")
DONGSHAN = places.city("990200")  # the demo province's other city: same province


def filing(category="long_term_resident", start=TODAY, end=None, city="110100", **kw) -> Filing:
    term = CATEGORIES[category].term
    return Filing(
        filing_id=kw.pop("filing_id", "rc0000000000000001"),
        category=category,
        term=term,
        settles_as=CATEGORIES[category].settles_as,
        city=city,
        start=start,
        end=end,
        created_at=datetime(2026, 12, 1, 9, tzinfo=CHINA),
        **kw,
    )


# --- the policy's numbers ---------------------------------------------------------------------


def test_the_numbers_come_from_the_policy_file():
    assert FILING_RULES.temporary_min_months == 6
    assert FILING_RULES.lock_months == 6
    assert FILING_RULES.reminder_days_before == 15
    assert FILING_RULES.lock_exceptions == ("wrong_details", "moved_again", "returned_home")
    assert CATEGORIES["emergency"].retroactive_days == 90
    assert {c.term for c in CATEGORIES.values()} == {"long_term", "temporary"}
    assert all(c.cited.source for c in CATEGORIES.values())
    assert "承诺" in FILING_RULES.commitment_zh and "，" in FILING_RULES.commitment_zh


def test_versions_before_online_filing_have_no_filing_rules():
    assert policy_in_force("990101", date(2015, 1, 1)).remote_filing is None


def _broken(tmp_path: Path, change) -> str:
    doc = json.loads((PACKAGED_POLICIES / "990101" / "2022-01-01.json").read_text("utf-8"))
    doc = copy.deepcopy(doc)
    change(doc["remote_filing"])
    path = tmp_path / "990101" / "2022-01-01.json"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    with pytest.raises(PolicyError) as caught:
        load_policy(path, "990101/2022-01-01.json")
    return str(caught.value)


def test_a_long_term_category_must_settle_as_long_term(tmp_path):
    def change(f):
        f["categories"]["posted_worker"]["settles_as"] = "referral"

    assert "remote_filing.categories.posted_worker.settles_as" in _broken(tmp_path, change)


def test_only_a_temporary_category_may_be_retroactive(tmp_path):
    def change(f):
        f["categories"]["long_term_resident"]["retroactive_days"] = 30

    assert "retroactive_days: only a temporary filing" in _broken(tmp_path, change)


def test_the_longest_validity_is_not_below_the_shortest(tmp_path):
    def change(f):
        f["temporary_validity"]["max_months"] = 3

    assert "temporary_validity.max_months: below min_months" in _broken(tmp_path, change)


def test_an_unknown_lock_reason_is_refused_by_the_schema(tmp_path):
    def change(f):
        f["long_term_lock"]["exceptions"] = ["bored"]

    assert "remote_filing.long_term_lock.exceptions" in _broken(tmp_path, change)


# --- who may use which category ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("category", "scheme", "retired", "code"),
    [
        ("retiree_resettled", "employee", True, None),
        ("retiree_resettled", "employee", False, "retirees_only"),
        ("retiree_resettled", "resident", False, "scheme_not_eligible"),
        ("posted_worker", "employee", False, None),
        ("posted_worker", "employee", True, "not_for_retirees"),
        ("posted_worker", "resident", False, "scheme_not_eligible"),
        ("long_term_resident", "resident", False, None),
        ("long_term_resident", "employee", True, None),
        ("referral", "resident", False, None),
        ("emergency", "employee", True, None),
        ("temporary_other", "resident", False, None),
    ],
)
def test_who_may_use_each_category(category, scheme, retired, code):
    refused = rules.refusal_for(CATEGORIES[category], scheme, retired)
    assert (refused.code if refused else None) == code
    if refused:
        assert refused.field is None and refused.text_zh.endswith("。")
        assert not HALF_WIDTH.search(refused.text_zh)
        with pytest.raises(FilingRefused):
            rules.category_for(FILING_RULES, category, scheme, retired)


def test_a_resident_marked_retired_is_not_a_retiree():
    """``retired`` is read for employees only (SETTLEMENT.md)."""
    refused = rules.refusal_for(CATEGORIES["retiree_resettled"], "resident", True)
    assert refused is not None and refused.code == "scheme_not_eligible"


# --- validity ---------------------------------------------------------------------------------


@pytest.mark.parametrize("category", ["retiree_resettled", "long_term_resident", "posted_worker"])
def test_a_long_term_filing_is_open_ended(category):
    assert rules.validity(FILING_RULES, CATEGORIES[category], TODAY, None, TODAY) == (TODAY, None)
    with pytest.raises(FilingRefused) as refused:
        rules.validity(FILING_RULES, CATEGORIES[category], TODAY, date(2027, 12, 1), TODAY)
    assert (refused.value.code, refused.value.field) == ("long_term_open_ended", "end")


@pytest.mark.parametrize("category", ["referral", "emergency", "temporary_other"])
def test_a_temporary_filing_lasts_at_least_six_months(category):
    c = CATEGORIES[category]
    start = date(2026, 12, 10)
    assert rules.validity(FILING_RULES, c, start, None, TODAY) == (start, date(2027, 6, 9))
    assert rules.validity(FILING_RULES, c, start, date(2027, 6, 9), TODAY)[1] == date(2027, 6, 9)
    assert rules.validity(FILING_RULES, c, start, date(2027, 12, 9), TODAY)[1] == date(2027, 12, 9)
    for end, code in (
        (date(2027, 6, 8), "too_short"),
        (date(2027, 12, 10), "too_long"),
        (date(2026, 12, 9), "end_before_start"),
    ):
        with pytest.raises(FilingRefused) as refused:
            rules.validity(FILING_RULES, c, start, end, TODAY)
        assert (refused.value.code, refused.value.field) == (code, "end")


def test_six_months_from_the_31st_ends_on_the_month_end():
    start = date(2026, 8, 31)
    assert rules.add_months(start, 6) == date(2027, 2, 28)
    assert rules.validity(FILING_RULES, CATEGORIES["referral"], start, None, date(2026, 8, 31))[
        1
    ] == date(2027, 2, 27)
    assert rules.add_months(date(2027, 11, 30), 3) == date(2028, 2, 29)


@pytest.mark.parametrize("category", ["retiree_resettled", "referral", "temporary_other"])
def test_a_start_in_the_past_is_refused_except_for_an_emergency(category):
    with pytest.raises(FilingRefused) as refused:
        rules.validity(FILING_RULES, CATEGORIES[category], TODAY - timedelta(days=1), None, TODAY)
    assert (refused.value.code, refused.value.field) == ("start_in_past", "start")


def test_an_emergency_counts_from_the_date_of_care_and_may_be_filed_afterwards():
    care = TODAY - timedelta(days=20)
    start, end = rules.validity(FILING_RULES, CATEGORIES["emergency"], care, None, TODAY)
    assert start == care and end == rules.add_months(care, 6) - timedelta(days=1)
    earliest = TODAY - timedelta(days=90)
    assert (
        rules.validity(FILING_RULES, CATEGORIES["emergency"], earliest, None, TODAY)[0] == earliest
    )
    with pytest.raises(FilingRefused) as refused:
        rules.validity(
            FILING_RULES, CATEGORIES["emergency"], earliest - timedelta(days=1), None, TODAY
        )
    assert (refused.value.code, refused.value.field) == ("start_too_early", "start")
    assert "手工报销" in refused.value.text_zh


def test_a_start_more_than_the_policys_days_ahead_is_refused():
    far = TODAY + timedelta(days=FILING_RULES.start_days_ahead)
    assert rules.validity(FILING_RULES, CATEGORIES["referral"], far, None, TODAY)[0] == far
    with pytest.raises(FilingRefused) as refused:
        rules.validity(FILING_RULES, CATEGORIES["referral"], far + timedelta(days=1), None, TODAY)
    assert refused.value.code == "start_too_far"


def test_the_home_city_is_refused_and_others_are_not():
    home = places.city("990100")
    assert home is not None and BEIJING is not None and DONGSHAN is not None
    with pytest.raises(FilingRefused) as refused:
        rules.check_destination(home, "990101")
    assert (refused.value.code, refused.value.field) == ("home_region", "city")
    rules.check_destination(BEIJING, "990101")
    rules.check_destination(DONGSHAN, "990101")


# --- one filing at a time -----------------------------------------------------------------------


def test_states_over_time():
    f = filing("referral", start=date(2026, 12, 10), end=date(2027, 6, 9))
    assert rules.state_on(f, date(2026, 12, 9)) == "upcoming"
    assert rules.state_on(f, date(2026, 12, 10)) == "in_force"
    assert rules.state_on(f, date(2027, 6, 9)) == "in_force"
    assert rules.state_on(f, date(2027, 6, 10)) == "lapsed"
    assert rules.in_force([f], date(2027, 1, 1)) == f
    assert rules.in_force([f], date(2027, 6, 10)) is None


def test_an_overlap_is_found_and_explained():
    long_term = filing("long_term_resident", start=date(2026, 11, 1))
    assert rules.overlap([long_term], date(2027, 3, 1), date(2027, 8, 31), TODAY) == long_term
    temp = filing("referral", start=date(2026, 12, 10), end=date(2027, 6, 9))
    assert rules.overlap([temp], date(2027, 6, 9), None, TODAY) == temp
    assert rules.overlap([temp], date(2027, 6, 10), None, TODAY) is None
    assert rules.overlap([temp], date(2026, 12, 2), date(2026, 12, 9), TODAY) is None
    assert rules.overlap([temp], date(2027, 1, 1), None, TODAY, but=temp.filing_id) is None
    refusal = rules.overlap_refusal(long_term, "北京市", "Beijing")
    assert refusal.code == "filing_overlap" and long_term.filing_id in refusal.text_zh
    assert "异地长期居住，北京市，2026年11月1日起长期有效" in refusal.text_zh


def test_a_cancelled_or_lapsed_filing_does_not_overlap():
    gone = rules.cancelled(filing(start=date(2026, 11, 1)), None, TODAY)
    assert rules.overlap([gone], TODAY, None, TODAY) is None
    lapsed = filing("referral", start=date(2026, 5, 1), end=date(2026, 10, 31))
    assert rules.overlap([lapsed], TODAY, None, TODAY) is None


def test_cancel_ends_it_from_today_and_a_filing_not_started_never_counts():
    f = rules.cancelled(filing(start=date(2026, 11, 1)), "returned_home", TODAY)
    assert rules.in_force_on(f, TODAY - timedelta(days=1))
    assert rules.state_on(f, TODAY) == "cancelled"
    assert rules.validity_text(f)[0] == "2026年11月1日至2026年12月1日"
    later = rules.cancelled(filing(start=date(2027, 1, 1)), None, TODAY)
    assert not any(
        rules.in_force_on(later, date(2027, 1, 1) + timedelta(days=d)) for d in range(400)
    )
    assert rules.state_on(later, TODAY) == "cancelled"


def test_only_an_open_filing_changes():
    with pytest.raises(FilingRefused) as refused:
        rules.check_open(rules.cancelled(filing(), None, TODAY), TODAY)
    assert refused.value.code == "already_cancelled"
    lapsed = filing("referral", start=date(2026, 5, 1), end=date(2026, 10, 31))
    with pytest.raises(FilingRefused) as refused:
        rules.check_open(lapsed, TODAY)
    assert refused.value.code == "already_lapsed"
    rules.check_open(filing(start=date(2027, 1, 1)), TODAY)


# --- the long-term lock -------------------------------------------------------------------------


def test_a_long_term_filing_in_force_is_locked_for_six_months_except_for_the_listed_reasons():
    f = filing("posted_worker", start=date(2026, 9, 1))
    assert rules.locked_until(FILING_RULES, f, TODAY) == date(2027, 3, 1)
    for reason in (None, "other"):
        with pytest.raises(FilingRefused) as refused:
            rules.check_unlocked(FILING_RULES, f, reason, TODAY)
        assert (refused.value.code, refused.value.field) == ("locked", "reason")
        assert "2027年3月1日以后可以办理" in refused.value.text_zh
    for reason in FILING_RULES.lock_exceptions:
        rules.check_unlocked(FILING_RULES, f, reason, TODAY)
    rules.check_unlocked(FILING_RULES, f, None, date(2027, 3, 1))  # the lock is over


def test_the_lock_holds_neither_before_the_start_nor_for_temporary_filings():
    rules.check_unlocked(FILING_RULES, filing(start=date(2027, 1, 1)), None, TODAY)
    temp = filing("temporary_other", start=date(2026, 11, 1), end=date(2027, 4, 30))
    assert rules.locked_until(FILING_RULES, temp, TODAY) is None
    rules.check_unlocked(FILING_RULES, temp, None, TODAY)


# --- what a visit settles as ---------------------------------------------------------------------


def test_the_filing_in_force_on_the_visit_day_applies_where_it_was_filed():
    temp = filing("referral", start=date(2026, 12, 10), end=date(2027, 6, 9))
    at = rules.at_visit([temp], date(2027, 1, 5), "out_of_province", "990101", None)
    assert (at.filing, at.settles_as, at.why) == (temp, "referral", "applies")
    before = rules.at_visit([temp], date(2026, 12, 9), "out_of_province", "990101", None)
    after = rules.at_visit([temp], date(2027, 6, 10), "out_of_province", "990101", None)
    assert (before.settles_as, before.why) == ("none", "none_in_force")
    assert (after.settles_as, after.why) == ("none", "none_in_force")


def test_a_filing_counts_only_for_its_place():
    beijing = filing(city="110100")
    inside = filing(city="990200", filing_id="rc0000000000000002")
    assert rules.at_visit([beijing], TODAY, "in_county", "990101", None).why == "in_county"
    assert rules.at_visit([beijing], TODAY, "out_of_county", "990101", None).why == "other_place"
    assert rules.at_visit([inside], TODAY, "out_of_province", "990101", None).why == "other_place"
    assert (
        rules.at_visit([inside], TODAY, "out_of_county", "990101", None).settles_as == "long_term"
    )
    shanghai = rules.at_visit([beijing], TODAY, "out_of_province", "990101", "310100")
    assert (shanghai.settles_as, shanghai.why) == ("none", "other_city")
    listed = rules.at_visit([beijing], TODAY, "out_of_province", "990101", "110100")
    assert listed.settles_as == "long_term"


# --- places ------------------------------------------------------------------------------------


def test_the_division_list_is_gb_t_2260_prefecture_level_with_its_source_and_date():
    doc = places.divisions()
    assert doc["standard"].startswith("GB/T 2260") and doc["level"] == "prefecture"
    assert "python-stdnum" in doc["source"] and doc["derived_on"]
    provinces = doc["provinces"]
    assert len(provinces) == 32  # 31 mainland provinces and the demo province
    codes = [c["code"] for p in provinces for c in p["cities"]]
    assert len(codes) == len(set(codes)) > 330
    for p in provinces:
        assert p["code"].endswith("0000")
        assert all(c["code"][:2] == p["code"][:2] and c["name_en"] for c in p["cities"])
    assert places.city("530300").name_zh == "曲靖市"  # the seeds' city
    assert places.city("110100").province_zh == "北京市"
    assert places.city("429004").name_zh == "仙桃市"  # directly administered by the province
    assert places.city("110000") is None and places.city("710000") is None


def test_region_search_by_name_code_or_english():
    assert [p["code"] for p in places.search_regions("曲靖")] == ["530000"]
    assert places.search_regions("曲靖")[0]["cities"][0]["code"] == "530300"
    assert len(places.search_regions("云南")[0]["cities"]) == 16  # a province: all its cities
    assert places.search_regions("qujing")[0]["cities"][0]["name_zh"] == "曲靖市"
    assert places.search_regions("530300")[0]["cities"][0]["name_zh"] == "曲靖市"
    assert places.search_regions("no such place") == []
    assert len(places.search_regions(None)) == 32


def test_hospitals_by_city_and_name():
    kunming = places.institutions("530100", None)
    assert kunming and all(i.city == "530100" for i in kunming)
    assert {i.level for i in kunming} <= {1, 2, 3}
    assert [i.name_zh for i in places.institutions("530100", "中医")] == ["昆明市中医医院"]
    assert places.institutions(None, "Kunming No. 1")[0].id == "H530100001"
    assert places.institution("H530100001").city == "530100"
    assert places.institution("H990101001") is None  # the home hospital is not on the list


def test_where_a_city_lies_from_home():
    assert places.location_for("990200", "990101") == "out_of_county"
    assert places.location_for("110100", "990101") == "out_of_province"
    assert places.home_city("990101") == "990100"
