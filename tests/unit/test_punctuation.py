"""Chinese text uses full-width punctuation (，。：；？！): in the portal's pages and
strings, and in every string the server answers or sends by SMS.

A half-width , ? : ; ! right after a Chinese character (or a closing ）” 」) and not
followed by a space (English prose naming a Chinese term, "冲正: undo ...") is a
slip: "卡丢了?先临时挂失,马上冻结。" must read "卡丢了？先临时挂失，马上冻结。".
"""

from __future__ import annotations

import io
import re
import tokenize
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HALF_WIDTH = re.compile(
    r"[\u4e00-\u9fff）”」][,?:;!](?! |$)"  # after a Chinese character
    r"|[}%\d)][,?:;!](?=[\u4e00-\u9fff“])"  # "{amount},您自己付", "10%,不清楚", "(…),补缴"
    r"|[\u4e00-\u9fff]\)[,?:;!](?! )"  # "累计{x}元(含起付线)," at the end of a piece
)


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


def slips(pieces: list[tuple[int, str]]) -> list[str]:
    return [
        f"{n}: {HALF_WIDTH.search(s).group(0)!r} in {s.strip()[:80]}"  # type: ignore[union-attr]
        for n, s in pieces
        if HALF_WIDTH.search(s)
    ]


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
