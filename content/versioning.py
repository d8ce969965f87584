"""The content version: one token that changes whenever any content row changes."""

import uuid
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from content.models import ContentVersion


@dataclass(frozen=True)
class Version:
    """A content version as callers see it."""

    token: str
    changed_at: datetime


def content_version_get() -> Version:
    """Return the current content version, creating the first one if there is none yet."""
    row = ContentVersion.objects.filter(pk=1).first()
    if row is None:
        return content_version_bump()
    return Version(row.token, row.changed_at)


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
    return version
