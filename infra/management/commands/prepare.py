"""``manage.py prepare``: wait for the database, migrate, set up the editorial roles and load
content, one process at once."""

import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import OperationalError, connection

from content.locks import database_lock
from content.versioning import content_version_bump


class Command(BaseCommand):
    help = (
        "Wait until the database answers, apply migrations and load fixtures/ (rows changed in "
        "admin are kept). A lock on the database (see content.locks) makes concurrent starts of "
        "several web processes, and load_content, take turns."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--wait", type=int, default=60, help="Seconds to wait for the database (default 60)."
        )

    def handle(self, *args, wait: int, **options):
        self._wait_for_database(wait)
        with database_lock(on_wait=self._waiting):
            call_command("migrate", interactive=False, verbosity=options["verbosity"])
            # The editor and reviewer groups, with exactly their roles' permissions.
            call_command("roles", verbosity=options["verbosity"])
            try:
                call_command("load_content", verbosity=options["verbosity"])
            except CommandError as exc:
                # A fixture that clashes with editors' work must not keep the service down: it
                # starts with the content it has, and the problem is reported.
                self.stderr.write(self.style.ERROR(f"Content not loaded: {exc}"))
            # A new release may show content differently: start it on a fresh content version.
            content_version_bump()

    def _waiting(self) -> None:
        self.stderr.write("Another process is preparing this database; waiting for it...")

    def _wait_for_database(self, wait: int) -> None:
        deadline = time.monotonic() + wait
        while True:
            try:
                connection.ensure_connection()
                return
            except OperationalError as exc:
                if time.monotonic() >= deadline:
                    raise CommandError(
                        f"The database did not answer within {wait}s: {exc}"
                    ) from None
                self.stderr.write("Waiting for the database...")
                time.sleep(1)
