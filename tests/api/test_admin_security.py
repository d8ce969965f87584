"""The admin: staff only, CSRF enforced, and a failed login that reveals nothing."""

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

LOGIN = reverse("admin:login")


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_user("editor", password="right-password", is_staff=True)


def failed_login_message(client, username: str, password: str) -> str:
    response = client.post(LOGIN, {"username": username, "password": password, "next": "/"})
    assert response.status_code == 200
    return response.context["form"].non_field_errors()[0]


def test_a_failed_login_does_not_say_which_part_was_wrong(client, staff, django_user_model):
    django_user_model.objects.create_user("visitor", password="right-password", is_staff=False)
    unknown_user = failed_login_message(client, "nobody", "right-password")
    wrong_password = failed_login_message(client, "editor", "wrong-password")
    not_staff = failed_login_message(client, "visitor", "right-password")
    assert unknown_user == wrong_password == not_staff
    assert "correct username and password for a staff account" in unknown_user


def test_staff_can_log_in(client, staff):
    response = client.post(LOGIN, {"username": "editor", "password": "right-password", "next": "/"})
    assert response.status_code == 302


def refused_for_csrf(response) -> bool:
    return response.status_code == 403 and "CSRF verification failed" in response.content.decode()


def test_a_login_without_a_csrf_token_is_refused(staff):
    client = Client(enforce_csrf_checks=True)
    response = client.post(LOGIN, {"username": "editor", "password": "right-password"})
    assert refused_for_csrf(response)
    assert "_auth_user_id" not in client.session


def test_an_edit_without_a_csrf_token_is_refused(staff):
    # The editor may add guidance, so the only reason left to refuse the post is the token.
    staff.user_permissions.add(*Permission.objects.filter(codename__in=["add_guidance"]))
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff)
    url = reverse("admin:guidance_guidance_add")
    assert client.get(url).status_code == 200
    response = client.post(url, {"slug": "no-token"})
    assert refused_for_csrf(response)
