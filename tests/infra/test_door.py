"""The editors' door: failed logins lock out per account and per address (django-axes), the lock
is visible and clearable in admin; every response carries a Content-Security-Policy and a
Permissions-Policy (those answered above the response cache too), and the pages that need
inline scripts still work under it."""

import re

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery-staple"
LOGIN = reverse("admin:login")


@pytest.fixture
def maria(django_user_model):
    return django_user_model.objects.create_user("maria", password=PASSWORD, is_staff=True)


def login(client: Client, username: str, password: str, address: str = "203.0.113.7"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_the_limit_is_the_configured_number_of_failures():
    assert settings.AXES_FAILURE_LIMIT == 5


def test_the_right_password_works_below_the_limit(client, maria):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert login(client, "maria", "wrong").status_code == 200
    assert login(client, "maria", PASSWORD).status_code == 302
    assert logged_in(client)


def test_an_account_locks_after_the_limit_and_refuses_the_right_password(client, maria):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "maria", "wrong")
    response = login(client, "maria", PASSWORD)
    assert response.status_code == 429
    page = response.content.decode()
    assert "Too many failed login attempts" in page
    assert "even with the right password" in page
    assert not logged_in(client)


def test_the_account_lock_holds_from_another_address(maria):
    for number in range(settings.AXES_FAILURE_LIMIT):
        login(Client(), "maria", "wrong", address=f"198.51.100.{number + 1}")
    client = Client()
    assert login(client, "maria", PASSWORD, address="192.0.2.50").status_code == 429
    assert not logged_in(client)


def test_an_address_locks_after_the_limit_whatever_the_usernames(maria):
    client = Client()
    for number in range(settings.AXES_FAILURE_LIMIT):
        login(client, f"guess{number}", "wrong")
    assert login(client, "maria", PASSWORD).status_code == 429
    assert not logged_in(client)
    other = Client()
    assert login(other, "maria", PASSWORD, address="192.0.2.99").status_code == 302


def test_a_lockout_is_listed_in_admin_and_clearing_it_lets_the_user_in(maria, django_user_model):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(Client(), "maria", "wrong")
    admin_user = django_user_model.objects.create_superuser("root", "root@example.org", "pw")
    admin = Client()
    admin.force_login(admin_user)
    listing = admin.get(reverse("admin:axes_accessattempt_changelist"))
    assert listing.status_code == 200
    assert "maria" in listing.content.decode()
    attempt = AccessAttempt.objects.get(username="maria")
    delete = reverse("admin:axes_accessattempt_delete", args=[attempt.pk])
    assert admin.post(delete, {"post": "yes"}).status_code == 302

    client = Client()
    assert login(client, "maria", PASSWORD).status_code == 302
    assert logged_in(client)


# Content-Security-Policy and Permissions-Policy ---------------------------------------------


