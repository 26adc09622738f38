"""Third-party apps, the operator's command (第三方应用登记): ``python -m chalicelib.ops.apps``.

* ``register --name N --operator O --purpose P --privacy-url U --redirect-uri R
  --scopes S [--max-duration 13_months|one_time] [--rate-limit 1000]``: prints the
  client id and secret once (the secret is stored only as a keyed hash);
* ``suspend CLIENT_ID`` / ``resume CLIENT_ID``: every token of the app stops (or works
  again) at its next call;
* ``expire CLIENT_ID TOKEN``: the sandbox's way to make the grant behind one of the app's
  tokens lapse now (to try an expired grant's refresh).

Reads the stage's settings from the environment like the app.
"""

from __future__ import annotations

import argparse
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m chalicelib.ops.apps", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    register = sub.add_parser("register", help="register a new app")
    register.add_argument("--name", required=True)
    register.add_argument("--operator", required=True, help="the company that runs the app")
    register.add_argument("--purpose", required=True, help="what the app uses the data for")
    register.add_argument("--privacy-url", required=True)
    register.add_argument("--redirect-uri", required=True, action="append",
                          help="exactly as the app sends it; once per address")
    register.add_argument("--scopes", required=True, help="comma-separated, e.g. benefits:read")
    register.add_argument("--max-duration", default="13_months", choices=["13_months", "one_time"])
    register.add_argument("--rate-limit", type=int, default=1000, help="calls a minute")
    for name in ("suspend", "resume"):
        sub.add_parser(name, help=f"{name} an app").add_argument("client_id")
    expire = sub.add_parser("expire", help="sandbox: the grant behind a token lapses now")
    expire.add_argument("client_id")
    expire.add_argument("token", help="one of the app's access or refresh tokens")
    args = parser.parse_args(argv)

    from chalicelib.bootstrap import container
    from chalicelib.config import ConfigError
    from chalicelib.services import apps

    try:
        ctx = container().oauth()
    except ConfigError as exc:
        print(f"error: {exc}: export the stage's settings first (on the local stack: "
              "docs/apps-quickstart.md, step 1)", file=sys.stderr)
        return 2
    try:
        if args.command == "register":
            client_id, secret = apps.register_app(
                ctx, name=args.name, operator=args.operator, purpose=args.purpose,
                privacy_url=args.privacy_url, redirect_uris=args.redirect_uri,
                scopes=[s.strip() for s in args.scopes.split(",") if s.strip()],
                max_duration=args.max_duration, rate_limit=args.rate_limit,
            )
            print(f"client_id={client_id}")
            print(f"client_secret={secret}")
        elif args.command in ("suspend", "resume"):
            status = "suspended" if args.command == "suspend" else "active"
            apps.set_app_status(ctx, args.client_id, status)
            print(f"{args.client_id}: {status}")
        else:
            apps.expire_grant_of(ctx, args.client_id, args.token)
            print(f"{args.client_id}: the grant has lapsed")
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
