"""Unit and Membership moved to ``units``, the tally's models to ``dashboards`` (issue 12):
state only. The foreign keys to Unit now name ``units.Unit``; no table or column changes."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('models_registry', '0005_case_tally'),
        ('units', '0001_initial'),
        ('workflow', '0003_committees_moved'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.RemoveField(
                    model_name='casetally',
                    name='campaign',
                ),
                migrations.RemoveField(
                    model_name='casetally',
                    name='unit',
                ),
                migrations.DeleteModel(
                    name='CaseTallyDelta',
                ),
                migrations.RemoveField(
                    model_name='membership',
                    name='unit',
                ),
                migrations.RemoveField(
                    model_name='membership',
                    name='user',
                ),
                migrations.RemoveField(
                    model_name='unit',
                    name='parent',
                ),
                migrations.RemoveField(
                    model_name='unit',
                    name='successor',
                ),
                migrations.AlterField(
                    model_name='initiative',
                    name='unit',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='initiatives', to='units.unit', verbose_name='Đơn vị đăng ký'),
                ),
                migrations.AlterField(
                    model_name='deadlineextension',
                    name='unit',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, to='units.unit', verbose_name='Đơn vị'),
                ),
                migrations.DeleteModel(
                    name='CaseTally',
                ),
                migrations.DeleteModel(
                    name='Membership',
                ),
                migrations.DeleteModel(
                    name='Unit',
                ),
            ],
        ),
    ]
