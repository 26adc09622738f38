"""``python -m chalicelib.ops.apps``, the operator's command (第三方应用登记), run as a
process against the local stack: register (the secret shown once, a keyed hash at rest),
suspend (the app's tokens stop at once), resume, and its refusals with their exit codes."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

from chalicelib.config import settings
from tests.api.oauth_flow import REDIRECT, AppReg, connect, refresh

REGISTER = [
    "register", "--name", "命令行应用", "--operator", "示范健康科技有限公司",
    "--purpose", "帮您查看医保待遇。", "--privacy-url", "https://app.example/privacy",
    "--redirect-uri", REDIRECT, "--scopes", "benefits:read, profile:read",
    "--max-duration", "one_time", "--rate-limit", "50",
]


def command(*args: str) -> subprocess.CompletedProcess[str]:
    """The command in a process of its own, with the test stack's settings (its env)."""
    return subprocess.run(
        [sys.executable, "-m", "chalicelib.ops.apps", *args], capture_output=True, text=True,
        env=dict(os.environ), timeout=120, check=False,
    )


def printed(out: str) -> dict[str, str]:
    return dict(line.split("=", 1) for line in out.splitlines() if "=" in line)


def stored_app(client_id: str) -> dict[str, Any]:
    from chalicelib.adapters.dynamodb.models import PersonItem

    raw = PersonItem._get_connection().get_item(f"APP#{client_id}", "APP", consistent_read=True)
    item: dict[str, Any] = raw["Item"]
    return item


def test_register_shows_the_secret_once_and_keeps_only_its_keyed_hash(stack, api, login):
    from chalicelib.services.oauth import secret_hash

    done = command(*REGISTER)
    assert done.returncode == 0, done.stderr
    shown = printed(done.stdout)
    client_id, secret = shown["client_id"], shown["client_secret"]
    assert client_id.startswith("app_") and len(secret) >= 40
    item = stored_app(client_id)
    assert secret not in repr(item)  # at rest: never the secret itself
    assert item["secret_hash"]["S"] == secret_hash(settings().pepper, client_id, secret)
    assert item["scopes"]["L"] == [{"S": "benefits:read"}, {"S": "profile:read"}]
    assert item["max_duration"]["S"] == "one_time" and item["rate_limit"]["N"] == "50"
    # the secret printed is the one that works: an app completes the flow with it
    answer = connect(api, login(stack.fresh_person()), AppReg(client_id, secret),
                     ["benefits:read"], duration="one_time")
    assert api.get("/v1/me/benefits", token=answer["access_token"]).status == 200
    # shown once: nothing the operator can run prints it again
    assert secret not in command("resume", client_id).stdout


def test_suspend_stops_the_apps_tokens_at_once_and_resume_lets_them_work(stack, api, login):
    shown = printed(command(*[a if a != "one_time" else "13_months" for a in REGISTER]).stdout)
    app = AppReg(shown["client_id"], shown["client_secret"])
    answer = connect(api, login(stack.fresh_person()), app, ["benefits:read"])
    token = answer["access_token"]
    assert api.get("/v1/me/benefits", token=token).status == 200

    done = command("suspend", app.client_id)
    assert done.returncode == 0 and done.stdout.strip() == f"{app.client_id}: suspended"
    stopped = api.get("/v1/me/benefits", token=token)  # the very next call
    assert stopped.status == 401 and stopped.body["code"] == "invalid_token"
    assert refresh(api, app, answer["refresh_token"]).status in (400, 401)  # nothing new
    assert stored_app(app.client_id)["status"]["S"] == "suspended"

    done = command("resume", app.client_id)
    assert done.returncode == 0 and done.stdout.strip() == f"{app.client_id}: active"
    assert api.get("/v1/me/benefits", token=token).status == 200


def test_bad_input_is_refused_with_exit_code_2_in_plain_words(stack):
    def without(flag: str) -> list[str]:
        at = REGISTER.index(flag)
        return REGISTER[:at] + REGISTER[at + 2:]

    def replaced(flag: str, value: str) -> list[str]:
        return [value if i and REGISTER[i - 1] == flag else a for i, a in enumerate(REGISTER)]

    cases = {
        "unknown scope": (replaced("--scopes", "benefits:read,everything"), "unknown or no scopes"),
        "http redirect": (replaced("--redirect-uri", "http://app.example/cb"), "redirect URIs"),
        "fragment": (replaced("--redirect-uri", "https://app.example/cb#x"), "redirect URIs"),
        "rate limit 0": (replaced("--rate-limit", "0"), "rate limit"),
        "no purpose": (without("--purpose"), "--purpose"),
        "bad duration": (replaced("--max-duration", "forever"), "--max-duration"),
        "unknown app": (["suspend", "app_0000000000000000"], "no app 'app_0000000000000000'"),
        "resume unknown": (["resume", "app_nothere"], "no app"),
        "expire unknown token": (["expire", "app_nothere", "at_nothing"], "no such token"),
        "no command": ([], "required"),
    }
    for name, (args, said) in cases.items():
        done = command(*args)
        assert done.returncode == 2, (name, done.stdout, done.stderr)
        assert said in done.stderr, (name, done.stderr)
        # no client id or secret: a refused registration is checked before it is stored
        assert "client_" not in done.stdout and "Traceback" not in done.stderr, name
    # a shell without the stage's settings: the missing one named, where to find them
    bare = {k: v for k, v in os.environ.items() if k != "YIBAO_TOKEN_SECRET"}
    done = subprocess.run([sys.executable, "-m", "chalicelib.ops.apps", "suspend", "app_x"],
                          capture_output=True, text=True, env=bare, timeout=120, check=False)
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
    assert "YIBAO_TOKEN_SECRET is not set" in done.stderr and "apps-quickstart" in done.stderr

