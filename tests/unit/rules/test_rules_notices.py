"""The SMS templates, quiet hours and opt-out words (pure rules)."""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest

from chalicelib.adapters.clock import CHINA
from chalicelib.rules import notices

SIGNATURE = "示范县医保"


def test_the_monthly_notice_reads_as_the_region_sends_it():
    text = notices.render("monthly", "示范医保", {"month": 10, "credit": 12345, "balance": 678901})
    assert text == (
        "【示范医保】您的医保个人账户10月划入123.45元，余额6,789.01元。详询12393，退订回T"
    )


def test_the_replacement_ready_notice_names_the_new_cards_tail_only():
    text = notices.render("card_replacement_ready", "示范医保", {"tail": "0042"})
    assert text == "【示范医保】您补办的医保卡（尾号0042）已办好，请按申请时选的方式领取。"
    assert notices.parts(text) == 1
    template = notices.TEMPLATES["card_replacement_ready"]
    assert (template.group, template.urgent) == ("card", False)  # 补卡进度: may be turned off
    with pytest.raises(notices.SlotRefused):
        notices.render("card_replacement_ready", "示范医保", {"tail": "D98000000042"})


@pytest.mark.parametrize("kind", sorted(notices.TEMPLATES))
def test_every_template_at_its_longest_fits_its_parts(kind):
    template = notices.TEMPLATES[kind]
    text = notices.longest(kind, SIGNATURE)
    assert notices.parts(text) <= template.max_parts, (kind, notices.ucs2_length(text))
    assert "http" not in text.lower() and "www" not in text.lower()
    assert not re.search(r"\d{17}[\dXx]", text), "no full ID number"
    assert not re.search(r"[,.:;?!](?!\d)", text.replace("6,789", "")), "full-width punctuation"


def test_the_monthly_notice_is_one_part_even_at_its_longest():
    assert notices.TEMPLATES["monthly"].max_parts == 1
    assert notices.ucs2_length(notices.longest("monthly", SIGNATURE)) <= 70


def test_parts_are_counted_in_ucs2_with_67_per_part_when_split():
    assert notices.parts("字" * 70) == 1
    assert notices.parts("字" * 71) == 2
    assert notices.parts("字" * 134) == 2
    assert notices.parts("字" * 135) == 3
    assert notices.ucs2_length("𠀀") == 2  # outside the BMP: two code units


@pytest.mark.parametrize(
    ("kind", "values"),
    [
        ("monthly", {"month": 10, "credit": "123元，点击领取", "balance": 1}),
        ("monthly", {"month": 13, "credit": 1, "balance": 1}),
        ("monthly", {"month": 10, "credit": -1, "balance": 1}),
        ("monthly", {"month": 10, "credit": 1.5, "balance": 1}),
        ("monthly", {"month": 10, "credit": True, "balance": 1}),
        ("monthly", {"month": 10, "credit": 1}),
        ("monthly", {"month": 10, "credit": 1, "balance": 1, "link": "x"}),
        ("family_link_ended", {"name": "张三丰", "end_reason": "由共济账户本人解除"}),
        ("family_link_ended", {"name": "张*，详见 http://x.cn", "end_reason": "家庭成员拒绝"}),
        ("family_link_ended", {"name": "张*", "end_reason": "随便写的理由"}),
        ("filing_lapsing", {"city": "北京市 http://a.b", "day": date(2026, 1, 1)}),
        ("filing_lapsing", {"city": "北京市", "day": "明天"}),
        ("login_code", {"code": "12345a", "minutes": 5}),
    ],
)
def test_a_slot_takes_only_its_own_kind_of_value(kind, values):
    with pytest.raises(notices.SlotRefused):
        notices.render(kind, SIGNATURE, values)


def test_named_values_render_in_their_slots():
    text = notices.render(
        "family_link_ended", SIGNATURE, {"name": "欧阳*", "end_reason": "家庭成员拒绝"}
    )
    assert text == "【示范县医保】您与欧阳*的家庭共济绑定已解除（家庭成员拒绝）。"


