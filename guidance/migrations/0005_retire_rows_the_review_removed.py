# The content review of 2026-11 removed rows that no checkable source supports. Databases loaded
# before keep them, since the loader never deletes what a fixture no longer lists: remove them
# here, with the loader's records of them, so no plan or page shows them.
# - safety psychosis-history-exclusion: a duplicate of psychosis-history-screening, both citing ref
#   75 for a rule the article never attributes to it (the fixtures keep one, scoped as the paper
#   scopes it);
# - guidance cannabis-ketamine-met-integration and cannabis-ketamine-relapse-prevention-integration:
#   ref 79 names no behavioral platform and the article does not say which it used;
# - the social-reward-learning links of mdma, psilocybin, lsd and ketamine: the article says only
#   that "diverse psychoplastogens" enhance social learning (20, 45) and names none of them.

from django.db import migrations

RETIRED = {
    ('guidance', 'SafetyStatement'): {'slug': ['psychosis-history-exclusion']},
    ('guidance', 'Guidance'): {
        'slug': [
            'cannabis-ketamine-met-integration',
            'cannabis-ketamine-relapse-prevention-integration',
        ]
    },
}
SOCIAL_LINKS = ['mdma', 'psilocybin', 'lsd', 'ketamine']


def retire(apps, schema_editor):
    LoadedEntry = apps.get_model('content', 'LoadedEntry')
    for (app, name), lookup in RETIRED.items():
        [(field, values)] = lookup.items()
        apps.get_model(app, name).objects.filter(**{f'{field}__in': values}).delete()
        LoadedEntry.objects.filter(
            model=f'{app}.{name.lower()}', key__in=[f'{field}={v}' for v in values]
        ).delete()
    CompoundMechanism = apps.get_model('compounds', 'CompoundMechanism')
    CompoundMechanism.objects.filter(
        mechanism__slug='social-reward-learning', compound__slug__in=SOCIAL_LINKS
    ).delete()
    LoadedEntry.objects.filter(
        model='compounds.compoundmechanism',
        key__in=[f'compound={c},mechanism=social-reward-learning' for c in SOCIAL_LINKS],
    ).delete()


class Migration(migrations.Migration):

    dependencies = [
        ('content', '0002_content_version'),
        ('compounds', '0004_statement_provenance'),
        ('guidance', '0004_statement_provenance_and_grading'),
    ]

    operations = [migrations.RunPython(retire, migrations.RunPython.noop)]
