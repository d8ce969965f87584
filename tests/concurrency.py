"""Tests of processes and threads: waiting for a condition, and what a forked worker sees."""

import os
import select
import signal
import time
from collections.abc import Callable

import pytest


def wait_until(condition: Callable[[], object], what: str, timeout: float = 5.0) -> float:
    """Seconds until ``condition()`` held; fails after ``timeout``."""
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > timeout:
            pytest.fail(f"waited {timeout} s for {what}")
        time.sleep(0.002)
    return time.monotonic() - started


def in_a_forked_child(check: Callable[[], bool], timeout: float = 10) -> str:
    """Run ``check`` in a forked child, as gunicorn forks its workers from a master, and say
    how it went: "ok", "no", "error" or "timeout".

    The child reports through a pipe and never returns into pytest (``os._exit``), so a failing
    or hanging check cannot run the rest of the session twice."""
    reading, writing = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            answer = b"error"
            try:
                answer = b"ok" if check() else b"no"
            finally:
                os.write(writing, answer)  # raises if the parent stopped listening
        finally:
            os._exit(0)
    os.close(writing)
    ready: list = []
    try:
        ready, _, _ = select.select([reading], [], [], timeout)
        return os.read(reading, 16).decode() if ready else "timeout"
    finally:
        os.close(reading)
        if not ready:
            os.kill(pid, signal.SIGKILL)  # a hung check must not hang the session
        os.waitpid(pid, 0)
