"""The benchmark harness: `make bench` (or `python -m bench.run`).

Starts the production server (gunicorn, 2 sync workers, production settings, PostgreSQL, Redis),
loads the content, warms the cache, and drives load from wrk in a separate process at 16 and 64
connections against a bare Django baseline and every endpoint: warm (cached), with
If-None-Match (304), and cold (response cache off, on a second server). It prints a table of
requests/s, p50 and p99 latency, errors and each endpoint's ratio to the baseline measured by the
same server in the same run, and writes the same as JSON; a final 60-second mixed run at 64
connections counts errors, and worker memory is read from /proc.
"""

import argparse
import json
import os
import platform
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
LUA = ROOT / "bench" / "report.lua"
PYTHON = sys.executable

BASELINE = "/bench/baseline/"
BASELINE_EVERY = 3
ENDPOINTS = {
    "compounds (list)": "/api/v1/compounds/",
    "mechanisms (list)": "/api/v1/mechanisms/",
    "disorders (list)": "/api/v1/disorders/",
    "modalities (list)": "/api/v1/modalities/",
    "guidance (list)": "/api/v1/guidance/",
    "profile-factors (list)": "/api/v1/profile-factors/",
    "safety-statements (list)": "/api/v1/safety-statements/",
    "references (list)": "/api/v1/references/",
    "compound (detail)": "/api/v1/compounds/ketamine/",
    "mechanism (detail)": "/api/v1/mechanisms/bdnf-trkb-signaling/",
    "disorder (detail)": "/api/v1/disorders/ptsd/",
    "modality (detail)": "/api/v1/modalities/psychoeducation/",
    "guidance (detail)": "/api/v1/guidance/aud-ketamine-met-integration/",
    "profile-factor (detail)": "/api/v1/profile-factors/dissociative-tendencies/",
    "safety-statement (detail)": "/api/v1/safety-statements/no-pairing-evidence/",
    "reference (detail)": "/api/v1/references/10.1177/0269881108093587/",
    "recommendation": "/api/v1/recommendations/?disorder=alcohol-use-disorder&compound=ketamine",
    "matrix": "/api/v1/recommendations/matrix/",
    "meta": "/api/v1/meta/",
}


@dataclass
class Run:
    """One wrk run against one URL."""

    endpoint: str
    mode: str
    connections: int
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    errors: int
    ratio: float | None = None
    extra: dict = field(default_factory=dict)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        log("Installing wrk from Debian's packages...")
        subprocess.run(["apt-get", "install", "-y", "wrk"], check=True, capture_output=True)
        return "wrk"
    sys.exit("wrk is needed: apt-get install wrk")


def reset_database(url: str) -> None:
    """Drop and create the benchmark's own database, so every run starts from the same place."""
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def reset_redis(url: str) -> None:
    import redis

    redis.Redis.from_url(url).flushdb()


def get(url: str, headers: dict | None = None) -> tuple[int, dict]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            response.read()
            return response.status, dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers)


