"""Register a machine client: ``python -m chalicelib.clients register --name N --scopes S``.

Prints the client id and secret once (the secret is stored only as a keyed hash).
Reads the stage's settings from the environment like the app.
"""

from __future__ import annotations

import argparse
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m chalicelib.clients", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    register = sub.add_parser("register", help="register a new client")
    register.add_argument("--name", required=True)
    register.add_argument("--scopes", required=True, help="comma-separated, e.g. settlements:write")
    register.add_argument("--hospital", help="the hospital id a settling client acts for")
    args = parser.parse_args(argv)

    from chalicelib.bootstrap import container
    from chalicelib.services.clients import register_client

    c = container()
    scopes = [s.strip() for s in args.scopes.split(",") if s.strip()]
    try:
        client_id, secret = register_client(
            c.clients, c.settings.pepper, args.name, scopes, args.hospital, c.clock.now()
        )
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"client_id={client_id}")
    print(f"client_secret={secret}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
