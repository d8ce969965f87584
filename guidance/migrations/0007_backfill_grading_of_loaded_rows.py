# Rows loaded before grading existed got the field defaults (kind research_context, no
# certainty, no provenance). The loader fills them from the fixtures, except rows an editor
# changed, which it keeps: for those, say what is known for certain without guessing a grade.
# A row of strength "standard" is a minimum standard of care, which GRADE treats as a good
# practice statement; the rest stay ungraded (certainty empty: null in the API) until an editor
# or the loader grades them.

from django.db import migrations


def backfill(apps, schema_editor):
    Guidance = apps.get_model('guidance', 'Guidance')
    Guidance.objects.filter(strength='standard', certainty='').update(
        kind='good_practice_statement'
    )


class Migration(migrations.Migration):

    dependencies = [
        ('guidance', '0006_safety_statement_kind'),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
