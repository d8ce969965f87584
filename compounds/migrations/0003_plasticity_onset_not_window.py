# The article gives a time to effect ("within 24 to 72 hours of a single dose"), not a window that
# closes at 72 hours: the columns are renamed so that no client reads 72 as a closing time. Renamed,
# not re-created, so their values and history are kept.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('compounds', '0002_history'),
    ]

    operations = [
        migrations.RemoveConstraint(model_name='compound', name='compound_plasticity_window_range'),
        migrations.RenameField('compound', 'plasticity_window_min_hours', 'plasticity_onset_min_hours'),
        migrations.RenameField('compound', 'plasticity_window_max_hours', 'plasticity_onset_max_hours'),
        migrations.RenameField('compound', 'plasticity_window_statement', 'plasticity_statement'),
        migrations.RenameField('historicalcompound', 'plasticity_window_min_hours', 'plasticity_onset_min_hours'),
        migrations.RenameField('historicalcompound', 'plasticity_window_max_hours', 'plasticity_onset_max_hours'),
        migrations.RenameField('historicalcompound', 'plasticity_window_statement', 'plasticity_statement'),
    ]
