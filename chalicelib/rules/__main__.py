"""Command line of the rules layer.

``python -m chalicelib.rules settle BILL.json [--policy FILE]`` prints the settlement
JSON (the policy is picked by the bill's region and date from the packaged
policies unless ``--policy`` names a file). ``python -m chalicelib.rules validate DIR``
checks a folder of policy files. Bad input exits 2 with one line on stderr naming
the field (``items[2].amount: more than two decimal places``), never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import NoReturn, TextIO

from chalicelib.rules.fields import one_line

EXIT_BAD_INPUT = 2
EXIT_INTERNAL = 1


class _BadInput(Exception):
    """One line for stderr, exit 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise _BadInput(f"usage: {one_line(message)}")


def _reject_constant(name: str) -> object:
    raise ValueError(f"{name} is not a JSON number")


def _read_json(path: Path) -> object:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise _BadInput(f"{path}: cannot read ({e.__class__.__name__})") from None
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as e:
        raise _BadInput(f"{path}: not valid JSON (line {e.lineno} column {e.colno})") from None
    except (ValueError, RecursionError) as e:
        raise _BadInput(f"{path}: not valid JSON ({one_line(str(e))})") from None


def _settle(bill_file: Path, policy_file: Path | None) -> dict[str, object]:
    from chalicelib.rules.bill import BillError, parse_bill
    from chalicelib.rules.policy import PolicyError, PolicyNotFound, load_policy, policy_in_force
    from chalicelib.rules.settlement import settle

    try:
        bill = parse_bill(_read_json(bill_file))
    except BillError as e:
        raise _BadInput(str(e)) from None
    try:
        if policy_file is None:
            policy = policy_in_force(bill.region, bill.date)
        else:
            policy = load_policy(policy_file)
            if policy.region != bill.region:
                raise _BadInput(f"region: {bill.region} but the policy is for {policy.region}")
            if not policy.in_force_on(bill.date):
                raise _BadInput(
                    f"date: {bill.date.isoformat()} is outside the policy's effective dates"
                )
    except PolicyNotFound as e:
        raise _BadInput(f"{e.field}: {e.message}") from None
    except PolicyError as e:
        raise _BadInput(str(e)) from None
    return settle(policy, bill).to_json()


def _validate(directory: Path) -> str:
    from chalicelib.rules.policy import PolicyError, load_policy_dir

    try:
        policies = load_policy_dir(directory)
    except PolicyError as e:
        raise _BadInput(str(e)) from None
    regions = sorted({p.region for p in policies})
    return f"ok: {len(policies)} policy files, regions {', '.join(regions)}"


def main(argv: list[str] | None = None) -> int:
    parser = _Parser(prog="python -m chalicelib.rules", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    settle_cmd = commands.add_parser("settle", help="settle one bill (JSON file)")
    settle_cmd.add_argument("bill", type=Path)
    settle_cmd.add_argument("--policy", type=Path, default=None)
    validate_cmd = commands.add_parser("validate", help="check a folder of policy files")
    validate_cmd.add_argument("directory", type=Path)
    try:
        args = parser.parse_args(argv)
        if args.command == "settle":
            out = json.dumps(_settle(args.bill, args.policy), ensure_ascii=False, indent=2)
        else:
            out = _validate(args.directory)
    except _BadInput as e:
        _write(sys.stderr, one_line(str(e), 1000))
        return EXIT_BAD_INPUT
    except Exception as e:  # never a traceback on the command line
        _write(sys.stderr, f"internal error: {e.__class__.__name__}")
        return EXIT_INTERNAL
    _write(sys.stdout, out)
    return 0


def _write(stream: TextIO, text: str) -> None:
    """UTF-8 whatever the locale says."""
    stream.flush()
    try:
        stream.buffer.write((text + "\n").encode("utf-8"))
        stream.buffer.flush()
    except AttributeError:  # a text-only stream (some test harnesses)
        stream.write(text + "\n")


if __name__ == "__main__":
    sys.exit(main())
