"""nginx (deploy/nginx) in front of gunicorn, both for real: slow clients cost nginx a connection
and never a sync worker; whatever nginx or gunicorn refuses is an RFC 9457 problem, never HTML;
the limits agree, so an over-long query string gets the app's own answer; HEAD logs nothing.

The slow-client measurement, run by hand with the same helper against gunicorn alone (2 sync
workers, 20 slow clients): all 40 requests (20 to /healthz, 20 to the API) failed at the 2 s
timeout, and a lone /healthz waited over 90 s, three times in a row, while gunicorn killed and
restarted its stuck workers every 30 s. Through nginx the p99 is 2 to 4 ms.
"""

import contextlib
import json
import math
import runpy
import socket
import threading
import time
from http import HTTPStatus

import pytest
from django.conf import settings

from .conftest import HOST, PROBLEMS_DIR, ROOT, get, request

API_URL = "/api/v1/compounds/"
# The servers run with the default settings, as these tests do.
API_LIMIT = settings.API_MAX_QUERY_STRING  # 2048
BODY_LIMIT = settings.DATA_UPLOAD_MAX_MEMORY_SIZE  # 2.5 MiB: nginx's client_max_body_size 2560k
NGINX_REQUEST_LINE = 8190  # one 8k buffer of large_client_header_buffers, less CRLF
NGINX_HEADER_FIELD = 8190


class SlowClients:
    """Clients that never finish a request: half trickle their request head one byte a second,
    half send the head of an admin form post and trickle its body (Django reads that body to
    check the CSRF token: unbuffered, the post holds a worker until it is complete). Each is
    reconnected if the server drops it.

    (Slow readers are left out: on loopback the kernel's socket buffers take a whole answer,
    the largest, the OpenAPI document, being half a megabyte, so gunicorn never waits on one here
    with or without nginx's response buffering, which a test below checks is on.)"""

    def __init__(self, port: int, count: int = 20, interval: float = 1.0):
        self.port, self.count, self.interval = port, count, interval
        self.sockets: list[socket.socket | None] = [None] * count
        self.reconnects = 0
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._trickle, daemon=True)

    def _opening(self, index: int) -> bytes:
        if index % 2:
            lines = [
                "POST /admin/ HTTP/1.1",
                f"Host: {HOST}",
                "Content-Type: application/x-www-form-urlencoded",
                f"Cookie: csrftoken={'a' * 32}",
                "Content-Length: 100000",
            ]
            return ("\r\n".join(lines) + "\r\n\r\ncsrfmiddlewaretoken=").encode()
        return f"GET {API_URL} HTTP/1.1\r\nHost: {HOST}\r\nX-Slow: ".encode()

    def _connect(self, index: int) -> None:
        sock = socket.create_connection((HOST, self.port), timeout=2)
        sock.sendall(self._opening(index))
        self.sockets[index] = sock

    def _trickle(self) -> None:
        while not self.stopping.wait(self.interval):
            for index, sock in enumerate(self.sockets):
                try:
                    sock.sendall(b"a")
                except OSError:
                    sock.close()
                    self.reconnects += 1
                    with contextlib.suppress(OSError):
                        self._connect(index)

    def __enter__(self):
        for index in range(self.count):
            self._connect(index)
        self.thread.start()
        time.sleep(1.5 * self.interval)  # every one has sent, and been accepted
        return self

    def __exit__(self, *exc):
        self.stopping.set()
        self.thread.join()
        for sock in self.sockets:
            if sock:
                sock.close()


def latencies(
    port: int,
    target: str,
    count: int,
    timeout: float = 2.0,
    pause: float = 0.0,
    max_failures: int | None = None,
) -> list[float]:
    """Seconds each of ``count`` sequential GETs took (``timeout`` for one never answered,
    or answered with anything but 200), each on its own connection, ``pause`` apart; stop
    early after ``max_failures`` such failures."""
    results: list[float] = []
    for _ in range(count):
        if max_failures is not None and results.count(timeout) >= max_failures:
            break
        time.sleep(pause)
        start = time.perf_counter()
        try:
            with socket.create_connection((HOST, port), timeout=timeout) as sock:
                sock.sendall(
                    f"GET {target} HTTP/1.1\r\nHost: {HOST}\r\nConnection: close\r\n\r\n".encode()
                )
                answer = b""
                while chunk := sock.recv(65536):
                    answer += chunk
            ok = answer.startswith(b"HTTP/1.1 200 ")
        except OSError:
            ok = False
        results.append(time.perf_counter() - start if ok else timeout)
    return results


def p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[math.ceil(0.99 * len(ordered)) - 1]


def measure_under_slow_clients(
    port: int, count: int = 200, timeout: float = 2.0, max_failures: int | None = 3
) -> dict:
    """p99 (ms) of /healthz and an API URL on ``port`` while 20 slow clients hold connections
    and trickle (the helper run by hand against gunicorn alone, too). The requests are 10 ms
    apart, so the measurement lasts several trickles, and less than nginx's 10 s header
    timeout."""
    with SlowClients(port) as slow:
        figures = {}
        for target in ["/healthz", API_URL]:
            values = latencies(port, target, count, timeout, 0.01, max_failures)
            figures[target] = {
                "requests": len(values),
                "p99_ms": round(p99(values) * 1000, 1),
                "max_ms": round(max(values) * 1000, 1),
                "failed": sum(v >= timeout for v in values),
            }
        figures["slow_client_reconnects"] = slow.reconnects
    return figures


