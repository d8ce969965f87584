"""The content version: one token that changes whenever any content row changes.

The token lives in the database (``ContentVersion``), which is the truth. When every process
shares one cache (Redis), it is also kept there, so reading it costs a cache hit instead of a
query; a change is written to the cache only once its transaction commits, so no process can see
the new token before the new content.

The cache's copy is used only while it can be trusted. A cache may offer ``trust_epoch()`` (see
infra.redis_cache): a number that changes whenever the cache may hold an older token than this
process last wrote (a new connection: Redis restarted, perhaps from an old dump, or was away when
a change was published; or a failure: a publish may have been lost), and None while the cache is
being skipped. Each process reads the token from the database, and writes it back, whenever the
epoch differs from the one it last wrote at; the write compares the versions' times
(``set_if_newer``), so an older token never overwrites a newer one. So an edit made while Redis
was away or hung is served by the next request a process answers once Redis is back.

A process that saw no failure (its connection outlived a hung Redis while another process's
publish was lost) cannot know; for it the token's time in the cache, CACHE_TIMEOUT, bounds how
long it can serve the previous version. A cache without ``trust_epoch`` (django-redis itself, as
some tests use) is always trusted, and readers only fill a missing token (``add``), as before.

Each process also keeps the token in memory (``content_version_token``), and the bound on how
late a process can see another's edit is what operators rely on:

* **With Redis up: milliseconds.** When an edit's transaction commits, after writing the token to
  the cache, the process publishes it on the cache's ``content-version`` channel (``publish``,
  see infra.redis_cache); every process runs one subscriber thread, started by its first read of
  the token (gunicorn's master reads none; a thread does not survive a fork, so each worker starts
  its own), which forgets the token in memory on each message, and again each time it
  (re)subscribes, since messages sent while it was away are lost.
* **Otherwise: CONTENT_VERSION_MAX_STALENESS** (0.5 s by default, at most 1 s). A lost message,
  a subscriber that is reconnecting, a hung or absent Redis, or no Redis at all (SQLite and the
  local memory cache: no thread, nothing published): the token in memory is still read again once
  it is that old. The push only ever makes it sooner; it never lengthens the memory.

A push that arrives while a request is reading the token must not be undone by that request
storing what it read (the value before the edit) afterwards: each forgetting is numbered
(``_forgotten``), and a remembered token is served only while no forgetting happened since the
read that produced it began.

Every version is also logged (``ContentVersionLog``) with its time, and every content history row
is dated by a version made just before it (``history_row_stamp``): so, for any version a client
holds, the history rows written after it are exactly those dated after it (see content.sync).
"""

import itertools
import logging
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from content.models import ContentModel, ContentVersion, ContentVersionLog

logger = logging.getLogger(__name__)

CACHE_KEY = "content:version"
# Seconds the token is kept in the shared cache. It bounds how long a process that saw no Redis
# failure can serve an old token after another process's publish was lost (see above); re-reading
# it from the database costs one small query per expiry.
CACHE_TIMEOUT = 10
# A version's time as an integer, for comparing versions in the cache (microseconds since 1970).
_UNIX_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# The smallest step between two versions' times (a database stores microseconds).
TICK = timedelta(microseconds=1)
# What every version token looks like (a random UUID's 32 hexadecimal digits).
TOKEN_PATTERN = r"^[0-9a-f]{32}$"
# The pub/sub channel every commit announces its token on (the cache names it after its
# KEY_PREFIX: "guidance:content-version"); every process forgets its token on each message.
CHANNEL = "content-version"
# A version's time, kept in the shared cache under its token (see content_version_changed_at).
CHANGED_AT_KEY = "content:changed-at:{token}"
# A token's time never changes, so it may be kept as long as the token is of any use.
CHANGED_AT_TIMEOUT = 24 * 3600
# Versions whose time each process remembers; only the newest matters, older ones go unused.
CHANGED_AT_REMEMBERED = 64
_changed_at: dict[str, datetime] = {}
# The cache's trust epoch when this process last wrote the database's token to it (None: never).
_synced_epoch: int | None = None


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


# The token this process read last, when (time.monotonic()), and the number of the last
# forgetting before that read began: served for CONTENT_VERSION_MAX_STALENESS seconds without a
# read, unless forgotten meanwhile. Without a push that is how late this process can see another
# process's edit; its own edits it sees at once (content_version_bump forgets the memo), and with
# Redis the subscriber forgets it within milliseconds of another's (see the module's docstring).
_memo: tuple[str, float, int] | None = None
_clock = time.monotonic  # the memo's clock (tests move it)
# Numbers each forgetting (itertools.count's next is atomic: the subscriber's thread forgets too).
_forgettings = itertools.count(1)
_forgotten = 0


