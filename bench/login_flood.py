"""Does guessing admin passwords slow the API? `python -m bench.login_flood`

Starts the production server (gunicorn, production settings, PostgreSQL, Redis) three times:
as configured by default (login throttle and lockout on); with both off (LOGIN_THROTTLE_RATE=off
LOGIN_LOCKOUT=0, the door before django-axes); and, as a control, default again with the 8
clients asking for /healthz instead of guessing. On each, it measures the API's latency with one
sequential client, idle and then while 8 parallel clients post wrong passwords to the admin
login as fast as the server answers them, and prints the ratio of the two in the same run.
A failed login costs a password hash (hundreds of milliseconds of CPU); the lockout refuses
attempts before any hashing, and the throttle answers an address past its rate before any work.
"""

import argparse
import http.cookiejar
import multiprocessing
import os
import re
import secrets
import statistics
import subprocess
import time
import urllib.parse
import urllib.request

from bench.run import (
    PYTHON,
    RESULTS,
    ROOT,
    Server,
    add_service_arguments,
    get,
    log,
    reset_database,
    reset_redis,
    server_env,
)

API = "/api/v1/compounds/ketamine/"
GUESSERS = 8


def api_latencies(base: str, seconds: float) -> list[float]:
    """Milliseconds of each API request made one after another for ``seconds``."""
    times = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        start = time.perf_counter()
        status, _ = get(base + API)
        times.append((time.perf_counter() - start) * 1000)
        assert status == 200, status
    return times


def ask_health(base: str, stop, counts) -> None:
    """The control: as many cheap requests as a guesser, at the same priority, to /healthz."""
    os.nice(19)
    while not stop.is_set():
        get(base + "/healthz")
        with counts.get_lock():
            counts.value += 1


def guess(base: str, stop, counts) -> None:
    """Post wrong passwords for one account, with a valid CSRF token, until ``stop``. Each
    guesser is its own process, so none competes with the measuring client for a GIL, and runs
    at the lowest CPU priority, as if on another machine: what slows the API is then the server's
    work of answering the guesses, not the guessers' own work on this machine's two cores."""
    os.nice(19)
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(base + "/admin/login/", timeout=60) as page:
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.read().decode())
    body = urllib.parse.urlencode(
        {
            "csrfmiddlewaretoken": token.group(1),
            "username": "editor",
            "password": secrets.token_hex(8),
            "next": "/admin/",
        }
    ).encode()
    while not stop.is_set():
        request = urllib.request.Request(
            base + "/admin/login/", data=body, headers={"Referer": base + "/admin/login/"}
        )
        try:
            with opener.open(request, timeout=60) as response:
                response.read()
        except urllib.error.HTTPError as error:  # 429 once locked out
            error.read()
        with counts.get_lock():
            counts.value += 1


def summary(times: list[float]) -> dict:
    ordered = sorted(times)
    return {
        "requests": len(times),
        "p50_ms": round(statistics.median(ordered), 2),
        "p95_ms": round(ordered[int(len(ordered) * 0.95) - 1], 2),
    }


def measure(env: dict, label: str, seconds: float, client=guess) -> dict:
    with Server(env, RESULTS / f"gunicorn-login-flood-{label}.log") as server:
        api_latencies(server.base, 2)  # warm up the workers and the cache
        idle = summary(api_latencies(server.base, seconds))
        stop, counts = multiprocessing.Event(), multiprocessing.Value("i", 0)
        guessers = [
            multiprocessing.Process(target=client, args=(server.base, stop, counts), daemon=True)
            for _ in range(GUESSERS)
        ]
        for guesser in guessers:
            guesser.start()
        time.sleep(1)
        flooded = summary(api_latencies(server.base, seconds))
        stop.set()
        for guesser in guessers:
            guesser.join(timeout=60)
    return {
        "idle": idle,
        "guessing": flooded,
        "login_attempts": counts.value,
        "p50_ratio": round(flooded["p50_ms"] / idle["p50_ms"], 2),
        "p95_ratio": round(flooded["p95_ms"] / idle["p95_ms"], 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10, help="Seconds per measurement.")
    add_service_arguments(parser)
    args = parser.parse_args()
    RESULTS.mkdir(parents=True, exist_ok=True)
    env = server_env(args, SESSION_COOKIE_SECURE="0", CSRF_COOKIE_SECURE="0")
    log("Preparing a fresh database and cache...")
    reset_database(args.database_url)
    reset_redis(args.redis_url)
    for command in (["prepare", "-v", "0"], ["collectstatic", "--noinput", "-v", "0"]):
        subprocess.run([PYTHON, "manage.py", *command], cwd=ROOT, env=env, check=True)
    subprocess.run(
        [
            PYTHON,
            "manage.py",
            "shell",
            "-c",
            "from django.contrib.auth.models import User; "
            "User.objects.create_user('editor', password='the-right-one', is_staff=True)",
        ],
        cwd=ROOT,
        env=env,
        check=True,
    )
    results = {}
    off = {"LOGIN_LOCKOUT": "0", "LOGIN_THROTTLE_RATE": "off"}
    for label, extra, client in (
        ("door on", {}, guess),
        ("door off", off, guess),
        ("control", {}, ask_health),
    ):
        log(f"{label}: API latency idle, then under {GUESSERS} parallel clients...")
        reset_redis(args.redis_url)
        subprocess.run(
            [PYTHON, "manage.py", "axes_reset", "-v", "0"],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
        )
        results[label] = measure({**env, **extra}, label.replace(" ", "-"), args.seconds, client)
    print(
        f"{'':12} {'idle p50':>9} {'idle p95':>9} {'guess p50':>10} {'guess p95':>10} "
        f"{'p50 x':>6} {'p95 x':>6} {'logins':>7}"
    )
    for label, r in results.items():
        print(
            f"{label:12} {r['idle']['p50_ms']:>9} {r['idle']['p95_ms']:>9} "
            f"{r['guessing']['p50_ms']:>10} {r['guessing']['p95_ms']:>10} "
            f"{r['p50_ratio']:>6} {r['p95_ratio']:>6} {r['login_attempts']:>8}"
        )


if __name__ == "__main__":
    main()