@pytest.mark.parametrize(
    ("now", "due"),
    [
        (datetime(2026, 11, 1, 23, 0, tzinfo=CHINA), datetime(2026, 11, 2, 8, 0, tzinfo=CHINA)),
        (datetime(2026, 11, 1, 21, 0, tzinfo=CHINA), datetime(2026, 11, 2, 8, 0, tzinfo=CHINA)),
        (datetime(2026, 11, 2, 3, 0, tzinfo=CHINA), datetime(2026, 11, 2, 8, 0, tzinfo=CHINA)),
        (datetime(2026, 11, 2, 7, 59, tzinfo=CHINA), datetime(2026, 11, 2, 8, 0, tzinfo=CHINA)),
        (datetime(2026, 11, 2, 8, 0, tzinfo=CHINA), datetime(2026, 11, 2, 8, 0, tzinfo=CHINA)),
        (datetime(2026, 11, 2, 20, 59, tzinfo=CHINA), datetime(2026, 11, 2, 20, 59, tzinfo=CHINA)),
    ],
)
def test_notices_that_are_not_urgent_wait_for_8_am(now, due):
    assert notices.due_at(now, urgent=False) == due


def test_urgent_notices_go_at_once_at_night():
    night = datetime(2026, 11, 1, 23, 0, tzinfo=CHINA)
    assert notices.due_at(night, urgent=True) == night
    assert notices.TEMPLATES["login_code"].urgent
    assert notices.TEMPLATES["card_temporary_loss"].urgent
    assert not notices.TEMPLATES["monthly"].urgent


def test_only_what_the_system_starts_on_its_own_waits_out_the_night():
    """A confirmation of what someone did just now goes at once at 23:00 (the page says the
    SMS went); the monthly notice and the reminders the system starts wait for 08:00."""
    waits = {k for k, t in notices.TEMPLATES.items() if t.waits_out_the_night}
    assert waits == {
        "monthly",
        "card_temporary_loss_lapsing",
        "card_replacement_ready",
        "family_insurance_ended",
        "filing_lapsing",
    }
    for kind in ("filing_accepted", "family_link_ended", "family_contribution_paid"):
        template = notices.TEMPLATES[kind]
        assert not template.urgent and template.group != "security"  # still turned off


@pytest.mark.parametrize(
    "text", ["T", "t", " td ", "R", "退订", "stop", "\u3000STOP\u3000", "Td\n"]
)
def test_opt_out_words(text):
    assert notices.is_opt_out(text)


@pytest.mark.parametrize("text", ["", "TT", "T退订", "不要退订", "stop it", "1"])
def test_other_words_do_not_opt_out(text):
    assert not notices.is_opt_out(text)


def test_skip_reasons_in_order():
    off = frozenset({"monthly"})
    none: frozenset[str] = frozenset()
    assert notices.skip_reason("deceased", "13800001234", "monthly", none, True) == "deceased"
    assert notices.skip_reason("ended", "13800001234", "monthly", none, True) == "insurance_ended"
    # 暂停参保 is none of the reasons: the account and its balance remain
    assert notices.skip_reason("suspended", "13800001234", "monthly", none, True) is None
    assert notices.skip_reason("active", "1380000123", "monthly", none, True) == "no_valid_phone"
    assert notices.skip_reason("active", "13800001234", "monthly", off, True) == "opted_out"
    assert notices.skip_reason("active", "13800001234", "monthly", none, False) == "no_account"
    assert notices.skip_reason("active", "13800001234", "monthly", none, True) is None
    assert notices.skip_reason("active", "13800001234", "filing", frozenset({"filing"}), True) == (
        "turned_off"
    )
    # security notices cannot be turned off
    everything = frozenset(notices.GROUPS)
    assert notices.skip_reason("active", "13800001234", "security", everything, False) is None


def test_the_run_on_the_first_reports_the_month_before():
    assert notices.previous_month(date(2026, 11, 1)) == "2026-10"
    assert notices.previous_month(date(2027, 1, 1)) == "2026-12"
