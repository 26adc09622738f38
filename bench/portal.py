"""The portal's first screen on the wire: ``index.html`` and everything it loads.

Follows the page's ``src``/``href`` to local assets and each ES module's static
``import ... from "./x.js"`` or ``import "./strings/x.js"``, compresses each file with
gzip (level 6, what a CDN applies to text), and sums the bytes. Budget: ≤ 60 KB.
"""

from __future__ import annotations

import gzip
import re

from bench.verdict import Budgets
from local.stack import ROOT

FRONTEND = ROOT / "frontend"
BUDGET_KB = 60
_REFERENCE = re.compile(r'(?:src|href)="([^"#:]+)"')
# `import … from "./x.js"` and the bare `import "./strings/x.js"` (a page's strings)
_IMPORT = re.compile(r'(?:from|import)\s+"(\.\.?/[^"]+)"')


def first_screen(page: str = "index.html") -> dict[str, int]:
    """Each file the page loads (before any click), with its compressed size in bytes."""
    sizes: dict[str, int] = {}
    todo = [FRONTEND / page]
    while todo:
        path = todo.pop()
        name = str(path.relative_to(FRONTEND))
        if name in sizes or not path.is_file():
            continue
        body = path.read_bytes()
        sizes[name] = len(gzip.compress(body, compresslevel=6))
        text = body.decode("utf-8", errors="replace")
        if path.suffix == ".html":
            refs = [r for r in _REFERENCE.findall(text) if not r.endswith(".html")]
        elif path.suffix == ".js":
            refs = _IMPORT.findall(text)
        else:
            refs = []
        todo += [(path.parent / r).resolve() for r in refs]
    return sizes


def report(budgets: Budgets) -> None:
    sizes = first_screen()
    print("portal's first screen (index.html and what it loads, gzip -6)")
    for name, size in sorted(sizes.items(), key=lambda kv: -kv[1]):
        print(f"  {name:<34} {size / 1000:6.1f} KB")
    budgets.count(
        "first screen, compressed", round(sum(sizes.values()) / 1000, 1), BUDGET_KB, " KB"
    )
