"""Explanation lines (结算说明): every step of a settlement in plain words, refusals included.

Each line names the policy rule it applies (the rule's path in the policy file), the
rule's source, the amount it concerns, and the same words in Chinese and English.
A refusal says why and what would change it.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from chalicelib.rules.money import format_fen, format_pct
from chalicelib.rules.policy import Cited


@dataclass(frozen=True)
class Line:
    rule: str
    source: str
    amount: int
    text_zh: str
    text_en: str

    def to_json(self) -> dict[str, str]:
        return {
            "rule": self.rule,
            "source": self.source,
            "amount": format_fen(self.amount),
            "text_zh": self.text_zh,
            "text_en": self.text_en,
        }


def line(cited: Cited, amount: int, zh: str, en: str) -> Line:
    return Line(cited.rule, cited.source, amount, zh, en)


yuan = format_fen
"""An amount for plain text: ``"1259.50"`` (the same words as the JSON's amounts)."""


def pct(points: Fraction) -> str:
    """Percentage points for plain text: ``"85"``, ``"7.5"``."""
    return format_pct(points)


LEVEL_ZH = {1: "一级", 2: "二级", 3: "三级"}
KIND_ZH = {"inpatient": "住院", "outpatient": "普通门诊", "chronic_outpatient": "门诊慢特病"}
KIND_EN = {
    "inpatient": "inpatient care",
    "outpatient": "general outpatient care",
    "chronic_outpatient": "chronic-disease outpatient care",
}
BENEFIT_ZH = {
    "inpatient": "住院报销待遇",
    "outpatient": "普通门诊统筹待遇",
    "chronic_outpatient": "门诊慢特病待遇",
}
BENEFIT_EN = {
    "inpatient": "inpatient benefits",
    "outpatient": "general outpatient pooling benefits",
    "chronic_outpatient": "chronic-disease outpatient benefits",
}
GROUP_ZH = {
    "tekun": "特困人员",
    "dibao": "低保对象",
    "low_income": "低收入人口",
    "poverty_exited": "脱贫户",
}
GROUP_EN = {
    "tekun": "persons in extreme poverty (tekun)",
    "dibao": "dibao recipients",
    "low_income": "registered low-income persons",
    "poverty_exited": "households that exited poverty",
}
LOCATION_ZH = {"in_county": "县域内", "out_of_county": "县域外(省内)", "out_of_province": "省外"}
LOCATION_EN = {
    "in_county": "in the county",
    "out_of_county": "outside the county (same province)",
    "out_of_province": "outside the province",
}
FILING_ZH = {
    "none": "未办理异地就医备案",
    "long_term": "长期异地就医备案",
    "referral": "转诊备案",
    "emergency": "急诊抢救",
    "temporary_other": "其他临时外出备案",
}
FILING_EN = {
    "none": "no remote-care filing",
    "long_term": "a long-term remote-care filing",
    "referral": "a referral filing",
    "emergency": "emergency care",
    "temporary_other": "another temporary filing",
}


def round_yuan(fen: int) -> str:
    """A policy bound for plain text: whole yuan without decimals (``"50000"``), else two."""
    return str(fen // 100) if fen % 100 == 0 else format_fen(fen)
