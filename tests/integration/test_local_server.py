"""The one local URL (``make run``): clean refusals of malformed requests, and a burst held."""

from __future__ import annotations

import http.client
import json
import socket
import threading
from urllib.parse import urlsplit


def _raw(url: str, request: bytes) -> tuple[int, dict[str, object], bytes]:
    """Send bytes as they are; read the status line and the body."""
    parts = urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as sock:
        sock.sendall(request)
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    return status, json.loads(body) if body else {}, head


def test_a_nul_in_the_path_is_a_400_problem(live_server, capsys):
    for path in (b"/v1/me\x00x", b"/index.html\x00.png", b"/v1/regions\x01"):
        status, body, head = _raw(live_server, b"GET " + path + b" HTTP/1.1\r\nHost: x\r\n\r\n")
        assert status == 400, (path, head)
        assert b"application/problem+json" in head
        assert body["status"] == 400 and body["detail_zh"]
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert all(json.loads(line) for line in err.splitlines() if line.strip())


def test_a_bad_content_length_is_a_400_problem(live_server, capsys):
    for length in (b"abc", b"-1", b"1e3", b"99999999999"):
        request = (
            b"POST /v1/auth/otp HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Content-Length: " + length + b"\r\n\r\n{}"
        )
        status, body, head = _raw(live_server, request)
        assert status == 400, (length, head)
        assert body["type"] and body["status"] == 400
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert all(json.loads(line) for line in err.splitlines() if line.strip())


def test_what_http_server_refuses_itself_is_a_problem_body_not_html(live_server):
    headers = b"".join(b"X-%d: 1\r\n" % i for i in range(120))  # more than http.server takes
    status, body, head = _raw(live_server, b"GET /index.html HTTP/1.1\r\n" + headers + b"\r\n")
    assert status == 431 and b"application/problem+json" in head
    assert body["status"] == 431 and body["title"] == "Request Header Fields Too Large"


def test_200_concurrent_connections_are_all_answered(live_server):
    """A burst of connections opened at once, as 200 phones or a test's threads make them."""
    parts = urlsplit(live_server)
    n = 200
    sockets = [socket.socket() for _ in range(n)]
    start = threading.Barrier(n)
    statuses: list[int | str] = [0] * n

    def one(i: int) -> None:
        start.wait()
        try:
            # The kernel completes a connection into the listen backlog at once; a full
            # backlog drops the SYN and the client retries after a second (or is reset).
            sockets[i].settimeout(0.9)
            sockets[i].connect((parts.hostname, parts.port))
            sockets[i].settimeout(30)
            conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
            conn.sock = sockets[i]
            conn.request("GET", "/v1/regions?q=%E4%BA%91%E5%8D%97")
            statuses[i] = conn.getresponse().status
        except OSError as error:
            statuses[i] = type(error).__name__
        finally:
            sockets[i].close()

    threads = [threading.Thread(target=one, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert statuses == [200] * n, {s: statuses.count(s) for s in set(statuses)}
