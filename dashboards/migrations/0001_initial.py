"""CaseTally and CaseTallyDelta, moved from models_registry (issue 12): their tables, and
the triggers and functions of models_registry's migration 0005 that keep them, stay as
they are; this only tells Django's state where the models live now."""

import django.db.models.deletion
from django.db import migrations, models


def _move_content_types(old: str, new: str, models: tuple[str, ...]):
    """The content types (and so the permissions and admin log entries) follow the
    models to their new app; a row already under the new label (post_migrate made it)
    is left as it is."""

    def forwards(apps, schema_editor):
        ContentType = apps.get_model("contenttypes", "ContentType")
        db = schema_editor.connection.alias
        for model in models:
            if ContentType.objects.using(db).filter(app_label=new, model=model).exists():
                continue
            ContentType.objects.using(db).filter(app_label=old, model=model).update(
                app_label=new
            )

    def backwards(apps, schema_editor):
        forwards_ = _move_content_types(new, old, models)[0]
        forwards_(apps, schema_editor)

    return forwards, backwards


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('models_registry', '0006_units_and_tally_moved'),
        ('units', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='CaseTallyDelta',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('state', models.CharField(max_length=20)),
                        ('subject', models.CharField(max_length=20)),
                        ('target_level', models.BigIntegerField(default=0)),
                        ('recognized_level', models.BigIntegerField(default=0)),
                        ('field_economy', models.BooleanField(default=False)),
                        ('field_culture_society', models.BooleanField(default=False)),
                        ('field_defence_security', models.BooleanField(default=False)),
                        ('field_political_system', models.BooleanField(default=False)),
                        ('cases', models.IntegerField()),
                        ('unit_id', models.BigIntegerField()),
                        ('campaign_id', models.BigIntegerField()),
                    ],
                    options={
                        'verbose_name': 'Thay đổi số liệu tổng hợp',
                        'verbose_name_plural': 'Thay đổi số liệu tổng hợp',
                        'db_table': 'models_registry_casetallydelta',
                    },
                ),
                migrations.CreateModel(
                    name='CaseTally',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('state', models.CharField(max_length=20)),
                        ('subject', models.CharField(max_length=20)),
                        ('target_level', models.BigIntegerField(default=0)),
                        ('recognized_level', models.BigIntegerField(default=0)),
                        ('field_economy', models.BooleanField(default=False)),
                        ('field_culture_society', models.BooleanField(default=False)),
                        ('field_defence_security', models.BooleanField(default=False)),
                        ('field_political_system', models.BooleanField(default=False)),
                        ('cases', models.IntegerField()),
                        ('campaign', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='models_registry.campaign')),
                        ('unit', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='units.unit')),
                    ],
                    options={
                        'verbose_name': 'Số liệu tổng hợp',
                        'verbose_name_plural': 'Số liệu tổng hợp',
                        'db_table': 'models_registry_casetally',
                        'constraints': [models.UniqueConstraint(fields=('unit', 'campaign', 'state', 'subject', 'target_level', 'recognized_level', 'field_economy', 'field_culture_society', 'field_defence_security', 'field_political_system'), name='case_tally_key')],
                    },
                ),
            ],
        ),
        migrations.RunPython(*_move_content_types('models_registry', 'dashboards', ('casetally', 'casetallydelta'))),
    ]
