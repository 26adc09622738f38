"""Field paths for error messages: ``items[2].amount``, ``basic.caps.inpatient.resident``."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}")


def field_path(parts: Iterable[str | int]) -> str:
    """A dotted path with list indexes; odd keys are quoted so the path stays one line."""
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        elif _NAME.fullmatch(part):
            out += f".{part}" if out else part
        else:
            out += f"[{json.dumps(part[:64])}]"
    return out or "(document)"


def one_line(text: str, limit: int = 300) -> str:
    """Collapse whitespace so a message is always one line, and keep it short."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
