"""One process at a time: the lock that migrations and content loads take on the database.

Two loaders at once on a fresh database would both insert the same rows (PostgreSQL: one fails
with IntegrityError; SQLite: "database is locked" once the busy timeout runs out). ``prepare``
and ``load_content`` therefore take this lock, so a second one waits for the first and then finds
the content loaded. On PostgreSQL it is a session advisory lock, which every process using the
database sees and which the server releases if the process dies; PostgreSQL counts nested
acquisitions, so ``prepare`` may call ``load_content`` while holding it. On SQLite it is an
exclusive ``flock`` on a file beside the database file (released by the kernel if the process
dies); an in-memory database belongs to one process and needs none.
"""

import fcntl
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from django.db import DEFAULT_DB_ALIAS, connections

# Any constant works; it only has to be the same for every process preparing this database.
ADVISORY_LOCK_KEY = 72_24_2025
# The SQLite lock files this process holds: a nested acquisition (prepare calling load_content)
# must not wait for itself, as a second flock on a new file handle would.
_held: set[Path] = set()


@contextmanager
def database_lock(
    using: str = DEFAULT_DB_ALIAS, *, on_wait: Callable[[], None] | None = None
) -> Iterator[None]:
    """Hold the database's load lock for the block; call ``on_wait`` once if another process
    holds it (then wait for it, however long its load takes)."""
    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [ADVISORY_LOCK_KEY])
            if not cursor.fetchone()[0]:
                if on_wait:
                    on_wait()
                cursor.execute("SELECT pg_advisory_lock(%s)", [ADVISORY_LOCK_KEY])
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [ADVISORY_LOCK_KEY])
        return
    path = _sqlite_file(connection)
    if path is None or path in _held:
        yield
        return
    with open(f"{path}.lock", "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if on_wait:
                on_wait()
            fcntl.flock(handle, fcntl.LOCK_EX)
        _held.add(path)
        try:
            yield
        finally:
            _held.discard(path)
            fcntl.flock(handle, fcntl.LOCK_UN)


def _sqlite_file(connection) -> Path | None:
    """The SQLite database's file, or None for an in-memory database (or another engine)."""
    if connection.vendor != "sqlite" or connection.is_in_memory_db():
        return None
    return Path(connection.settings_dict["NAME"])
