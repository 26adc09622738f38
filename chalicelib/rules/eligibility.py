"""Step 2, eligibility (待遇资格): who may use the funds for this kind of visit.

Residents qualify for every kind. An employee who is retired with the contribution
years (男30年、女25年) qualifies for every kind; any other employee by the annual
average contribution as % of the average wage (缴费与待遇挂钩，``002@2470``):
inpatient ≥ 60, general outpatient ≥ 80, chronic outpatient ≥ 95. Chronic outpatient
care also needs a 慢特病 qualification. A refusal says why and what would change
it (the 张爹爹 case, ``002@3038``).
"""

from __future__ import annotations

from fractions import Fraction
from typing import NamedTuple

from chalicelib.rules.bill import Bill, Person
from chalicelib.rules.explain import BENEFIT_EN, BENEFIT_ZH, KIND_EN, KIND_ZH, Line, line, pct
from chalicelib.rules.policy import Policy


class Eligibility(NamedTuple):  # made on every settlement: a tuple is quicker
    qualifies: bool
    lines: tuple[Line, ...]


def assisted_group(policy: Policy, person: Person) -> str | None:
    """The highest assisted group the person holds (特困 > 低保 > 低收入), or None."""
    for group in policy.assisted_groups:
        if group in person.groups:
            return group
    return None


def qualified_retiree(person: Person) -> bool:
    """An employee retired with the policy's contribution years: every kind of benefit."""
    return person.scheme == "employee" and person.retired and person.years_met


def check_eligibility(policy: Policy, bill: Bill) -> Eligibility:
    person, kind = bill.person, bill.visit.kind
    lines: list[Line] = []
    qualifies = True
    years = policy.contribution_years
    if qualified_retiree(person):
        lines.append(
            # A right, not an amount: the line names no money (the page shows no 金额 for it).
            line(
                years.cited,
                0,
                f"您是累计缴费年限已满（男{years.male}年、女{years.female}年）的退休人员，"
                f"可以享受{BENEFIT_ZH[kind]}。",
                f"You are retired with the required contribution years (men {years.male}, "
                f"women {years.female}): {BENEFIT_EN[kind]} apply.",
            )
        )
    elif person.scheme == "employee":
        threshold = policy.tiers.by_kind[kind]
        tier = person.tier_pct if person.tier_pct is not None else Fraction(0)
        if tier >= threshold:
            lines.append(
                line(
                    policy.tiers.cited,
                    0,
                    f"您的年均缴费为上年度在岗职工平均工资的{pct(tier)}%，达到{pct(threshold)}%，"
                    f"可以享受{BENEFIT_ZH[kind]}。",
                    f"Your annual average contribution is {pct(tier)}% of the average wage, "
                    f"at least {pct(threshold)}%: {BENEFIT_EN[kind]} apply.",
                )
            )
        else:
            qualifies = False
            lines.append(_tier_refusal(policy, person, tier, threshold, kind))
    qualification = policy.chronic_qualification
    if kind == "chronic_outpatient" and qualification.required and not person.chronic:
        qualifies = False
        lines.append(
            line(
                qualification.cited,
                0,
                "您还没有门诊慢特病资格，本次费用不能按门诊慢特病报销。"
                "可以带病历和诊断证明向医保经办机构申请慢特病资格认定，认定后就可以享受。",
                "You do not yet hold a chronic-disease (慢特病) qualification, so this visit "
                "cannot be reimbursed as chronic-disease outpatient care. Apply for the "
                "qualification at the medical insurance office with your medical records and "
                "diagnosis; once it is granted, the benefit applies.",
            )
        )
    if not qualifies:
        lines.append(
            line(
                policy.tiers.cited if person.scheme == "employee" else qualification.cited,
                0,
                f"因此本次{KIND_ZH[kind]}费用没有基本医保、大病保险、医疗救助和兜底报销，"
                "可以用个人账户或现金支付。",
                f"So nothing of this {KIND_EN[kind]} bill is paid by basic insurance, critical "
                "illness insurance, medical assistance or the safety net; you may pay from "
                "your personal account or in cash.",
            )
        )
    return Eligibility(qualifies, tuple(lines))


def _tier_refusal(
    policy: Policy, person: Person, tier: Fraction, threshold: Fraction, kind: str
) -> Line:
    years = policy.contribution_years
    head_zh = (
        f"年均缴费未达{pct(threshold)}%，{BENEFIT_ZH[kind]}暂不能享受。"
        f"您的年均缴费为上年度在岗职工平均工资的{pct(tier)}%。"
    )
    head_en = (
        f"Your annual average contribution is {pct(tier)}% of the average wage, below "
        f"{pct(threshold)}%, so {BENEFIT_EN[kind]} are not available for now."
    )
    if person.retired:
        zh = (
            f"退休人员累计缴费年限满男{years.male}年、女{years.female}年的，可以享受全部待遇；"
            "请带身份证到医保经办窗口核对缴费年限，如有欠缴可以补缴。"
        )
        en = (
            f"Retirees with {years.male} (men) or {years.female} (women) contribution years "
            "get every benefit: take your ID card to the medical insurance office to check "
            "your contribution years and pay any arrears."
        )
    else:
        zh = (
            f"年均缴费达到{pct(threshold)}%及以上后就可以享受；请按时足额缴费，"
            "如有欠缴可以到医保经办窗口补缴。"
        )
        en = (
            f"It applies once your annual average contribution reaches {pct(threshold)}%: "
            "pay in full and on time, and pay any arrears at the medical insurance office."
        )
    return line(policy.tiers.cited, 0, head_zh + zh, f"{head_en} {en}")