def policy(response) -> dict[str, list[str]]:
    header = response.headers["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


@pytest.mark.parametrize("path", [LOGIN, "/api/docs/", "/api/redoc/", "/api/v1/"])
def test_every_page_has_a_csp_that_refuses_inline_and_foreign_scripts(client, path):
    response = client.get(path)
    assert response.status_code == 200
    directives = policy(response)
    scripts = directives["script-src"]
    assert "'self'" in scripts
    assert "'unsafe-inline'" not in scripts
    assert not any(source.startswith(("http", "*")) for source in scripts)
    assert directives["default-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]


@pytest.mark.parametrize("path", ["/api/docs/", "/api/redoc/"])
def test_the_docs_inline_scripts_carry_the_response_s_nonce(client, path):
    response = client.get(path)
    [nonce] = [s[len("'nonce-") : -1] for s in policy(response)["script-src"] if "nonce-" in s]
    page = response.content.decode()
    inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", page)
    assert inline  # the page has an inline script, which runs only with the nonce
    assert all(f'nonce="{nonce}"' in attributes for attributes in inline)


def test_a_second_response_gets_a_new_nonce(client):
    first = policy(client.get("/api/docs/"))["script-src"]
    second = policy(client.get("/api/docs/"))["script-src"]
    assert first != second


@pytest.mark.parametrize("path", [LOGIN, "/api/docs/", "/api/v1/"])
def test_every_page_switches_off_unused_browser_features(client, path):
    header = client.get(path).headers["Permissions-Policy"]
    features = dict(part.strip().split("=", 1) for part in header.split(","))
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert features[feature] == "()"


def test_login_attempts_past_the_address_s_rate_are_refused_before_any_work(client, settings):
    settings.LOGIN_THROTTLE = (3, 60)
    for _ in range(3):
        assert login(client, "someone", "wrong", address="192.0.2.200").status_code == 200
    response = login(client, "someone", "wrong", address="192.0.2.200")
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) >= 1
    assert "Too many login attempts from this address" in response.content.decode()
    # Refused before the login form ran: the fourth attempt was never counted as a failure.
    assert AccessAttempt.objects.get(ip_address="192.0.2.200").failures_since_start == 3
    # Another address is not affected, and the API is not throttled by logins.
    assert login(Client(), "someone", "wrong", address="192.0.2.201").status_code == 200
    assert client.get("/api/v1/", REMOTE_ADDR="192.0.2.200").status_code == 200


def answered_above_the_cache(name: str, settings) -> HttpResponse:
    """A response that no view and no inner middleware made: each is answered by a layer above
    the response cache (where django-csp and django-permissions-policy run)."""
    settings.CORS_ALLOWED_ORIGINS = ["https://app.example.org"]
    settings.LOGIN_THROTTLE = (1, 60)
    if name == "https redirect":
        settings.SECURE_SSL_REDIRECT = True
        response = Client().get("/api/v1/compounds/")
        assert response.status_code == 301
    elif name == "cors preflight":
        response = Client().options(
            "/api/v1/compounds/",
            HTTP_ORIGIN="https://app.example.org",
            HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        )
        assert response.status_code == 200
        assert response["Access-Control-Allow-Origin"] == "https://app.example.org"
    elif name == "query string too long":
        query = "search=" + "a" * settings.API_MAX_QUERY_STRING
        response = Client().get(f"/api/v1/compounds/?{query}")
        assert response.status_code == 400
    elif name == "login throttle":
        client = Client()
        login(client, "someone", "wrong", address="192.0.2.210")
        response = login(client, "someone", "wrong", address="192.0.2.210")
        assert response.status_code == 429
        assert "Too many login attempts" in response.content.decode()
    elif name == "static file":
        response = Client().get("/static/drf_spectacular_sidecar/redoc/bundles/redoc.standalone.js")
        assert response.status_code == 200
    return response


@pytest.mark.parametrize(
    "name",
    [
        "https redirect",
        "cors preflight",
        "query string too long",
        "login throttle",
        "static file",
    ],
)
def test_answers_made_above_the_cache_carry_both_policies_too(name, settings):
    response = answered_above_the_cache(name, settings)
    directives = policy(response)
    assert directives["default-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert not any("nonce-" in source for source in directives["script-src"])
    header = response["Permissions-Policy"]
    features = dict(part.strip().split("=", 1) for part in header.split(","))
    assert features["camera"] == "()"


def test_cached_304s_reuse_the_policy_instead_of_building_it_each_time(monkeypatch, settings):
    """A 304 is answered by the response cache, above django-csp's own middleware: the outer
    layer gives it the policy built for the first one, and builds it again after a setting
    changes, not on every revalidation."""
    import csp.middleware

    settings.API_CACHE = True
    client = Client()
    url = "/api/v1/compounds/"
    full = client.get(url)
    tag = full["ETag"]
    assert client.get(url, HTTP_IF_NONE_MATCH=tag).status_code == 304
    built = []
    build = csp.middleware.build_policy
    monkeypatch.setattr(
        csp.middleware, "build_policy", lambda **kw: built.append(kw) or build(**kw)
    )
    for _ in range(5):
        again = client.get(url, HTTP_IF_NONE_MATCH=tag)
        assert again.status_code == 304
        assert again["Content-Security-Policy"] == full["Content-Security-Policy"]
    assert built == []
    settings.CONTENT_SECURITY_POLICY = {
        "DIRECTIVES": {**settings.CONTENT_SECURITY_POLICY["DIRECTIVES"], "img-src": ["'none'"]}
    }
    changed = client.get(url, HTTP_IF_NONE_MATCH=tag)
    assert changed.status_code == 304
    assert policy(changed)["img-src"] == ["'none'"]
    assert policy(changed)["default-src"] == ["'self'"]
