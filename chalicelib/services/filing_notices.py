"""The SMS of remote-care filing (异地就医备案): their templates are in rules/notices.py
with every other SMS, and they go through the notice service (records, quiet hours,
preferences). The consent code for a relative goes with the login codes' limits through
``auth.request_consent``.
"""

from __future__ import annotations

import logging
from typing import Any

from chalicelib.ports import Person

log = logging.getLogger(__name__)


def send(notices: Any, person: Person, kind: str, values: dict[str, Any]) -> bool:
    """Send one filing SMS to the person; False when it could not be sent (what was done
    stays done: the caller decides whether to try again). One turned off by the person,
    or waiting for 08:00, is done: its notice record says so."""
    from chalicelib.services.notices import notify

    try:
        return notify(notices, person, kind, values)
    except Exception:
        log.exception("filing SMS failed", extra={"person_id": person.person_id, "kind": kind})
        return False