def content_version_token() -> str:
    """Return the current token as cheaply as possible: from this process's memory while it is
    fresh, else from a shared cache while it can be trusted, else the database (then written
    back to the cache, see the module's docstring)."""
    global _memo
    staleness = settings.CONTENT_VERSION_MAX_STALENESS
    memo = _memo
    if memo is not None and memo[2] == _forgotten and _clock() - memo[1] < staleness:
        return memo[0]
    forgotten = _forgotten
    if settings.CONTENT_VERSION_IN_CACHE:
        _listen()
    token = _content_version_token_read()
    _memo = (token, _clock(), forgotten)
    return token


def content_version_forget() -> None:
    """Make this process read the token again on its next request (after its own write, or
    another process's: the subscriber calls this)."""
    global _memo, _forgotten
    _forgotten = next(_forgettings)
    _memo = None


def _listen() -> None:
    """Have the shared cache's subscriber (infra.redis_cache, one thread per process, started by
    the first call in each process) forget the token whenever a commit announces one, and
    whenever it (re)subscribes. Cheap once started; nothing for a cache without pub/sub."""
    subscribe = getattr(cache, "subscribe", None)
    if subscribe is not None:
        _cache_call(subscribe, CHANNEL, _on_announcement)


def _on_announcement(token: str | None) -> None:
    """A commit announced ``token`` (None: the subscriber has just (re)subscribed and may have
    missed some). Forget rather than keep it: announcements can arrive out of order, and the
    next read finds the newest token."""
    content_version_forget()


def _announce(token: str) -> None:
    """Tell every process subscribed to the shared cache that ``token`` is now committed."""
    publish = getattr(cache, "publish", None)
    if publish is not None:
        _cache_call(publish, CHANNEL, token)


def _content_version_token_read() -> str:
    global _synced_epoch
    epoch = None
    if settings.CONTENT_VERSION_IN_CACHE:
        before = _trust_epoch()
        # Costs nothing while Redis is skipped, and is the trial call once it may be back.
        token = _cache_call(cache.get, CACHE_KEY)
        # After the read: the read itself may have (re)connected, to a Redis that restarted.
        epoch = _trust_epoch()
        if token and before is not None and before == epoch == _synced_epoch:
            return token
    row = ContentVersion.objects.filter(pk=1).values_list("token", "changed_at").first()
    if row is None:
        return content_version_bump().token
    token, changed_at = row
    _remember_changed_at(token, changed_at)  # same query: the time costs nothing more
    if epoch is not None:
        written = _publish(token, changed_at, committed=False)
        # Synchronised only if the write reached the Redis the epoch stands for.
        if written is not None and _trust_epoch() == epoch:
            _synced_epoch = epoch
        key = CHANGED_AT_KEY.format(token=token)
        _cache_call(cache.add, key, changed_at, CHANGED_AT_TIMEOUT)
    return token


def _trust_epoch() -> int | None:
    """The shared cache's trust epoch (see the module's docstring): None while it is skipped; 0,
    always, for a cache that does not track one."""
    epoch = getattr(cache, "trust_epoch", None)
    return epoch() if epoch is not None else 0


def _publish(token: str, changed_at: datetime, *, committed: bool) -> bool | None:
    """Write ``token`` to the shared cache unless it holds a newer version; None if the write did
    not reach the cache."""
    set_if_newer = getattr(cache, "set_if_newer", None)
    if set_if_newer is not None:
        stamp = (changed_at - _UNIX_EPOCH) // TICK
        return set_if_newer(CACHE_KEY, token, stamp, CACHE_TIMEOUT)
    # A cache that cannot compare: a commit's token overwrites, a reader's only fills a gap (a
    # newer token written meanwhile by a commit must win over this read).
    return _cache_call(cache.set if committed else cache.add, CACHE_KEY, token, CACHE_TIMEOUT)


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
        known = _cache_call(cache.get, key)
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
    # This process sees its own write at once: now (its next read is in this transaction, or
    # after it) and again once it commits (a read in between may have remembered the new token
    # before the commit, or an older one).
    content_version_forget()
    transaction.on_commit(content_version_forget)
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
    have committed since) to the shared cache, then announce it to every process (after the
    write, so that a process reading the cache on the announcement finds it there)."""
    row = ContentVersion.objects.filter(pk=1).values_list("token", "changed_at").first()
    if row:
        _publish(*row, committed=True)
        _announce(row[0])


def _cache_call(method, *args):
    """Call the shared cache; an outage is a miss (None), never an error. The Redis backend
    (infra.redis_cache) already answers an outage with a miss and logs it once, when its breaker
    opens; this only guards other backends, so it logs no traceback per request."""
    try:
        return method(*args)
    except Exception as error:
        logger.debug("Cache unavailable for the content version: %r", error)
        return None