class Server:
    """gunicorn with the production settings and the harness's URLconf."""

    def __init__(self, env: dict, log_path: Path):
        self.env = env
        self.port = free_port()
        self.log_path = log_path
        self.process: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> "Server":
        env = {**self.env, "PORT": str(self.port)}
        self.log_file = self.log_path.open("w")
        self.process = subprocess.Popen(
            [PYTHON, "-m", "gunicorn", "--config", "gunicorn.conf.py"],
            cwd=ROOT,
            env=env,
            stdout=self.log_file,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if get(f"{self.base}/healthz")[0] == 200:
                    return self
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not start; see {self.log_path}")

    def __exit__(self, *exc) -> None:
        if self.process:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=30)
        self.log_file.close()

    def worker_rss_mb(self) -> list[float]:
        """Resident memory of each worker process, from /proc."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        sizes = []
        for pid in children.read_text().split():
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    sizes.append(round(int(line.split()[1]) / 1024, 1))
        return sizes


def wrk(
    url: str,
    *,
    connections: int,
    duration: int,
    headers: dict | None = None,
    urls: list[str] | None = None,
) -> dict:
    command = [
        "wrk",
        "-t2",
        f"-c{connections}",
        f"-d{duration}s",
        "--timeout",
        "10s",
        "-s",
        str(LUA),
    ]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    env = {**os.environ, "URLS": " ".join(urls or [])}
    result = subprocess.run([*command, url], capture_output=True, text=True, check=True, env=env)
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    seconds = summary["duration_us"] / 1e6
    summary["rps"] = summary["requests"] / seconds if seconds else 0.0
    summary["errors"] = sum(
        summary[k]
        for k in ["connect_errors", "read_errors", "write_errors", "status_errors", "timeouts"]
    )
    return summary


def measure(
    server: Server,
    name: str,
    path: str,
    *,
    mode: str,
    connections: int,
    duration: int,
    headers: dict | None = None,
) -> Run:
    summary = wrk(server.base + path, connections=connections, duration=duration, headers=headers)
    run = Run(
        endpoint=name,
        mode=mode,
        connections=connections,
        requests_per_second=round(summary["rps"], 1),
        p50_ms=round(summary["p50_us"] / 1000, 2),
        p99_ms=round(summary["p99_us"] / 1000, 2),
        errors=summary["errors"],
    )
    log(
        f"  {mode:5} c={connections:<3} {name:26} {run.requests_per_second:9.1f} req/s  "
        f"p99 {run.p99_ms:7.2f} ms  errors {run.errors}"
    )
    return run


def phase(
    server: Server, *, mode: str, endpoints: dict, connection_counts: list[int], duration: int
) -> list[Run]:
    """Measure the baseline, then every endpoint, at each connection count, on one server."""
    runs = []
    etags = {}
    for name, path in endpoints.items():
        status, headers = get(server.base + path)  # warm the cache and take the ETag
        if status != 200:
            raise RuntimeError(f"{path} answered {status}")
        etags[name] = headers.get("ETag")
    # Let every worker import, connect and fill its caches before anything is measured.
    wrk(server.base + BASELINE, connections=16, duration=3, urls=[BASELINE, *endpoints.values()])
    names = list(endpoints)
    for connections in connection_counts:
        # The machine drifts over a run, so the baseline is measured again after every few
        # endpoints, and each endpoint is compared with the baselines measured just before and
        # just after it, in the same conditions.
        groups = [names[k : k + BASELINE_EVERY] for k in range(0, len(names), BASELINE_EVERY)]
        baselines = [
            measure(
                server,
                "baseline",
                BASELINE,
                mode="base",
                connections=connections,
                duration=duration,
            )
        ]
        for group in groups:
            measured = []
            for name in group:
                measured.append(
                    measure(
                        server,
                        name,
                        endpoints[name],
                        mode=mode,
                        connections=connections,
                        duration=duration,
                    )
                )
                if mode == "warm":
                    measured.append(
                        measure(
                            server,
                            name,
                            endpoints[name],
                            mode="304",
                            connections=connections,
                            duration=duration,
                            headers={"If-None-Match": etags[name]},
                        )
                    )
            baselines.append(
                measure(
                    server,
                    "baseline",
                    BASELINE,
                    mode="base",
                    connections=connections,
                    duration=duration,
                )
            )
            reference = (baselines[-2].requests_per_second + baselines[-1].requests_per_second) / 2
            for run in measured:
                run.ratio = round(run.requests_per_second / reference, 2)
                run.extra = {"baseline_rps": round(reference, 1)}
            runs += measured
        for baseline in baselines:
            baseline.ratio = 1.0
        runs += baselines
    return runs


def table(runs: list[Run]) -> str:
    lines = [
        "| endpoint | mode | conns | req/s | p50 ms | p99 ms | errors | ratio |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for run in runs:
        lines.append(
            f"| {run.endpoint} | {run.mode} | {run.connections} | {run.requests_per_second:.0f} "
            f"| {run.p50_ms:.2f} | {run.p99_ms:.2f} | {run.errors} | {run.ratio:.2f} |"
        )
    return "\n".join(lines)


def targets(runs: list[Run], soak: dict, memory: list[float]) -> list[str]:
    """Check the issue's targets; each line says met or missed, with the numbers."""
    lines = []
    warm = [r for r in runs if r.mode == "warm"]
    worst = min(warm, key=lambda r: r.ratio)
    lines.append(
        f"warm GETs >= 0.80 x baseline: {'met' if worst.ratio >= 0.8 else 'MISSED'} "
        f"(lowest {worst.ratio:.2f}, {worst.endpoint} at {worst.connections} connections)"
    )
    cold = [r for r in runs if r.mode == "cold" and r.endpoint == "recommendation"]
    lowest = min(r.ratio for r in cold)
    lines.append(
        f"cold recommendation >= 0.30 x baseline: {'met' if lowest >= 0.3 else 'MISSED'} "
        f"(lowest {lowest:.2f})"
    )
    slowest = max((r for r in warm if r.connections == 16), key=lambda r: r.p99_ms)
    lines.append(
        f"warm p99 < 50 ms at 16 connections: {'met' if slowest.p99_ms < 50 else 'MISSED'} "
        f"(highest {slowest.p99_ms:.2f} ms, {slowest.endpoint})"
    )
    lines.append(
        f"zero errors in {soak['seconds']} s at 64 connections: "
        f"{'met' if soak['errors'] == 0 else 'MISSED'} ({soak['errors']} errors in "
        f"{soak['requests']} requests, {soak['rps']:.0f} req/s)"
    )
    lines.append(
        f"resident memory per worker < 150 MB: {'met' if max(memory) < 150 else 'MISSED'} "
        f"(workers: {', '.join(f'{m:.0f} MB' for m in memory)})"
    )
    return lines


