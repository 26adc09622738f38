"""``make run``: the whole local system with demo data on one URL.

Starts the moto server, creates the table from the models, seeds the demo region,
serves the portal and the API on http://127.0.0.1:8000, prints demo logins.
Ctrl-C stops everything it started. Ports: YIBAO_PORT (8000), YIBAO_MOTO_PORT (5001).
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
import time

from local.stack import MotoServer, local_env


def _notice_senders(stop: threading.Event) -> None:
    """The local stack's stand-in for the sender Lambda's event source: event notices that
    waited for 08:00 go out here (``python -m chalicelib.notices run`` drains its own)."""
    from chalicelib.bootstrap import container
    from chalicelib.ops.notices import drain, send_batch

    while not stop.is_set():
        try:
            drain(container().notice_queue, send_batch, senders=1, idle_rounds=1)
        except Exception as exc:  # the local stack going down under it: try again
            print(f"notice sender: {type(exc).__name__}", file=sys.stderr)
        stop.wait(5)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m local.run", description=__doc__)
    parser.add_argument("--port", type=int, default=int(os.environ.get("YIBAO_PORT", "8000")))
    parser.add_argument(
        "--moto-port", type=int, default=int(os.environ.get("YIBAO_MOTO_PORT", "5001"))
    )
    parser.add_argument(
        "--persons", type=int, default=int(os.environ.get("YIBAO_DEMO_PERSONS", "2000"))
    )
    args = parser.parse_args(argv)

    started = time.monotonic()
    moto = MotoServer(args.moto_port).start()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        os.environ.update(local_env(moto.port))
        from chalicelib.demo import login_lines, seed_region

        print(f"moto server on {moto.url}; seeding {args.persons} demo persons …", flush=True)
        seed_region(args.persons, progress=True)
        from local.server import serve

        server = serve(args.port, moto.url)
        threading.Thread(target=_notice_senders, args=(stop,), daemon=True).start()
        url = f"http://127.0.0.1:{args.port}"
        from local import demo_app

        demo_app.ensure_registered(url)
        print("\n示范县 demo logins (ID number, phone, name) — read the SMS code at /outbox.html:")
        for line in login_lines(990101, 5):
            print("  " + line)
        print(
            f"\nReady in {time.monotonic() - started:.1f} s: {url}/  (API: {url}/v1/, "
            f"docs: {url}/docs.html; a third-party app's side: {url}{demo_app.BASE}, "
            "docs/apps-quickstart.md). Ctrl-C stops.",
            flush=True,
        )
        try:
            while not stop.wait(0.5):
                pass
        except KeyboardInterrupt:
            pass
        server.shutdown()
    finally:
        moto.stop()
        print("stopped.", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
