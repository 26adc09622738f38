"""Chinese text uses full-width punctuation (，。：；？！（）): in the portal's pages and
strings, and in every string the server answers or sends by SMS.

A half-width , ? : ; ! right after a Chinese character (or a closing ）” 」) and not
followed by a space (English prose naming a Chinese term, "冲正: undo ...") is a
slip: "卡丢了?先临时挂失,马上冻结。" must read "卡丢了？先临时挂失，马上冻结。". So is one
after ``)`` or ``%`` before a figure in Chinese text ("…门诊50%):0.00×50%", "10%,即"),
and half-width brackets around Chinese words ("县域外(省内)"). Brackets of a formula
("(20,000.00−500.00)×85%") and the figures' own marks ("1,234.56", "09:30") stay.

The sources are checked string by string; what the server actually says (the settlement
lines of the recorded answers, every SMS at its longest) is checked as a person reads it,
with the one money format (``1,234.56元``, never ``1234.56元``).
"""

from __future__ import annotations

import gzip
import io
import json
import re
import tokenize
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HALF_WIDTH = re.compile(
    r"[\u4e00-\u9fff）”」][,?:;!](?! |$)"  # after a Chinese character
    r"|[}%\d)][,?:;!](?=[\u4e00-\u9fff“])"  # "{amount},您自己付", "10%,不清楚", "(…),补缴"
    r"|[\u4e00-\u9fff]\)[,?:;!](?! )"  # "累计{x}元(含起付线)," at the end of a piece
    # half-width brackets around Chinese words: "县域外(省内)就医", "医疗救助({group})："
    r"|[\u4e00-\u9fff]\((?=[\u4e00-\u9fff{])|\}\((?=\{)"  # …, "{n}({who})"
    r"|(?<=[\"'])\((?=[\u4e00-\u9fff])"  # '"(您的{rel})"' at the start of a string
    r"|[\u4e00-\u9fff]\)(?=[\u4e00-\u9fff{，。：；？！、])"
)
IN_CHINESE = re.compile(r"[)%][,?:;!](?=[\"{\d(\u4e00-\u9fff])")
"""A slip only in a text that has Chinese in it (a format spec "{x:08d}" is not one):
"…门诊50%):0.00×50%", "({how_zh}):{formula}", "{pct}%,即"."""
CJK = re.compile(r"[\u3400-\u9fff]")
SHOWN = re.compile(
    HALF_WIDTH.pattern
    + r"|[,?:;!](?=\d)(?<!\d,(?=\d{3}))(?<!\d:(?=\d))"  # "合计:1,234" (not "1,234", "09:30")
    + r"|\((?=[\u4e00-\u9fff])|(?<=[\u4e00-\u9fff])\)"  # "张*(您的父母)", "元(低保对象)"
    + r"|(?<=[\u4e00-\u9fff])[,?:;!]$"  # a mark that ends the text: "姓名:"
)
"""What a Chinese text that a person reads (no code, no English prose in it) may not have."""
UNGROUPED = re.compile(r"(?<![\d,.\"“])\d{4,}\.\d{2}(?!\d)")
"""An amount without its thousands separators: "12170.83元" (one format: "12,170.83元");
not a quoted example of what to type ('如"1234.50"')."""


def python_strings(path: Path) -> list[tuple[int, str]]:
    """Every string literal of a Python file (comments and docstrings are for developers)."""
    found = []
    tokens = list(tokenize.generate_tokens(io.StringIO(path.read_text()).readline))
    for i, tok in enumerate(tokens):
        if tok.type != tokenize.STRING:
            continue
        before = tokens[i - 1] if i else None
        is_docstring = before is None or before.type in (tokenize.INDENT, tokenize.NEWLINE)
        if not is_docstring:
            found.append((tok.start[0], tok.string))
    return found


def frontend_lines(path: Path) -> list[tuple[int, str]]:
    """The lines of a page or script, without comments."""
    text = re.sub(r"<!--.*?-->", "", path.read_text(), flags=re.S)
    text = re.sub(r"/\*.*?\*/", lambda m: "\n" * m.group(0).count("\n"), text, flags=re.S)
    return [(n, re.sub(r"(^|\s)//.*$", "", line)) for n, line in enumerate(text.splitlines(), 1)]


SERVER = sorted((ROOT / "chalicelib").rglob("*.py"))
FRONTEND = sorted([*(ROOT / "frontend").glob("*.html"), *(ROOT / "frontend/assets").rglob("*.js")])


def slip(text: str) -> str | None:
    """The first half-width mark in ``text`` that Chinese text does not take, or None."""
    found = HALF_WIDTH.search(text) or (CJK.search(text) and IN_CHINESE.search(text))
    return found.group(0) if found else None


def shown_slip(text_zh: str) -> str | None:
    """The first half-width mark in a Chinese text as shown or sent, or None."""
    found = SHOWN.search(text_zh) or IN_CHINESE.search(text_zh)
    return found.group(0) if found else None


def slips(pieces: list[tuple[int, str]]) -> list[str]:
    return [f"{n}: {slip(s)!r} in {s.strip()[:80]}" for n, s in pieces if slip(s)]


@pytest.mark.parametrize("path", SERVER, ids=lambda p: str(p.relative_to(ROOT)))
def test_the_servers_chinese_strings_use_full_width_punctuation(path: Path):
    assert slips(python_strings(path)) == []