def test_slow_clients_leave_health_and_the_api_answering_quickly_behind_nginx(nginx):
    latencies(nginx.port, API_URL, 5)  # warm the API cache
    figures = measure_under_slow_clients(nginx.port)
    # The slow clients held their connections for the whole measurement (nginx drops a request
    # head after 10 s; the measurement is shorter, so none had to reconnect).
    assert figures.pop("slow_client_reconnects") == 0, figures
    for target, figure in figures.items():
        assert figure["failed"] == 0, (target, figures)
        assert figure["requests"] == 200
        assert figure["p99_ms"] < 100, (target, figures)


def test_nginx_buffers_requests_and_responses_with_timeouts_around_gunicorns(nginx):
    conf = (nginx.directory / "guidance.conf").read_text()
    directives = {
        line.strip().rstrip(";").split(None, 1)[0]: line.strip().rstrip(";").split(None, 1)[-1]
        for line in conf.splitlines()
        if line.strip() and not line.strip().startswith("#")
    }
    assert directives["proxy_request_buffering"] == "on"
    assert directives["proxy_buffering"] == "on"
    timeout = runpy.run_path(str(ROOT / "gunicorn.conf.py"))["timeout"]  # 30 s
    for name in ("proxy_read_timeout", "proxy_send_timeout"):
        assert int(directives[name].rstrip("s")) > timeout, name
    assert int(directives["proxy_next_upstream_timeout"].rstrip("s")) < timeout
    for name in ("client_header_timeout", "client_body_timeout", "send_timeout"):
        assert int(directives[name].rstrip("s")) <= timeout, name
    assert directives["client_max_body_size"] == f"{BODY_LIMIT // 1024}k"


# What nginx refuses: a problem with the right status, for /api/ and for requests with no path.


def nginx_problem(answer, status: int) -> dict:
    assert answer.status == status, (answer.status, answer.body[:300])
    body = answer.problem()
    assert answer.headers["server"] == "nginx"
    # The body is one of deploy/nginx/problems, byte for byte.
    assert answer.body == (PROBLEMS_DIR / f"{status}.json").read_bytes()
    return body


def query_target(request_line_length: int) -> str:
    """An API target whose request line (``GET <target> HTTP/1.1``) is this long."""
    prefix = f"{API_URL}?search="
    return prefix + "a" * (request_line_length - len("GET  HTTP/1.1") - len(prefix))


def test_a_request_line_over_nginx_limit_is_its_414_problem(nginx):
    answer = get(nginx.port, query_target(NGINX_REQUEST_LINE + 1))
    body = nginx_problem(answer, 414)
    assert (body["type"], body["title"]) == ("about:blank", "URI Too Long")
    assert "2048" in body["detail"]


@pytest.mark.parametrize(
    "target",
    [f"{API_URL}?search={'a' * (API_LIMIT + 1 - 7)}", query_target(NGINX_REQUEST_LINE)],
    ids=["query-2049-characters", "longest-request-line-nginx-passes"],
)
def test_a_query_over_the_apps_limit_and_within_nginx_reaches_django(nginx, target):
    # From just over the app's limit to the longest request line nginx passes: the app's own
    # answer, which proves gunicorn (limit_request_line) let it through too.
    answer = get(nginx.port, target)
    assert answer.status == 400
    assert answer.headers["server"] == "nginx"
    body = answer.problem()
    assert body["type"] == "/api/problems/query-too-long/"
    assert f"the limit is {API_LIMIT}" in body["detail"]


def test_a_header_field_nginx_passes_is_read_by_gunicorn_and_a_longer_one_is_a_431(nginx):
    field = "X-Long: "
    fits = get(nginx.port, "/healthz", field + "a" * (NGINX_HEADER_FIELD - len(field)))
    assert fits.status == 200
    too_long = get(nginx.port, API_URL, field + "a" * (NGINX_HEADER_FIELD + 1 - len(field)))
    body = nginx_problem(too_long, 431)
    assert body["title"] == "Request Header Fields Too Large"


@pytest.mark.parametrize(
    "raw",
    [
        # Two Host headers.
        b"GET /api/v1/ HTTP/1.1\r\nHost: 127.0.0.1\r\nHost: localhost\r\n\r\n",
        # A Content-Length that is not a number.
        b"POST /api/v1/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 12abc\r\n\r\n",
        # Not HTTP at all (a TLS hello on the plain port): no path to route by.
        b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n",
    ],
    ids=["two-host-headers", "bad-content-length", "no-request-line"],
)
def test_a_malformed_request_is_nginx_bad_request_problem(nginx, raw):
    body = nginx_problem(request(nginx.port, raw), 400)
    assert (body["type"], body["title"]) == ("/api/problems/bad-request/", "Bad request")