def server_env(args: argparse.Namespace, **extra: str) -> dict[str, str]:
    """The production settings every benchmark's server runs with, on its own database and Redis
    database, unthrottled (the load comes from one address), plus ``extra``."""
    return {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": args.database_url,
        "REDIS_URL": args.redis_url,
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "THROTTLE_RATE": "off",
        **extra,
    }


def add_service_arguments(parser: argparse.ArgumentParser) -> None:
    """The benchmark's own database and Redis database (both emptied at the start)."""
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/guidance_bench"
        ),
    )
    parser.add_argument(
        "--redis-url", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=5, help="Seconds per wrk run.")
    parser.add_argument("--soak", type=int, default=60, help="Seconds of the mixed error run.")
    parser.add_argument("--quick", action="store_true", help="Only a few endpoints, 16 conns.")
    add_service_arguments(parser)
    args = parser.parse_args()

    ensure_wrk()
    RESULTS.mkdir(parents=True, exist_ok=True)
    endpoints = ENDPOINTS
    connection_counts = [16, 64]
    if args.quick:
        endpoints = {
            k: ENDPOINTS[k]
            for k in ["compounds (list)", "disorder (detail)", "recommendation", "matrix"]
        }
        connection_counts = [16]

    env = server_env(
        args,
        DJANGO_SETTINGS_MODULE="bench.settings",
        WEB_CONCURRENCY="2",
        GUNICORN_THREADS=os.environ.get("BENCH_THREADS", "1"),
    )
    log("Preparing a fresh database and cache...")
    reset_database(args.database_url)
    reset_redis(args.redis_url)
    subprocess.run([PYTHON, "manage.py", "prepare", "-v", "0"], cwd=ROOT, env=env, check=True)
    subprocess.run(
        [PYTHON, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )

    runs: list[Run] = []
    log("Warm server (response cache on):")
    with Server(env, RESULTS / "gunicorn-warm.log") as server:
        runs += phase(
            server,
            mode="warm",
            endpoints=endpoints,
            connection_counts=connection_counts,
            duration=args.duration,
        )
        log(f"Mixed run: {args.soak} s at 64 connections over every endpoint...")
        soak = wrk(
            server.base + BASELINE,
            connections=64,
            duration=args.soak,
            urls=list(endpoints.values()),
        )
        soak["seconds"] = args.soak
        memory = server.worker_rss_mb()
    log("Cold server (response cache off):")
    reset_redis(args.redis_url)
    with Server({**env, "API_CACHE": "0"}, RESULTS / "gunicorn-cold.log") as server:
        runs += phase(
            server,
            mode="cold",
            endpoints=endpoints,
            connection_counts=connection_counts,
            duration=args.duration,
        )

    machine = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "cpus": os.cpu_count(),
        "cpu": next(
            (
                line.split(":", 1)[1].strip()
                for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")
            ),
            platform.processor(),
        ),
        "python": platform.python_version(),
        "server": "gunicorn, 2 sync workers; wrk -t2 on the same machine",
    }
    checked = targets(runs, soak, memory)
    report = {
        "machine": machine,
        "runs": [asdict(r) for r in runs],
        "soak": soak,
        "worker_rss_mb": memory,
        "targets": checked,
    }
    (RESULTS / "latest.json").write_text(json.dumps(report, indent=1) + "\n")
    print(
        f"Machine: {machine['cpus']} x {machine['cpu']}, Python {machine['python']}, "
        f"{machine['date']}"
    )
    print(table(runs))
    print()
    for line in checked:
        print(f"- {line}")
    log(f"Wrote {RESULTS / 'latest.json'}")


if __name__ == "__main__":
    main()
