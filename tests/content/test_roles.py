"""`manage.py roles` sets up the editor and reviewer groups and their staff accounts."""

from io import StringIO

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command

from content.models import PUBLISH_PERMISSION

pytestmark = pytest.mark.django_db


def roles(*args: str) -> str:
    out = StringIO()
    call_command("roles", *args, stdout=out)
    return out.getvalue()


def test_the_command_creates_both_roles_and_their_staff_accounts(django_user_model):
    output = roles("--editor", "alice", "--reviewer", "bob")
    alice = django_user_model.objects.get(username="alice")
    bob = django_user_model.objects.get(username="bob")
    assert alice.is_staff
    assert bob.is_staff
    assert not alice.is_superuser
    assert not bob.is_superuser
    assert [g.name for g in alice.groups.all()] == ["editor"]
    assert [g.name for g in bob.groups.all()] == ["reviewer"]
    assert not alice.has_usable_password()
    assert "manage.py changepassword alice" in output

    for model in ("guidance", "safetystatement", "disorder", "compound", "reference"):
        assert alice.has_perm(f"{_label(model)}.change_{model}")
        assert not alice.has_perm(f"{_label(model)}.delete_{model}")
        assert bob.has_perm(f"{_label(model)}.delete_{model}")
    assert not alice.has_perm(PUBLISH_PERMISSION)
    assert bob.has_perm(PUBLISH_PERMISSION)
    assert bob.has_perm("axes.delete_accessattempt")
    assert not alice.has_perm("axes.view_accessattempt")


def _label(model: str) -> str:
    return {
        "guidance": "guidance",
        "safetystatement": "guidance",
        "disorder": "disorders",
        "compound": "compounds",
        "reference": "evidence",
    }[model]


def test_running_it_again_corrects_drift_and_moves_accounts(django_user_model):
    roles("--editor", "alice")
    editors = Group.objects.get(name="editor")
    editors.permissions.add(Permission.objects.get(codename="publish_content"))
    roles("--reviewer", "alice")
    assert not editors.permissions.filter(codename="publish_content").exists()
    alice = django_user_model.objects.get(username="alice")
    assert [g.name for g in alice.groups.all()] == ["reviewer"]


def test_an_account_cannot_have_both_roles():
    with pytest.raises(SystemExit):
        call_command("roles", "--editor", "carol", "--reviewer", "carol", stderr=StringIO())
