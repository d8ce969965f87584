"""``python -m bench.edit``: make a content edit for every line read from stdin.

The harness starts this process (Django set up, connected) before the run that edits content
under load, so the edit itself costs the loaded machine almost nothing: a new content version, as
every published edit makes, committed in its own transaction (so its invalidation is published).
Each edit prints the wall-clock time it committed at.
"""

import os
import sys
import time

import django


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.db import transaction

    from content.versioning import content_version_bump

    print("ready", flush=True)
    for _ in sys.stdin:
        with transaction.atomic():
            content_version_bump()
        print(f"{time.time():.6f}", flush=True)


if __name__ == "__main__":
    main()
