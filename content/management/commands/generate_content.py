"""``manage.py generate_content --scale N``: synthetic content at N times the real size."""

from django.core.management.base import BaseCommand, CommandError

from content.synthetic import synthetic_content_create, synthetic_content_delete


class Command(BaseCommand):
    help = (
        "Add synthetic rows so every content table holds --scale times its real row count (for "
        "benchmarks and query-count checks); --remove takes them out again. Never for production."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=int, default=10, help="Multiple of the real size.")
        parser.add_argument("--remove", action="store_true", help="Remove synthetic rows only.")

    def handle(self, *args, scale: int, remove: bool, **options):
        if remove:
            self.stdout.write(f"Removed {synthetic_content_delete()} synthetic rows.")
            return
        if scale < 2:
            raise CommandError("--scale must be at least 2 (the real content is scale 1).")
        added = synthetic_content_create(scale=scale)
        for label, count in added.items():
            self.stdout.write(f"{label}: +{count}")
        self.stdout.write(self.style.SUCCESS(f"Content is now {scale}x its real size."))
