"""``manage.py load_content``: load fixtures/ into the database, keeping editors' changes."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.module_loading import import_string

from content.loader import ContentError, LoadReport, load_content
from content.locks import database_lock


class Command(BaseCommand):
    help = (
        "Load the article's content from the fixtures folder by natural key. Safe to run again: "
        "unchanged rows are left alone, and rows an editor changed since the last load are "
        "reported and kept unless --overwrite is given. Any invalid entry aborts the whole load."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--overwrite",
            action="store_true",
            help="Replace rows that editors changed (or deleted) since the last load.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would change, write nothing."
        )
        parser.add_argument(
            "--directory",
            type=Path,
            default=settings.CONTENT_FIXTURES_DIR,
            help="Folder with the fixture files (default: %(default)s).",
        )

    def handle(self, *args, overwrite: bool, dry_run: bool, directory: Path, **options):
        files = [import_string(path) for path in settings.CONTENT_FILES]
        try:
            # One loader at a time (the lock prepare takes too): a second waits for the first,
            # then finds its rows loaded, instead of inserting them again.
            with database_lock(on_wait=self._waiting):
                report = load_content(files, directory, overwrite=overwrite, dry_run=dry_run)
        except ContentError as exc:
            raise CommandError(
                "Content not loaded; nothing was written. Fix these entries:\n  "
                + "\n  ".join(exc.problems)
            ) from None
        self._print(report, dry_run=dry_run)

    def _waiting(self) -> None:
        self.stderr.write("Another process is loading content into this database; waiting...")

    def _print(self, report: LoadReport, *, dry_run: bool) -> None:
        prefix = "[dry run] " if dry_run else ""
        for f in report.files:
            self.stdout.write(
                f"{prefix}{f.name}: {f.created} created, {f.updated} updated, "
                f"{f.unchanged} unchanged, {len(f.overwritten)} overwritten, {len(f.kept)} kept"
            )
            for item in f.overwritten:
                self.stdout.write(self.style.WARNING(f"  overwrote editor's change: {item}"))
        if report.kept:
            self.stdout.write(
                self.style.WARNING(
                    "Kept rows changed in admin since the last load (rerun with --overwrite "
                    "to replace them with the fixtures):"
                )
            )
            for item in report.kept:
                self.stdout.write(self.style.WARNING(f"  {item}"))
        if not report.changed:
            self.stdout.write(self.style.SUCCESS(f"{prefix}Content is up to date."))
        else:
            self.stdout.write(self.style.SUCCESS(f"{prefix}Content loaded."))
