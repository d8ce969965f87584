"""The content version: one token that changes whenever any content row changes.

The token lives in the database (``ContentVersion``). When every process shares one cache (Redis),
it is also kept there, so reading it costs a cache hit instead of a query; a change is written to
the cache only once its transaction commits, so no process can see the new token before the new
content.

Every version is also logged (``ContentVersionLog``) with its time, and every content history row
is dated by a version made just before it (``history_row_stamp``): so, for any version a client
holds, the history rows written after it are exactly those dated after it (see content.sync).
"""

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from content.models import ContentModel, ContentVersion, ContentVersionLog

logger = logging.getLogger(__name__)

CACHE_KEY = "content:version"
# Bounds how long a token could outlive a change if writing it to the cache ever failed.
CACHE_TIMEOUT = 60
# The smallest step between two versions' times (a database stores microseconds).
TICK = timedelta(microseconds=1)
# What every version token looks like (a random UUID's 32 hexadecimal digits).
TOKEN_PATTERN = r"^[0-9a-f]{32}$"
# A version's time, kept in the shared cache under its token (see content_version_changed_at).
CHANGED_AT_KEY = "content:changed-at:{token}"
# A token's time never changes, so it may be kept as long as the token is of any use.
CHANGED_AT_TIMEOUT = 24 * 3600
# Versions whose time each process remembers; only the newest matters, older ones go unused.
CHANGED_AT_REMEMBERED = 64
_changed_at: dict[str, datetime] = {}


@dataclass(frozen=True)
class Version:
    """A content version as callers see it."""

    token: str
    changed_at: datetime


def content_version_get() -> Version:
    """Return the current content version from the database, creating the first if none."""
    row = ContentVersion.objects.filter(pk=1).first()
    if row is None:
        return content_version_bump()
    return Version(row.token, row.changed_at)


def content_version_token() -> str:
    """Return the current token as cheaply as possible: from a shared cache, else the database."""
    shared = settings.CONTENT_VERSION_IN_CACHE
    if shared:
        try:
            token = cache.get(CACHE_KEY)
        except Exception:  # a cache outage must not take the API down
            logger.warning("Cache unavailable; reading the content version from the database")
            token, shared = None, False
        if token:
            return token
    row = ContentVersion.objects.filter(pk=1).values_list("token", "changed_at").first()
    if row is None:
        return content_version_bump().token
    token, changed_at = row
    _remember_changed_at(token, changed_at)  # same query: the time costs nothing more
    if shared:
        # add, not set: a newer token written meanwhile by a commit must win over this read.
        _cache_call(cache.add, CACHE_KEY, token, CACHE_TIMEOUT)
        key = CHANGED_AT_KEY.format(token=token)
        _cache_call(cache.add, key, changed_at, CHANGED_AT_TIMEOUT)
    return token


def content_version_changed_at(token: str) -> datetime | None:
    """When version ``token`` became current, as cheaply as possible; None when the database
    has moved on to another version meanwhile (or ``token`` never was one).

    A token's time never changes, so each process remembers it: reading the token from the
    database (content_version_token) remembers its time in the same query, and with a shared
    cache the time is kept there under the token; only the first process to need a new version's
    time asks the database. Database errors propagate, as for the token.
    """
    known = _changed_at.get(token)
    if known is not None:
        return known
    key = CHANGED_AT_KEY.format(token=token)
    shared = settings.CONTENT_VERSION_IN_CACHE
    if shared:
        try:
            known = cache.get(key)
        except Exception:  # a cache outage must not take the API down
            logger.warning("Cache unavailable; reading the version's time from the database")
            shared = False
    if known is None:
        rows = ContentVersion.objects.filter(pk=1, token=token)
        known = rows.values_list("changed_at", flat=True).first()
        if known is None:
            return None
        if shared:
            _cache_call(cache.set, key, known, CHANGED_AT_TIMEOUT)
    _remember_changed_at(token, known)
    return known


def _remember_changed_at(token: str, changed_at: datetime) -> None:
    if len(_changed_at) >= CHANGED_AT_REMEMBERED and token not in _changed_at:
        _changed_at.clear()
    _changed_at[token] = changed_at


def content_version_bump() -> Version:
    """Give the content a new version token, log it and return it.

    Inside a transaction the version row is locked first (on PostgreSQL; SQLite lets one writer
    in at a time anyway), so content writes commit in the order they first bumped, and the new
    time is after the current one even if the clocks of two servers disagree: content.sync
    relies on both to tell the history rows written after a version from those before it.
    """
    previous = _current_changed_at()
    now = timezone.now()
    if previous is not None and now <= previous:
        now = previous + TICK
    version = Version(uuid.uuid4().hex, now)
    updated = ContentVersion.objects.filter(pk=1).update(
        token=version.token, changed_at=version.changed_at
    )
    if not updated:
        ContentVersion.objects.update_or_create(
            pk=1, defaults={"token": version.token, "changed_at": version.changed_at}
        )
    ContentVersionLog.objects.create(token=version.token, changed_at=version.changed_at)
    if settings.CONTENT_VERSION_IN_CACHE:
        transaction.on_commit(_publish_committed_token)
    return version


def content_version_find(token: str) -> Version | None:
    """Return the logged version with this token (when it became current), or None if the
    token was never a version, or is older than the log."""
    row = ContentVersionLog.objects.filter(token=token).values_list("token", "changed_at").first()
    return Version(*row) if row else None


def history_row_stamp(sender, history_instance, **kwargs) -> None:
    """Before a content history row is written: make a new version and date the row by it.

    simple-history dates a row when it prepares it, before this writer holds the version lock, so
    a concurrent writer's version could come after the row yet be committed before it; dated by a
    version made under the lock, every history row is later than every version committed before
    it, and no later than the version its own write ends with (connected in content.signals to
    simple-history's ``pre_create_historical_record``).
    """
    if issubclass(getattr(sender, "instance_type", type(None)), ContentModel):
        history_instance.history_date = content_version_bump().changed_at


def _current_changed_at() -> datetime | None:
    """The current version's time, locking its row until the transaction ends (if in one)."""
    rows = ContentVersion.objects.filter(pk=1)
    if transaction.get_connection().in_atomic_block:
        rows = rows.select_for_update()
    return rows.values_list("changed_at", flat=True).first()


def _publish_committed_token() -> None:
    """Write the token the database holds now (not the one this transaction made: another may
    have committed since) to the shared cache."""
    token = ContentVersion.objects.filter(pk=1).values_list("token", flat=True).first()
    if token:
        _cache_call(cache.set, CACHE_KEY, token, CACHE_TIMEOUT)


def _cache_call(method, *args) -> None:
    try:
        method(*args)
    except Exception:
        logger.warning("Cache unavailable; could not record the content version", exc_info=True)
