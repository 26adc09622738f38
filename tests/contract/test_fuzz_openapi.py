"""schemathesis fuzzes the running API from its own OpenAPI document: no server errors.

Three runs, each with the credentials its operations need: a citizen's token for the
citizen and public operations, another citizen's for logging out, a hospital client's
token for settlement. Logging out ends the session its token belongs to: fuzzed with the
citizen run's token, it made every operation tested after it see only 401s (42 of 57).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SETTLEMENT_PATHS = "^/v1/(settlements|vouchers)"
LOGOUT_PATH = "^/v1/auth/logout$"
NOT_CITIZENS = "^/v1/(settlements|vouchers|auth/logout$)"  # the other two runs'
CONFIG = Path(__file__).with_name("schemathesis.toml")


def schemathesis(live_server: str, token: str, name: str, *selection: str) -> None:
    report = ROOT / "artifacts" / "schemathesis" / name
    report.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(
        [
            str(Path(sys.executable).with_name("schemathesis")),
            "--config-file", str(CONFIG),
            "run",
            f"{live_server}/v1/openapi.json",
            *selection,
            "--checks", "all",
            # every check, positive data acceptance included: the few operations whose
            # rules JSON Schema cannot state say so, each with its reason, in CONFIG
            "--max-examples", "120",
            "--seed", "990101",
            "--phases", "examples,coverage,fuzzing",
            "--header", f"Authorization: Bearer {token}",
            "--request-timeout", "20",
            "--report", "junit",
            "--report-dir", str(report),
            "--no-color",
        ],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=ROOT,
    )
    output = result.stdout + result.stderr
    (report / "output.txt").write_text(output, encoding="utf-8")
    failures = output[output.find("FAILURES"):][:4000] if "FAILURES" in output else output[-3000:]
    assert result.returncode == 0, f"see artifacts/schemathesis/{name}/output.txt\n{failures}"
    assert "No operations" not in output


@pytest.mark.parametrize("audience", ["citizen", "logout", "hospital"])
def test_schemathesis_finds_no_server_error(stack, live_server, login, hospital, audience):
    if audience == "citizen":
        schemathesis(live_server, login(stack.fresh_person()), audience,
                     "--exclude-path-regex", NOT_CITIZENS)
    elif audience == "logout":
        schemathesis(live_server, login(stack.fresh_person()), audience,
                     "--include-path-regex", LOGOUT_PATH)
    else:
        schemathesis(live_server, hospital["token"], audience,
                     "--include-path-regex", SETTLEMENT_PATHS)
