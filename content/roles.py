"""The two editorial roles, as Django groups with exactly the permissions each needs.

- editor: sees everything in admin and edits content. A change to a row the API serves (or a
  new row of a model without drafts) waits for review as a revision; new guidance starts as a
  draft.
- reviewer: everything an editor may do, plus publishing: approving others' revisions (never
  their own, unless ``CONTENT_REVIEW_ALLOW_SELF_APPROVAL``), changing live rows directly,
  deleting rows, and seeing and clearing login lockouts.
"""

from dataclasses import dataclass

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.db import transaction

from content.models import PUBLISH_PERMISSION, ContentModel, LoadedEntry, Revision

EDITOR, REVIEWER = "editor", "reviewer"
ROLES = (EDITOR, REVIEWER)


def _content_models() -> list[type[ContentModel]]:
    return [
        model
        for model in apps.get_models()
        if issubclass(model, ContentModel) and not model.__name__.startswith("Historical")
    ]


def _codenames(model, *actions: str) -> list[tuple[str, str]]:
    return [(model._meta.app_label, f"{action}_{model._meta.model_name}") for action in actions]


def role_permissions(role: str) -> list[tuple[str, str]]:
    """The (app label, codename) pairs ``role`` is granted."""
    granted = [*_codenames(Revision, "view"), *_codenames(LoadedEntry, "view")]
    for model in _content_models():
        granted += _codenames(model, "view", "add", "change")
    if role == REVIEWER:
        for model in _content_models():
            granted += _codenames(model, "delete")
        granted.append(tuple(PUBLISH_PERMISSION.split(".")))
        if apps.is_installed("axes"):
            for name in ("accessattempt", "accesslog", "accessfailurelog"):
                model = apps.get_model("axes", name)
                granted += _codenames(model, "view")
            granted += _codenames(apps.get_model("axes", "accessattempt"), "delete")
    return sorted(set(granted))


def _permissions(pairs) -> list[Permission]:
    # Permissions (and their content types) are created after migrations; make sure they exist.
    for config in apps.get_app_configs():
        create_permissions(config, verbosity=0)
    return [
        Permission.objects.get(content_type__app_label=app_label, codename=codename)
        for app_label, codename in pairs
    ]


@dataclass(frozen=True)
class Account:
    username: str
    role: str
    created: bool


@transaction.atomic
def roles_sync(accounts: dict[str, str] | None = None) -> list[Account]:
    """Create or correct the two groups (their permissions set to exactly the role's), then make
    each ``{username: role}`` a staff member of that role's group only. New accounts get no usable
    password: their owner sets one with ``manage.py changepassword``."""
    for role in ROLES:
        group, _ = Group.objects.get_or_create(name=role)
        group.permissions.set(_permissions(role_permissions(role)))
    result = []
    user_model = get_user_model()
    for username, role in (accounts or {}).items():
        if role not in ROLES:
            raise ValueError(f"Unknown role {role!r}; the roles are {', '.join(ROLES)}.")
        user, created = user_model.objects.get_or_create(
            **{user_model.USERNAME_FIELD: username}, defaults={"is_staff": True}
        )
        if created:
            user.set_unusable_password()
        user.is_staff = True
        user.save()
        user.groups.remove(*Group.objects.filter(name__in=ROLES).exclude(name=role))
        user.groups.add(Group.objects.get(name=role))
        result.append(Account(username, role, created))
    return result
