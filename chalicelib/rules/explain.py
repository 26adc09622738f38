"""Explanation lines (结算说明): every step of a settlement in plain words, refusals included.

Each line names the policy rule it applies (the rule's path in the policy file), the
rule's source, the amount it concerns, and the same words in Chinese and English.
A refusal says why and what would change it.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction

from chalicelib.rules.money import CENTS_TEXT, FEN_PER_YUAN, format_fen, format_pct
from chalicelib.rules.policy import Cited


class Line:
    """One explanation line. Its words may be given, or made on first use by ``render``
    (``() -> (text_zh, text_en)``), once: the engine's own runs that read only the
    amounts (an estimate's filing effects) then never format them."""

    __slots__ = ("_render", "_texts", "amount", "rule", "source")

    def __init__(
        self,
        rule: str,
        source: str,
        amount: int,
        text_zh: str = "",
        text_en: str = "",
        render: Callable[[], tuple[str, str]] | None = None,
    ) -> None:
        self.rule = rule
        self.source = source
        self.amount = amount
        self._render = render
        self._texts = None if render is not None else (text_zh, text_en)

    def texts(self) -> tuple[str, str]:
        """``(text_zh, text_en)``, formatted now if not yet."""
        texts = self._texts
        if texts is None:
            assert self._render is not None
            texts = self._texts = self._render()
            self._render = None
        return texts

    @property
    def text_zh(self) -> str:
        return self.texts()[0]

    @property
    def text_en(self) -> str:
        return self.texts()[1]

    def _key(self) -> tuple[str, str, int, str, str]:
        return (self.rule, self.source, self.amount, *self.texts())

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Line) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        rule, source, amount, zh, en = self._key()
        return f"Line({rule!r}, {source!r}, {amount!r}, {zh!r}, {en!r})"

    def to_json(self) -> dict[str, str]:
        zh, en = self.texts()
        return {
            "rule": self.rule,
            "source": self.source,
            "amount": format_fen(self.amount),
            "text_zh": zh,
            "text_en": en,
        }


def line(cited: Cited, amount: int, zh: str, en: str) -> Line:
    return Line(cited.rule, cited.source, amount, zh, en)


def later(cited: Cited, amount: int, render: Callable[[], tuple[str, str]]) -> Line:
    """A line whose words ``render`` makes when they are first read (see :class:`Line`)."""
    return Line(cited.rule, cited.source, amount, "", "", render)  # positional: ~⅓ quicker


def yuan(fen: int) -> str:
    """An amount for a person's text (explanation lines, SMS): yuan with thousands
    separators and exactly two decimals, ``123456789`` → ``"1,234,567.89"``.

    The one money format: Chinese text writes the unit right after it
    (``余额6,789.01元``, as the SMS do), English text after a space (``6,789.01 yuan``);
    the portal shows ``6,789.01 元``. The JSON's amounts stay ``"6789.01"`` (format_fen).
    """
    if fen < 0:
        return "-" + yuan(-fen)
    whole, cents = divmod(fen, FEN_PER_YUAN)
    if whole < 1000:  # no separator: plain formatting is ~2 × quicker than ``:,``
        return f"{whole}.{CENTS_TEXT[cents]}"
    return f"{whole:,}.{CENTS_TEXT[cents]}"


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
LOCATION_ZH = {"in_county": "县域内", "out_of_county": "县域外（省内）", "out_of_province": "省外"}
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
