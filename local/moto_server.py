"""The moto server, with one leak stopped.

moto records every model instance it ever creates, for ``/moto-api/data.json``.
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


def main() -> None:
    _stop_tracking_dynamodb()
    from moto.server import main as moto_main

    moto_main(sys.argv[1:])


if __name__ == "__main__":
    main()
