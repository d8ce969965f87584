"""The product's own settings, plus the harness's URLconf with the baseline view."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
