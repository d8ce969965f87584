"""Writes to guidance that carry rules of their own: publication by a reviewer."""

from django.contrib.auth.models import AbstractBaseUser

from content.models import PUBLISH_PERMISSION
from guidance.models import Guidance, PublicationStatus


def guidance_apply_status(*, guidance: Guidance, reviewer: AbstractBaseUser) -> None:
    """Stamp a status change made by an editor: publishing records who and when, going back to
    draft clears both. Call before saving; a row whose status did not change is left as it is.

    An editor without the publish permission cannot change the status by any route (a form, or
    reverting to an old version in history): the row keeps its stored publication state.
    """
    stored = (
        Guidance.objects.filter(pk=guidance.pk)
        .values("status", "published_at", "reviewed_by")
        .first()
        if guidance.pk
        else None
    )
    previous_status = stored["status"] if stored else None
    if guidance.status == previous_status:
        return
    if not reviewer.has_perm(PUBLISH_PERMISSION):
        if stored:
            guidance.status = stored["status"]
            guidance.published_at = stored["published_at"]
            guidance.reviewed_by_id = stored["reviewed_by"]
        else:
            guidance.unpublish()
        return
    if guidance.status == PublicationStatus.PUBLISHED:
        guidance.publish(reviewer=reviewer)
    else:
        guidance.unpublish()
