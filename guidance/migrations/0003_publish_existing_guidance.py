"""Guidance that existed before the review workflow was public already: keep it published."""

from django.db import migrations
from django.db.models.functions import Now


def publish_existing(apps, schema_editor):
    Guidance = apps.get_model("guidance", "Guidance")
    Guidance.objects.filter(status="draft").update(status="published", published_at=Now())


class Migration(migrations.Migration):
    dependencies = [("guidance", "0002_history")]

    operations = [migrations.RunPython(publish_existing, migrations.RunPython.noop)]