def test_a_body_over_djangos_limit_is_refused_before_gunicorn_reads_it(nginx):
    head = "POST /api/v1/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {}\r\n\r\n"
    body = nginx_problem(request(nginx.port, head.format(BODY_LIMIT + 1).encode()), 413)
    assert body["title"] == "Content Too Large"
    # Django's own limit passes: the API's answer to a POST.
    at_limit = request(nginx.port, head.format(BODY_LIMIT).encode() + b"a" * BODY_LIMIT)
    assert at_limit.status == 405
    assert at_limit.problem()["type"] == "/api/problems/method-not-allowed/"


def test_two_content_types_reach_django_as_one(nginx):
    # gunicorn refuses a request with two; nginx passes only the first.
    answer = get(nginx.port, "/api/v1/", "Content-Type: text/plain", "Content-Type: text/html")
    assert answer.status == 200


def test_the_upstream_down_is_a_502_problem_with_retry_after(nginx_without_upstream):
    for target in ["/api/v1/compounds/", "/admin/", "/healthz"]:
        answer = get(nginx_without_upstream.port, target)
        body = nginx_problem(answer, 502)
        assert body["title"] == HTTPStatus.BAD_GATEWAY.phrase
        assert answer.headers["retry-after"] == "5"


def test_a_flood_of_admin_login_posts_is_stopped_at_the_proxy(nginx):
    raw = f"POST /admin/login/ HTTP/1.1\r\nHost: {HOST}\r\nContent-Length: 0\r\n\r\n".encode()
    answers = [request(nginx.port, raw) for _ in range(15)]
    # 1 + burst 10 pass (Django answers, a 403 without a CSRF token); the rest never reach it.
    limited = [a for a in answers if a.status == 429]
    assert len(limited) >= 3, [a.status for a in answers]
    body = nginx_problem(limited[0], 429)
    assert body["type"] == "/api/problems/throttled/"
    assert limited[0].headers["retry-after"] == "2"
    # GETs of the login page are not counted.
    assert get(nginx.port, "/admin/login/").status == 200


def test_every_problem_file_is_a_problem_for_its_status():
    statuses = sorted(int(path.stem) for path in PROBLEMS_DIR.glob("*.json"))
    assert {400, 408, 413, 414, 429, 431, 502, 503, 504} <= set(statuses)
    for status in statuses:
        body = json.loads((PROBLEMS_DIR / f"{status}.json").read_text())
        assert body["status"] == status
        assert body["type"] == "about:blank" or body["type"].startswith("/api/problems/")
        assert body["title"]
        assert body["detail"]


# gunicorn reached directly (no proxy in front): its own refusals are problems too.


def gunicorn_problem(answer, status: int) -> dict:
    assert answer.status == status, (answer.status, answer.body[:300])
    assert "server" not in answer.headers  # gunicorn's error writer, not Django
    assert answer.headers["connection"] == "close"
    return answer.problem()


def test_gunicorn_refuses_a_request_line_over_its_limit_with_a_414_problem(gunicorn):
    body = gunicorn_problem(get(gunicorn.port, query_target(8191)), 414)
    assert (body["type"], body["title"]) == ("about:blank", "URI Too Long")
    assert body["detail"] == "Request Line is too large (8191 > 8190)"
    # The longest line gunicorn takes, nginx's longest too, gets the app's answer.
    assert get(gunicorn.port, query_target(8190)).problem()["type"] == (
        "/api/problems/query-too-long/"
    )


@pytest.mark.parametrize(
    ("raw", "header"),
    [
        (b"GET /api/v1/ HTTP/1.1\r\nHost: 127.0.0.1\r\nHost: localhost\r\n\r\n", "HOST"),
        (
            b"POST /api/v1/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 12abc\r\n\r\n",
            "CONTENT-LENGTH",
        ),
    ],
    ids=["two-host-headers", "bad-content-length"],
)
def test_gunicorn_refuses_a_malformed_request_with_a_bad_request_problem(gunicorn, raw, header):
    body = gunicorn_problem(request(gunicorn.port, raw), 400)
    assert (body["type"], body["title"]) == ("/api/problems/bad-request/", "Bad request")
    assert body["detail"] == f"Invalid HTTP Header: '{header}'"


def test_head_requests_log_no_warning(gunicorn, nginx):
    # gunicorn 27 warns on every HEAD whose answer has a body; Django's HEAD answers have none
    # (infra.middleware.HeadMiddleware).
    stdout = gunicorn.directory / "stdout.log"
    seen_out, seen_err = stdout.stat().st_size, gunicorn.stderr.stat().st_size
    for port in (gunicorn.port, nginx.port):
        for target in ["/api/v1/", "/healthz", API_URL]:
            answer = get(port, target, method="HEAD")
            assert answer.status == 200, (port, target)
            assert int(answer.headers["content-length"]) > 0
    time.sleep(0.3)
    access = stdout.read_bytes()[seen_out:].decode(errors="replace")
    assert access.count('"HEAD ') == 6, access
    logged = gunicorn.stderr.read_bytes()[seen_err:].decode(errors="replace")
    assert logged == "", logged