@pytest.mark.parametrize("path", FRONTEND, ids=lambda p: str(p.relative_to(ROOT)))
def test_the_portals_chinese_text_uses_full_width_punctuation(path: Path):
    assert slips(frontend_lines(path)) == []


def test_the_check_catches_the_slips_the_issue_names():
    slips = (
        "卡丢了?先临时挂失,马上冻结。",
        "金额:20,000.00 元",
        "共支付 {funds},您自己付",
        "10%,不清楚",
        '"个人负担累计{yuan(burden)}元(含起付线),"',
    )
    for bad in slips:
        assert HALF_WIDTH.search(bad), bad
    for good in ("卡丢了？先临时挂失，马上冻结。", "300,000.00 元", "冲正: undo a settlement"):
        assert not HALF_WIDTH.search(good), good


def _said_in_chinese() -> list[tuple[str, str]]:
    """(where, text_zh) for what the server says: every line of the recorded settlement
    answers (byte for byte what the engine answers, test_settlement_answers_recorded)
    and every SMS template with its slots at their longest."""
    from chalicelib.rules import notices
    from tests.unit.record_settlement_answers import RECORDED

    with gzip.open(RECORDED, "rt", encoding="utf-8") as stream:
        records = json.load(stream)
    said = {
        (line["rule"], line["text_zh"])
        for record in records
        for line in json.loads(record["answer"])["lines"]
    }
    said |= {(kind, notices.longest(kind, "示范医保")) for kind in notices.TEMPLATES}
    return sorted(said)


def test_what_the_server_says_in_chinese_uses_full_width_punctuation_and_one_money_format():
    said = _said_in_chinese()
    assert len(said) > 3000  # every kind of line, with many values
    wrong = [f"{where}: {slip!r} in {text}" for where, text in said if (slip := shown_slip(text))]
    assert wrong == []
    ungrouped = [f"{where}: {text}" for where, text in said if UNGROUPED.search(text)]
    assert ungrouped == []


def test_the_checks_catch_the_old_lines_and_sms():
    """Texts the engine and the SMS said before the one format (#12): each is caught."""
    old_lines = (
        "统筹基金按50%报销(一级医疗机构普通门诊50%):0.00×50%=0.00元。",
        "按规定不超过医疗费用1267.47元的20%,即253.49元。",
        "县域外(省内)就医未按规定办理转诊，报销比例降低10个百分点，少报0.00元；",
        "特困人员住院兜底(异地就医)：政策范围内个人负担0.00元；",
        "目录外(丙类)费用60.00元不在报销范围内，由您自付。",
        "医疗救助(低收入人口)用于住院和门诊慢特病费用，本次普通门诊不适用。",
        "长期异地就医备案不降低;转诊备案降低10个百分点",
        "【示范医保】您补办的医保卡(尾号0042)已办好，请按申请时选的方式领取。",
        "张*(您的父母)",
    )
    for bad in old_lines:
        assert shown_slip(bad), bad
    sources = (
        'f"统筹基金按{ratio_text}%报销({how_zh}):{formula}×{ratio_text}%={uncapped_text}元。"',
        'f"按规定不超过医疗费用{yuan(base_total)}元的{pct(g.personal_max_pct)}%,"',
        '"县域外(省内)"',
        'f"医疗救助({GROUP_ZH[group]})用于"',
        '"(您的{rel})"',
    )
    for bad in sources:
        assert slip(bad), bad
    assert UNGROUPED.search("个人账户支付66.60元，账户余额还剩12170.83元。")
    for good in (
        "统筹基金按50%报销（一级医疗机构普通门诊50%）：0.00×50%=0.00元。",
        "统筹基金按75%报销（一级医院住院90%）：（20,000.00−500.00）×75%=14,625.00元。",
        "统筹基金按75%报销（一级医院住院90%）：(20,000.00−500.00)×75%=14,625.00元。",
        "个人账户支付66.60元，账户余额还剩12,170.83元。",
        "您尾号0042的医保卡已于12月31日23:59临时挂失",
    ):
        assert not shown_slip(good) and not UNGROUPED.search(good), good
    for code in ('f"{value.hour:02d}:{value.minute:02d}"', 'f"{n:,}"', '"You (慢特病) may"'):
        assert not slip(code), code



def _schema_texts(node: object, path: str) -> list[tuple[str, str]]:
    """(where, text) for every Chinese text of a JSON schema: its x-error "zh" refusals."""
    if isinstance(node, dict):
        return [t for k, v in node.items() for t in _schema_texts(v, f"{path}/{k}")]
    if isinstance(node, list):
        return [t for i, v in enumerate(node) for t in _schema_texts(v, f"{path}/{i}")]
    return [(path, node)] if isinstance(node, str) and path.endswith("/zh") else []


@pytest.mark.parametrize(
    "path", sorted((ROOT / "schemas").glob("*.schema.json")), ids=lambda p: p.name
)
def test_the_schemas_chinese_refusals_use_full_width_punctuation(path: Path):
    texts = _schema_texts(json.loads(path.read_text()), path.name)
    wrong = [f"{where}: {slip!r} in {text}" for where, text in texts if (slip := shown_slip(text))]
    assert wrong == []
    assert [text for _, text in texts if UNGROUPED.search(text)] == []


def test_the_schema_check_catches_the_old_refusals():
    old = {"x-error": {"zh": '金额以元为单位，最多两位小数，在0到100000000.00之间(如"1234.50")。'}}
    assert [shown_slip(t) for _, t in _schema_texts(old, "")] == ["间("]
    assert UNGROUPED.search(old["x-error"]["zh"])
