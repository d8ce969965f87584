"""The content version: one token that changes whenever any content row changes.

The token lives in the database (``ContentVersion``). When every process shares one cache (Redis),
it is also kept there, so reading it costs a cache hit instead of a query; a change is written to
the cache only once its transaction commits, so no process can see the new token before the new
content.
"""

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from content.models import ContentVersion

logger = logging.getLogger(__name__)

CACHE_KEY = "content:version"
# Bounds how long a token could outlive a change if writing it to the cache ever failed.
CACHE_TIMEOUT = 60


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
    token = ContentVersion.objects.filter(pk=1).values_list("token", flat=True).first()
    if token is None:
        return content_version_bump().token
    if shared:
        # add, not set: a newer token written meanwhile by a commit must win over this read.
        _cache_call(cache.add, CACHE_KEY, token, CACHE_TIMEOUT)
    return token


def content_version_bump() -> Version:
    """Give the content a new version token and return it."""
    version = Version(uuid.uuid4().hex, timezone.now())
    updated = ContentVersion.objects.filter(pk=1).update(
        token=version.token, changed_at=version.changed_at
    )
    if not updated:
        ContentVersion.objects.update_or_create(
            pk=1, defaults={"token": version.token, "changed_at": version.changed_at}
        )
    if settings.CONTENT_VERSION_IN_CACHE:
        transaction.on_commit(_publish_committed_token)
    return version


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
