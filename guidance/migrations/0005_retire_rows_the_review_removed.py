# The content review of 2026-11 removed rows that no checkable source supports. Databases loaded
# before keep them, since the loader never deletes what a fixture no longer lists: remove them
# here, with the loader's records of them, so no plan or page shows them. A row an editor has
# changed since it was loaded (its latest history entry is not the loader's) is left alone and
# named, never deleted silently.
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


LOADER = 'content-loader'


def _loaders_own(apps, app: str, name: str, rows):
    """The rows whose latest history entry is the loader's (or that have no history)."""
    history = apps.get_model(app, f'Historical{name}')
    own = []
    for row in rows:
        latest = history.objects.filter(id=row.pk).order_by('-history_date', '-history_id')
        latest = latest.select_related('history_user').first()
        if latest is None or (latest.history_user and latest.history_user.username == LOADER):
            own.append(row)
        else:
            print(f'  kept {app}.{name} {row.pk}: changed by an editor; review it in admin')
    return own


def _retire(apps, app: str, name: str, rows, keys: list[str]) -> None:
    LoadedEntry = apps.get_model('content', 'LoadedEntry')
    for row in _loaders_own(apps, app, name, rows):
        row.delete()
    LoadedEntry.objects.filter(model=f'{app}.{name.lower()}', key__in=keys).delete()


def retire(apps, schema_editor):
    for (app, name), lookup in RETIRED.items():
        [(field, values)] = lookup.items()
        rows = apps.get_model(app, name).objects.filter(**{f'{field}__in': values})
        _retire(apps, app, name, rows, [f'{field}={v}' for v in values])
    links = apps.get_model('compounds', 'CompoundMechanism').objects.filter(
        mechanism__slug='social-reward-learning', compound__slug__in=SOCIAL_LINKS
    )
    keys = [f'compound={c},mechanism=social-reward-learning' for c in SOCIAL_LINKS]
    _retire(apps, 'compounds', 'CompoundMechanism', links, keys)


class Migration(migrations.Migration):

    dependencies = [
        ('auth', '0012_alter_user_first_name_max_length'),
        ('content', '0002_content_version'),
        ('compounds', '0004_statement_provenance'),
        ('guidance', '0004_statement_provenance_and_grading'),
    ]

    operations = [migrations.RunPython(retire, migrations.RunPython.noop)]
