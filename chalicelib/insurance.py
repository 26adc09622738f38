"""Change a person's insurance status (参保状态) from the core system or an operator.

``python -m chalicelib.insurance <person_id> active|suspended|ended`` — when the
insurance ends, every family link of the person (家庭共济) ends in the same
transaction, and the relatives are told by SMS. Prints the ended link ids.
Reads the stage's settings from the environment like the app.
"""

from __future__ import annotations

import argparse
import re
import sys

STATUSES = ("active", "suspended", "ended")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m chalicelib.insurance", description=__doc__)
    parser.add_argument("person_id", help="the person id (p + 20 characters), never an ID number")
    parser.add_argument("status", choices=STATUSES)
    args = parser.parse_args(argv)
    if not re.fullmatch(r"p[a-z0-9]{20}", args.person_id):
        print("error: person_id is p followed by 20 letters or digits", file=sys.stderr)
        return 2

    from chalicelib import errors
    from chalicelib.bootstrap import container
    from chalicelib.services.family import change_insurance_status

    try:
        ended = change_insurance_status(container().family(), args.person_id, args.status)
    except errors.NotFound:
        print("error: no insured person has this id", file=sys.stderr)
        return 2
    print(f"status={args.status}")
    for link_id in ended:
        print(f"ended_link={link_id}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
