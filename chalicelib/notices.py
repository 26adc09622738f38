"""``python -m chalicelib.notices``: the monthly notice run (see :mod:`chalicelib.ops.notices`)."""

from __future__ import annotations

if __name__ == "__main__":
    from chalicelib.ops.notices import main

    raise SystemExit(main())
