"""The moto server, made faithful in two ways.

1. One request at a time. DynamoDB applies each request atomically: of two
   conditional writes racing on one item, one fails. moto's threaded server does
   not lock its tables, so both could pass; serving requests one by one gives the
   real guarantee, which the concurrency tests rely on.
2. One leak stopped. moto records every model instance it ever creates, for ``/moto-api/data.json``.
Its TransactWriteItems deep-copies the tables it touches (to roll back), so
every transaction adds a copy of every item to that record: memory grows and
``data.json`` (where the sent SMS are read) slows down with each login. DynamoDB
objects are not recorded here; nothing else changes. Run as
``python -m local.moto_server -H 127.0.0.1 -p 5001``.
"""

from __future__ import annotations

import sys
from typing import Any


def _stop_tracking_dynamodb() -> None:
    from moto.core.common_models import BaseModel

    track = BaseModel.__new__

    def new(cls: type, *args: Any, **kwargs: Any) -> Any:
        if cls.__module__.startswith("moto.dynamodb"):
            return object.__new__(cls)
        return track(cls, *args, **kwargs)

    BaseModel.__new__ = new  # type: ignore[method-assign]


def _one_request_at_a_time() -> None:
    import moto.server

    server: Any = moto.server
    run_simple = server.run_simple

    def serial(*args: Any, **kwargs: Any) -> Any:
        return run_simple(*args, **{**kwargs, "threaded": False})

    server.run_simple = serial


def main() -> None:
    _stop_tracking_dynamodb()
    _one_request_at_a_time()
    from moto.server import main as moto_main

    moto_main(sys.argv[1:])


if __name__ == "__main__":
    main()
