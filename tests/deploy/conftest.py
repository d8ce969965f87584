"""gunicorn as in production (2 sync workers, gunicorn.conf.py) on a prepared SQLite file, and
nginx with deploy/nginx in front of it, each on a free port; raw-socket helpers to talk to them.

nginx is required, not optional: CI installs it (Debian's package: apt-get install nginx).
"""

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NGINX_DIR = ROOT / "deploy" / "nginx"
TEMPLATE = NGINX_DIR / "templates" / "guidance.conf.template"
PROBLEMS_DIR = NGINX_DIR / "problems"
TEMPLATE_VARIABLES = [
    "GUIDANCE_LISTEN",
    "GUIDANCE_UPSTREAM",
    "GUIDANCE_ADMIN_URL",
    "GUIDANCE_PROBLEMS_DIR",
]
HOST = "127.0.0.1"


def nginx_binary() -> str:
    for candidate in ["/usr/sbin/nginx", shutil.which("nginx")]:
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    pytest.fail(
        "nginx is needed for the reverse-proxy tests (tests/deploy) and was not found at "
        "/usr/sbin/nginx or on PATH; install it: apt-get install -y nginx (Debian's package; "
        "the tests start their own nginx, the system service may stay stopped)."
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def wait_for(port: int, process: subprocess.Popen, what: str, log: Path, timeout=30.0) -> None:
    """Wait until GET /healthz on ``port`` answers 200, or fail showing ``log``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            if request(port, b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").status == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    process.kill()
    pytest.fail(f"{what} did not start:\n{log.read_text(errors='replace')[-3000:]}")


@dataclass
class Answer:
    status: int
    headers: dict[str, str]  # names lowercased; a repeated field keeps its last value
    body: bytes

    def problem(self) -> dict:
        """The body as a problem, checking it is one (and never HTML)."""
        assert self.headers.get("content-type") == "application/problem+json", (
            self.status,
            self.headers,
            self.body[:300],
        )
        assert b"<html" not in self.body.lower()
        body = json.loads(self.body)
        assert body["status"] == self.status
        assert {"type", "title", "status", "detail"} <= body.keys(), body
        return body


def request(port: int, raw: bytes, *, timeout: float = 10.0) -> Answer:
    """Send ``raw`` bytes as they are (malformed if need be) and read one answer."""
    with socket.create_connection((HOST, port), timeout=timeout) as sock:
        # Refused before the whole request was sent: the answer may be there anyway.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            sock.sendall(raw)
        return read_answer(sock, head_only=raw.startswith(b"HEAD "))


def read_answer(sock: socket.socket, *, head_only: bool = False) -> Answer:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError(f"connection closed before an answer: {data!r}")
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    if head_only:
        return Answer(int(status_line.split()[1]), headers, b"")
    if headers.get("transfer-encoding", "").lower() == "chunked":
        return Answer(int(status_line.split()[1]), headers, read_chunked(sock, body))
    length = int(headers.get("content-length", "-1"))
    if length < 0:  # no length: the body runs to the end of the connection
        while chunk := sock.recv(65536):
            body += chunk
        length = len(body)
    while len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        body += chunk
    return Answer(int(status_line.split()[1]), headers, body[:length])


def read_chunked(sock: socket.socket, data: bytes) -> bytes:
    body = b""
    while True:
        while b"\r\n" not in data:
            data += sock.recv(65536) or b"\r\n"
        size_line, _, data = data.partition(b"\r\n")
        size = int(size_line.split(b";")[0], 16)
        while len(data) < size + 2:
            chunk = sock.recv(65536)
            if not chunk:
                raise ConnectionError("connection closed inside a chunk")
            data += chunk
        if size == 0:
            return body
        body, data = body + data[:size], data[size + 2 :]


def get(port: int, target: str, *extra_headers: str, method: str = "GET") -> Answer:
    lines = [f"{method} {target} HTTP/1.1", "Host: 127.0.0.1", "Connection: close"]
    return request(port, ("\r\n".join([*lines, *extra_headers]) + "\r\n\r\n").encode("latin-1"))


@dataclass
class Server:
    port: int
    process: subprocess.Popen
    directory: Path
    stderr: Path


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def deploy_dir():
    # World-readable: nginx's workers run as nobody when the tests run as root.
    directory = Path(tempfile.mkdtemp(prefix="deploy-test-", dir="/tmp"))
    directory.chmod(0o755)
    yield directory
    shutil.rmtree(directory, ignore_errors=True)


def app_environment(database: Path, port: int) -> dict[str, str]:
    return {
        "PATH": os.environ["PATH"],
        "DATABASE_URL": f"sqlite:///{database}",
        "SECRET_KEY": "deploy-test-" + "k" * 50,
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "THROTTLE_RATE": "off",
        "STATIC_MANIFEST": "0",
        "WEB_CONCURRENCY": "2",
        "GUNICORN_THREADS": "1",
        "NUM_PROXIES": "1",
        "PORT": str(port),
    }


@pytest.fixture(scope="session")
def database(deploy_dir):
    """A SQLite file with the schema and the content, as `manage.py prepare` leaves it."""
    path = deploy_dir / "db.sqlite3"
    env = app_environment(path, 0)
    for command in (["migrate"], ["load_content"]):
        result = subprocess.run(
            [sys.executable, "manage.py", *command, "--verbosity", "0"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stdout + result.stderr
    return path


@pytest.fixture(scope="session")
def gunicorn(deploy_dir, database):
    """gunicorn with gunicorn.conf.py, 2 sync workers, as bin/start runs it."""
    port = free_port()
    directory = deploy_dir / "gunicorn"
    directory.mkdir()
    stdout, stderr = directory / "stdout.log", directory / "stderr.log"
    with stdout.open("wb") as out, stderr.open("wb") as err:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "--config",
                "gunicorn.conf.py",
                "--bind",
                f"{HOST}:{port}",
                "--no-control-socket",
            ],
            cwd=ROOT,
            env=app_environment(database, port),
            stdout=out,
            stderr=err,
        )
    wait_for(port, process, "gunicorn", stderr)
    try:
        yield Server(port, process, directory, stderr)
    finally:
        stop(process)


def render_template(**values: str) -> str:
    """The template as envsubst renders it with exactly these variables."""
    assert sorted(values) == sorted(TEMPLATE_VARIABLES)
    text = TEMPLATE.read_text()
    for name, value in values.items():
        text = text.replace("${" + name + "}", value)
    assert "${" not in text, "a variable the tests do not know is left in the template"
    return text


def main_conf(directory: Path, server_conf: Path) -> str:
    """A main nginx.conf for an unprivileged-style run in ``directory``, with the http-level
    directives Debian's and the official image's stock nginx.conf set, so the template is
    checked against them (a directive repeated at the same level would not load)."""
    return f"""
worker_processes 1;
pid {directory}/nginx.pid;
error_log {directory}/error.log info;
events {{ worker_connections 1024; }}
http {{
    sendfile on;
    tcp_nopush on;
    keepalive_timeout 65;
    types_hash_max_size 2048;
    default_type application/octet-stream;
    gzip on;
    access_log {directory}/access.log;
    client_body_temp_path {directory}/client_body;
    proxy_temp_path {directory}/proxy;
    fastcgi_temp_path {directory}/fastcgi;
    uwsgi_temp_path {directory}/uwsgi;
    scgi_temp_path {directory}/scgi;
    include {server_conf};
}}
"""


def start_nginx(deploy_dir: Path, name: str, upstream_port: int) -> Server:
    binary = nginx_binary()
    port = free_port()
    directory = deploy_dir / name
    directory.mkdir()
    directory.chmod(0o755)
    server_conf = directory / "guidance.conf"
    server_conf.write_text(
        render_template(
            GUIDANCE_LISTEN=f"{HOST}:{port}",
            GUIDANCE_UPSTREAM=f"{HOST}:{upstream_port}",
            GUIDANCE_ADMIN_URL="admin/",
            GUIDANCE_PROBLEMS_DIR=str(PROBLEMS_DIR),
        )
    )
    conf = directory / "nginx.conf"
    conf.write_text(main_conf(directory, server_conf))
    stderr = directory / "stderr.log"
    check = subprocess.run(
        [binary, "-t", "-e", "stderr", "-p", str(directory), "-c", str(conf)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert check.returncode == 0, check.stderr
    with stderr.open("wb") as err:
        process = subprocess.Popen(
            [binary, "-e", "stderr", "-p", str(directory), "-c", str(conf), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL,
            stderr=err,
        )
    return Server(port, process, directory, directory / "error.log")


@pytest.fixture(scope="session")
def nginx(deploy_dir, gunicorn):
    """nginx with the deploy/nginx template in front of gunicorn."""
    server = start_nginx(deploy_dir, "nginx", gunicorn.port)
    wait_for(server.port, server.process, "nginx", server.stderr)
    try:
        yield server
    finally:
        stop(server.process)


@pytest.fixture(scope="session")
def nginx_without_upstream(deploy_dir):
    """nginx with the same configuration, its upstream a port nothing listens on."""
    server = start_nginx(deploy_dir, "nginx-down", free_port())
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection((HOST, server.port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.05)
    try:
        yield server
    finally:
        stop(server.process)
