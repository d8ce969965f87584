"""Shared fixtures: the real content, loaded once into the test database."""

import pytest
from django.core.cache import cache
from django.core.management import call_command

from api import readmodel
from content.versioning import content_version_forget
from infra import redis_cache
from infra.caching import clear_local_answers


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Hash test passwords cheaply; the real hasher is deliberately slow."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def empty_cache():
    """Start every test with an empty cache: answers cached by one test (whose database changes
    are rolled back) must not leak into the next, nor the content version it remembered; nor may
    a Redis outage one test made keep the process's circuit breaker open for the next; nor the
    read model's rows (a test may write content as no editor can, without a new version)."""
    redis_cache.reset()
    cache.clear()
    clear_local_answers()
    content_version_forget()
    readmodel.forget()
    yield
    cache.clear()
    clear_local_answers()
    content_version_forget()
    readmodel.forget()
    redis_cache.reset()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load fixtures/ once; each test runs in a transaction that is rolled back afterwards."""
    with django_db_blocker.unblock():
        call_command("load_content", verbosity=0)


@pytest.fixture
def editor(client, django_user_model):
    """A test client logged in to admin as a superuser."""
    user = django_user_model.objects.create_superuser("editor", "editor@example.org", "pw")
    client.force_login(user)
    return client
