"""The product's own settings, plus the harness's URLconf with the baseline view."""

from api.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
