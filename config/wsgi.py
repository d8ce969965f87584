"""WSGI entry point, used by gunicorn and other WSGI servers."""

import os
from importlib import import_module

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

application = get_wsgi_application()

# Import every view now, not on each worker's first request: gunicorn loads this module once
# and forks its workers from it (preload_app), so a worker's first answer (after a start or a
# restart) costs what every other does, instead of half a second of imports. Importing opens no
# database connection, so none is shared across the fork (tests/test_deployment.py checks).
import_module(settings.ROOT_URLCONF)
