"""The benefit balance for a year (本年度待遇余额): what each yearly benefit has left.

It reads the same year-to-date figures settlement writes (``bill.Ytd``, fen) and the
person's profile (``bill.Person``: scheme, groups, retirement, tier, 慢特病), and
applies the caps settlement applies, from the policy in force:

- 统筹基金 inpatient: residents 120,000, assisted residents 200,000 (``000:131``),
  employees 6 × last year's average wage (``002@2791``), against ``basic_paid``;
- general outpatient pooling 1,000 (``002@5633``) against ``outpatient_paid``;
- chronic outpatient 6,500, assisted 7,000 (``000:131``) against ``chronic_paid``;
- critical illness (大病保险): the year's in-policy burden against the threshold
  (15,000; assisted 3,000, ``000:133``) and how much more until it pays;
- medical assistance (医疗救助), assisted persons only: paid against the yearly cap
  (60,000; none for 特困);
- the inpatient deductible (起付线), per admission by hospital level: a note, not a
  yearly balance.

Each figure says whether the person can use the benefit now (an employee's tier, a
qualified retiree, the 慢特病 qualification), with plain words in Chinese and English
and the rule's source. ``left`` is never negative. Pure: values in, values out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import Any

from chalicelib.rules.bill import YTD_FIELDS, Person, Ytd
from chalicelib.rules.eligibility import assisted_group, qualified_retiree
from chalicelib.rules.explain import (
    BENEFIT_EN,
    BENEFIT_ZH,
    GROUP_EN,
    GROUP_ZH,
    LEVEL_ZH,
    pct,
    yuan,
)
from chalicelib.rules.money import format_fen, format_pct
from chalicelib.rules.policy import Cited, Policy

CAP_KINDS = ("inpatient", "outpatient", "chronic_outpatient")

LABEL_ZH = {
    "inpatient": "住院统筹基金年度最高支付限额",
    "outpatient": "普通门诊统筹年度限额",
    "chronic_outpatient": "门诊慢特病年度限额",
    "critical_illness": "大病保险起付进度",
    "medical_assistance": "医疗救助年度限额",
    "deductible": "住院起付线（每次住院）",
}
LABEL_EN = {
    "inpatient": "Inpatient basic insurance: yearly cap",
    "outpatient": "General outpatient pooling: yearly cap",
    "chronic_outpatient": "Chronic-disease outpatient care: yearly cap",
    "critical_illness": "Critical illness insurance: progress to the threshold",
    "medical_assistance": "Medical assistance: yearly cap",
    "deductible": "Inpatient deductible (per admission)",
}


def _opt_fen(fen: int | None) -> str | None:
    return None if fen is None else format_fen(fen)


@dataclass(frozen=True)
class CapBalance:
    """A yearly cap: how much of it this year's payments used and what is left (≥ 0).

    ``cap_fen`` and ``left_fen`` are None when there is no cap (医疗救助 for 特困).
    ``available``: the person can use the benefit now; None when not known (an
    employee whose tier is not given).
    """

    benefit: str
    cap_fen: int | None
    used_fen: int
    left_fen: int | None
    available: bool | None
    rule: str
    source: str
    label_zh: str
    label_en: str
    text_zh: str
    text_en: str

    def to_json(self) -> dict[str, Any]:
        return {
            "label_zh": self.label_zh,
            "label_en": self.label_en,
            "cap": _opt_fen(self.cap_fen),
            "used": format_fen(self.used_fen),
            "left": _opt_fen(self.left_fen),
            "available": self.available,
            "rule": self.rule,
            "source": self.source,
            "text_zh": self.text_zh,
            "text_en": self.text_en,
        }


@dataclass(frozen=True)
class CriticalIllnessProgress:
    """大病保险：the year's accumulated burden against the threshold.

    ``until_paying_fen`` is how much more burden before it starts paying (0 once the
    threshold is reached); ``rate_pct`` the rate the next yuan of burden is paid at
    once it pays (assisted bonus included).
    """

    threshold_fen: int
    burden_fen: int
    until_paying_fen: int
    reached: bool
    rate_pct: Fraction
    available: bool | None
    rule: str
    source: str
    label_zh: str
    label_en: str
    text_zh: str
    text_en: str

    def to_json(self) -> dict[str, Any]:
        return {
            "label_zh": self.label_zh,
            "label_en": self.label_en,
            "threshold": format_fen(self.threshold_fen),
            "burden": format_fen(self.burden_fen),
            "until_paying": format_fen(self.until_paying_fen),
            "reached": self.reached,
            "rate_pct": format_pct(self.rate_pct),
            "available": self.available,
            "rule": self.rule,
            "source": self.source,
            "text_zh": self.text_zh,
            "text_en": self.text_en,
        }


@dataclass(frozen=True)
class DeductibleNote:
    """The inpatient deductible (起付线): per admission, by hospital level 1, 2, 3."""

    by_level: tuple[int, int, int]
    rule: str
    source: str
    label_zh: str
    label_en: str
    text_zh: str
    text_en: str

    def to_json(self) -> dict[str, Any]:
        return {
            "label_zh": self.label_zh,
            "label_en": self.label_en,
            "by_level": {str(i + 1): format_fen(v) for i, v in enumerate(self.by_level)},
            "rule": self.rule,
            "source": self.source,
            "text_zh": self.text_zh,
            "text_en": self.text_en,
        }


@dataclass(frozen=True)
class BenefitBalance:
    """本年度待遇余额 for one person on ``as_of`` (amounts in fen)."""

    year: int
    as_of: date
    scheme: str
    retired: bool
    assisted_group: str | None
    inpatient: CapBalance
    outpatient: CapBalance
    chronic_outpatient: CapBalance
    critical_illness: CriticalIllnessProgress
    medical_assistance: CapBalance | None
    deductible: DeductibleNote
    policy_region: str
    policy_version: str

    @property
    def caps(self) -> tuple[CapBalance, ...]:
        """The yearly caps in display order (medical assistance last, when it applies)."""
        caps = (self.inpatient, self.outpatient, self.chronic_outpatient)
        return caps if self.medical_assistance is None else (*caps, self.medical_assistance)

    def to_json(self) -> dict[str, Any]:
        """The public JSON shape: amounts as yuan strings with two decimals."""
        return {
            "year": self.year,
            "as_of": self.as_of.isoformat(),
            "person": {
                "scheme": self.scheme,
                "retired": self.retired,
                "assisted_group": self.assisted_group,
            },
            "caps": {
                c.benefit: c.to_json()
                for c in (self.inpatient, self.outpatient, self.chronic_outpatient)
            },
            "critical_illness": self.critical_illness.to_json(),
            "medical_assistance": None
            if self.medical_assistance is None
            else self.medical_assistance.to_json(),
            "deductible": self.deductible.to_json(),
            "policy": {"region": self.policy_region, "version": self.policy_version},
        }


# --- inputs -----------------------------------------------------------------------------------


def as_ytd(ytd: Ytd | Mapping[str, int]) -> Ytd:
    """``Ytd`` from itself or a dict of ``YTD_FIELDS`` in fen (missing keys are 0)."""
    if isinstance(ytd, Ytd):
        values = ytd.as_dict()
    else:
        for key in ytd:
            if key not in YTD_FIELDS:
                raise ValueError(f"ytd.{key}: unknown field")
        values = {name: ytd.get(name, 0) for name in YTD_FIELDS}
    for name, value in values.items():
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValueError(f"ytd.{name}: must be whole fen, not negative")
    return Ytd(**values)


# --- availability -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Access:
    available: bool | None
    zh: str
    en: str


def _access(policy: Policy, person: Person, kind: str) -> _Access:
    """Can the person use ``kind`` now (step 2 of settlement), and why not in plain words."""
    qualification = policy.chronic_qualification
    no_chronic = kind == "chronic_outpatient" and qualification.required and not person.chronic
    chronic_zh = (
        "您还没有门诊慢特病资格，可以带病历和诊断证明向医保经办机构申请认定，认定后才能使用。"
    )
    chronic_en = (
        "You do not hold a chronic-disease (慢特病) qualification yet: apply at the medical "
        "insurance office with your records and diagnosis; it can be used once granted."
    )
    if person.scheme == "resident" or qualified_retiree(person):
        if no_chronic:
            return _Access(False, chronic_zh, chronic_en)
        return _Access(True, "", "")
    threshold = policy.tiers.by_kind[kind]
    if person.tier_pct is None:
        return _Access(
            None,
            f"职工待遇按年均缴费档次确定，尚未核定您本年的档次；达到{pct(threshold)}%可以使用。",
            "An employee's benefits follow the contribution tier, not known yet for this "
            f"year; this one needs {pct(threshold)}%.",
        )
    if person.tier_pct < threshold:
        return _Access(
            False,
            f"年均缴费未达{pct(threshold)}%，{BENEFIT_ZH[kind]}暂不能享受；"
            "提高缴费基数或补缴欠费、达到后就可以使用。",
            f"Your annual average contribution is below {pct(threshold)}%, so "
            f"{BENEFIT_EN[kind]} are not available for now; they apply once it reaches "
            f"{pct(threshold)}% (raise the base or pay arrears).",
        )
    if no_chronic:
        return _Access(False, chronic_zh, chronic_en)
    return _Access(True, "", "")


def _any(values: Iterable[bool | None]) -> bool | None:
    """True if any is True; else None if any is unknown; else False."""
    listed = list(values)
    if any(v is True for v in listed):
        return True
    return None if any(v is None for v in listed) else False


# --- the balances -----------------------------------------------------------------------------


def _cap_balance(
    benefit: str,
    cited: Cited,
    cap: int | None,
    used: int,
    access: _Access,
    how_zh: str = "",
    how_en: str = "",
) -> CapBalance:
    label_zh, label_en = LABEL_ZH[benefit], LABEL_EN[benefit]
    if cap is None:
        left = None
        name_zh, name_en = label_zh.removesuffix("年度限额"), label_en.removesuffix(": yearly cap")
        zh = f"{name_zh}不设年度上限，本年已支付{yuan(used)}元。"
        en = f"{name_en}: no yearly cap; {yuan(used)} yuan paid this year."
    else:
        left = max(0, cap - used)
        zh = f"{label_zh}{yuan(cap)}元{how_zh}，本年已支付{yuan(used)}元，"
        en = f"{label_en} {yuan(cap)} yuan{how_en}; {yuan(used)} yuan paid this year, "
        if left:
            zh += f"还可支付{yuan(left)}元。"
            en += f"{yuan(left)} yuan left."
        else:
            zh += "本年额度已用完，明年1月1日起重新计算。"
            en += "nothing left this year; it starts again on 1 January."
    if access.zh:
        zh += access.zh
        en += " " + access.en
    return CapBalance(
        benefit,
        cap,
        used,
        left,
        access.available,
        cited.rule,
        cited.source,
        label_zh,
        label_en,
        zh,
        en,
    )


def _critical_illness(
    policy: Policy, burden: int, assisted: bool, available: bool | None
) -> CriticalIllnessProgress:
    rules = policy.critical_illness
    threshold = rules.assisted_threshold_fen if assisted else rules.threshold_fen
    bonus = rules.assisted_bonus if assisted else Fraction(0)
    over = max(0, burden - threshold)
    band = next(b for b in rules.bands if b.up_to_fen is None or over < b.up_to_fen)
    rate = band.pct + bonus
    until = max(0, threshold - burden)
    who_zh = "困难群众" if assisted else ""
    who_en = "assisted persons' " if assisted else ""
    label_zh, label_en = LABEL_ZH["critical_illness"], LABEL_EN["critical_illness"]
    head_zh = f"大病保险：本年住院和门诊慢特病政策范围内个人负担累计{yuan(burden)}元（含起付线），"
    head_en = (
        f"Critical illness insurance: this year's in-policy burden of inpatient and "
        f"chronic-disease care is {yuan(burden)} yuan (deductibles included); "
    )
    if until:
        zh = (
            f"{head_zh}{who_zh}起付标准{yuan(threshold)}元，再累计{yuan(until)}元后开始支付，"
            f"超过部分先按{pct(rate)}%支付。"
        )
        en = (
            f"{head_en}the {who_en}threshold is {yuan(threshold)} yuan: {yuan(until)} yuan "
            f"more and it starts paying, first at {pct(rate)}%."
        )
    else:
        zh = (
            f"{head_zh}已达到{who_zh}起付标准{yuan(threshold)}元，超过部分正在支付，"
            f"之后的负担按{pct(rate)}%支付，不设封顶线。"
        )
        en = (
            f"{head_en}the {who_en}threshold of {yuan(threshold)} yuan is reached: it is "
            f"paying, the next burden at {pct(rate)}%, with no cap."
        )
    if available is False:
        zh += "您目前不能享受住院或门诊慢特病待遇，大病保险也暂不支付。"
        en += " You cannot use inpatient or chronic-disease benefits now, so it does not pay yet."
    return CriticalIllnessProgress(
        threshold,
        burden,
        until,
        until == 0,
        rate,
        available,
        rules.cited.rule,
        rules.cited.source,
        label_zh,
        label_en,
        zh,
        en,
    )


def _deductible(policy: Policy, scheme: str) -> DeductibleNote:
    rule = policy.basic.deductible[scheme]
    by_level = rule.values
    zh_levels = "、".join(f"{LEVEL_ZH[i + 1]}医院{yuan(v)}元" for i, v in enumerate(by_level))
    en_levels = ", ".join(f"level {i + 1} {yuan(v)} yuan" for i, v in enumerate(by_level))
    return DeductibleNote(
        by_level,
        rule.cited.rule,
        rule.cited.source,
        LABEL_ZH["deductible"],
        LABEL_EN["deductible"],
        f"住院起付线每次住院都要先付，不是全年一次：{zh_levels}。普通门诊和门诊慢特病不设起付线。",
        f"The inpatient deductible is paid at every admission, not once a year: {en_levels}. "
        "General and chronic-disease outpatient care have none.",
    )


def benefit_balance(
    policy: Policy, person: Person, ytd: Ytd | Mapping[str, int], *, as_of: date
) -> BenefitBalance:
    """The year's benefit balance on ``as_of`` from its year-to-date figures (fen).

    ``ytd`` holds the figures of ``as_of``'s calendar year, as settlement writes them;
    ``policy`` must be the version in force on ``as_of`` (its caps apply). Raises
    ``ValueError`` for a policy not in force or a bad year-to-date figure.
    """
    if not policy.in_force_on(as_of):
        raise ValueError(
            f"as_of: policy {policy.region}/{policy.version} is not in force on {as_of}"
        )
    figures = as_ytd(ytd)
    group = assisted_group(policy, person)
    assisted = group is not None
    basic = policy.basic
    access = {kind: _access(policy, person, kind) for kind in CAP_KINDS}

    who = (
        "employee"
        if person.scheme == "employee"
        else ("assisted_resident" if assisted else "resident")
    )
    inpatient_cap = basic.inpatient_caps[who]
    how_zh = how_en = ""
    if inpatient_cap.wage_multiple is not None:
        multiple = pct(inpatient_cap.wage_multiple)
        wage = yuan(policy.average_wage.fen)
        how_zh = f"（上年度在岗职工平均工资{wage}元的{multiple}倍）"
        how_en = f" ({multiple} × last year's average wage {wage} yuan)"
    elif who == "assisted_resident" and group is not None:
        how_zh = f"（{GROUP_ZH[group]}）"
        how_en = f" ({GROUP_EN[group]})"
    inpatient = _cap_balance(
        "inpatient",
        inpatient_cap.cited,
        inpatient_cap.fen,
        figures.basic_paid,
        access["inpatient"],
        how_zh,
        how_en,
    )
    outpatient = _cap_balance(
        "outpatient",
        basic.outpatient_cap.cited,
        basic.outpatient_cap.fen,
        figures.outpatient_paid,
        access["outpatient"],
    )
    chronic_cap = basic.chronic_cap
    chronic = _cap_balance(
        "chronic_outpatient",
        chronic_cap.cited,
        chronic_cap.assisted_fen if assisted else chronic_cap.fen,
        figures.chronic_paid,
        access["chronic_outpatient"],
        f"（{GROUP_ZH[group]}）" if group is not None else "",
        f" ({GROUP_EN[group]})" if group is not None else "",
    )
    critical = _critical_illness(
        policy,
        figures.critical_burden,
        assisted,
        _any(access[k].available for k in policy.critical_illness.kinds if k in access),
    )
    assistance: CapBalance | None = None
    if group is not None:
        rules = policy.medical_assistance
        rate = rules.by_group[group]
        kinds_access = _any(access[k].available for k in rules.kinds if k in access)
        assistance = _cap_balance(
            "medical_assistance",
            rules.cited,
            rate.cap_fen,
            figures.assistance_paid,
            _Access(
                kinds_access,
                f"{GROUP_ZH[group]}住院和门诊慢特病费用按{pct(rate.pct)}%救助。",
                f"{GROUP_EN[group].capitalize()}: inpatient and chronic-disease costs are "
                f"assisted at {pct(rate.pct)}%.",
            ),
            f"（{GROUP_ZH[group]}）",
            f" ({GROUP_EN[group]})",
        )
    return BenefitBalance(
        as_of.year,
        as_of,
        person.scheme,
        person.retired,
        group,
        inpatient,
        outpatient,
        chronic,
        critical,
        assistance,
        _deductible(policy, person.scheme),
        policy.region,
        policy.version,
    )
