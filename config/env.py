"""Typed readers for settings that come from the environment.

Each reader raises ``ImproperlyConfigured`` naming the variable and what it accepts, so a typo in a
deployment fails at start-up with a message, never later with a surprise.
"""

import json
import os

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    """Return the variable's value with surrounding whitespace removed, or ``default``."""
    return os.environ.get(name, default).strip()


def env_bool(name: str, *, default: bool) -> bool:
    """Return a boolean variable; accepts 1/0, true/false, yes/no, on/off (any case)."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name}={raw!r} is not a boolean; use one of 1, 0, true, false, yes, no, on, off."
    )


def env_int(name: str, *, default: int, minimum: int = 0) -> int:
    """Return an integer variable no smaller than ``minimum``."""
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not an integer.") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name}={raw!r} must be at least {minimum}.")
    return value


def env_float(name: str, *, default: float, minimum: float, maximum: float) -> float:
    """Return a number variable between ``minimum`` and ``maximum``."""
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = float(raw.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a number.") from None
    if not minimum <= value <= maximum:
        raise ImproperlyConfigured(f"{name}={raw!r} must be from {minimum} to {maximum}.")
    return value


def env_choice(name: str, *, default: str, choices: tuple[str, ...]) -> str:
    """Return a variable that must be one of ``choices`` (compared case-insensitively)."""
    value = env_str(name, default)
    for choice in choices:
        if choice.lower() == value.lower():
            return choice
    raise ImproperlyConfigured(f"{name}={value!r} is not one of {', '.join(choices)}.")


RATE_PERIODS = {"second": 1, "minute": 60, "hour": 3600}


def env_rate(name: str, *, default: str) -> tuple[int, int] | None:
    """Return a rate such as '600/minute' as (600, 60); 'off' as None."""
    raw = env_str(name, default)
    if raw.lower() == "off":
        return None
    count, _, period = raw.partition("/")
    if not count.isdigit() or int(count) < 1 or period.lower() not in RATE_PERIODS:
        raise ImproperlyConfigured(
            f"{name}={raw!r} is not a rate; use e.g. 600/minute, 20/second, 5000/hour or off."
        )
    return int(count), RATE_PERIODS[period.lower()]


def env_list(name: str, *, default: list[str]) -> list[str]:
    """Return a comma-separated variable as a list of non-empty, stripped items."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_database(
    name: str, *, default: str, conn_max_age: int = 0, connect_timeout: int | None = None
) -> dict:
    """Return a ``DATABASES`` entry from a database URL (``postgres://``, ``sqlite:///``).

    PostgreSQL connections live ``conn_max_age`` seconds with a health check before reuse, and
    give up connecting after ``connect_timeout`` seconds.
    """
    url = env_str(name) or default
    try:
        config = dj_database_url.parse(url, conn_max_age=conn_max_age, conn_health_checks=True)
    except (ValueError, KeyError) as exc:
        raise ImproperlyConfigured(
            f"{name} is not a valid database URL ({exc}); expected e.g. "
            "postgres://user:password@host:5432/name or sqlite:///path/to/file.sqlite3."
        ) from None
    engine = config.get("ENGINE", "")
    if engine not in {"django.db.backends.postgresql", "django.db.backends.sqlite3"}:
        raise ImproperlyConfigured(
            f"{name} names an unsupported database ({engine or 'unknown'}); "
            "this service runs on PostgreSQL or SQLite."
        )
    if not config.get("NAME"):
        raise ImproperlyConfigured(f"{name} has no database name: {url!r}.")
    if engine == "django.db.backends.postgresql" and connect_timeout is not None:
        config.setdefault("OPTIONS", {}).setdefault("connect_timeout", connect_timeout)
    return config


def env_json_file(name: str) -> object | None:
    """Return the JSON document in the file a variable names, or None when it is unset."""
    path = env_str(name)
    if not path:
        return None
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except (OSError, ValueError) as error:
        raise ImproperlyConfigured(f"{name}={path!r}: cannot read it as JSON ({error}).") from None
