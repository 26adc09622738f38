"""Start and stop the moto server (DynamoDB, SNS, SQS over HTTP) on 127.0.0.1."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def stage_env(stage: str = "local") -> dict[str, str]:
    """The stage's environment variables from .chalice/config.json."""
    config = json.loads((ROOT / ".chalice" / "config.json").read_text(encoding="utf-8"))
    env = dict(config.get("environment_variables", {}))
    env.update(config["stages"][stage].get("environment_variables", {}))
    return {k: str(v) for k, v in env.items()}


def local_env(moto_port: int, table: str = "yibao-local") -> dict[str, str]:
    env = stage_env("local")
    env.update(
        {
            "YIBAO_AWS_ENDPOINT": f"http://127.0.0.1:{moto_port}",
            "YIBAO_TABLE": table,
            "AWS_EC2_METADATA_DISABLED": "true",
        }
    )
    return env


def wait_for(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise RuntimeError(f"{url} did not answer within {seconds:.0f} s") from None
            time.sleep(0.1)


class MotoServer:
    """A moto server subprocess; use as a context manager."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> MotoServer:
        self._process = subprocess.Popen(
            [sys.executable, "-m", "local.moto_server", "-H", "127.0.0.1", "-p", str(self.port)],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env={**os.environ, "MOTO_ALLOW_NONEXISTENT_REGION": "true"},
        )
        wait_for(self.url + "/moto-api/")
        return self

    def stop(self) -> None:
        """Kill the server. Everything it holds is in its memory, to be thrown away: asked
        to terminate, it spent 3-5 s freeing a test session's objects (and was killed
        after 5 s anyway)."""
        if self._process is not None:
            self._process.kill()
            self._process.wait(5)
            self._process = None

    def __enter__(self) -> MotoServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def sent_sms(self) -> list[dict[str, Any]]:
        """Every SMS published through SNS, oldest first: ``{"to", "text"}``."""
        with urllib.request.urlopen(self.url + "/moto-api/data.json", timeout=5) as response:
            data = json.load(response)
        return sms_from_data(data)

    def reset(self) -> None:
        request = urllib.request.Request(self.url + "/moto-api/reset", method="POST")
        urllib.request.urlopen(request, timeout=5).close()


def sms_from_data(data: dict[str, Any]) -> list[dict[str, Any]]:
    """moto lists sent SMS at ``["sns"]["SMS"]`` as ``{message, message_id, phone_number}``."""
    return [
        {
            "id": m.get("message_id"),
            "to": str(m.get("phone_number", "")),
            "text": m.get("message", ""),
        }
        for m in data.get("sns", {}).get("SMS", [])
    ]
