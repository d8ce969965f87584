"""Bump the content version on every write to a content model, whoever makes it."""

from django.db.models.signals import m2m_changed, post_delete, post_save
from simple_history.signals import pre_create_historical_record

from content.models import ContentModel
from content.versioning import content_version_bump, history_row_stamp


def _on_write(sender, **kwargs) -> None:
    if issubclass(sender, ContentModel):
        content_version_bump()


def _on_m2m_change(sender, instance, action: str, **kwargs) -> None:
    if action.startswith("post_") and isinstance(instance, ContentModel):
        content_version_bump()


def connect() -> None:
    """Connect the handlers; called once from ContentConfig.ready()."""
    post_save.connect(_on_write, dispatch_uid="content-version-save")
    post_delete.connect(_on_write, dispatch_uid="content-version-delete")
    m2m_changed.connect(_on_m2m_change, dispatch_uid="content-version-m2m")
    pre_create_historical_record.connect(history_row_stamp, dispatch_uid="content-history-stamp")
