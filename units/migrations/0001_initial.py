"""Unit and Membership, moved from models_registry (issue 12): their tables stay
(``models_registry_unit``, ``models_registry_membership``), so this only tells Django's
state where they live now."""

import django.db.models.deletion
from django.conf import settings
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
        ('models_registry', '0005_case_tally'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='Unit',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=255, verbose_name='Tên đơn vị')),
                        ('short_name', models.CharField(blank=True, max_length=100, verbose_name='Tên viết tắt')),
                        ('kind', models.CharField(choices=[('city', 'Thành phố / huyện'), ('body', 'Cơ quan, ban, ngành cấp thành phố'), ('organisation', 'MTTQ, tổ chức chính trị - xã hội'), ('ward', 'Đảng ủy phường, xã'), ('ward_body', 'Đơn vị thuộc phường, xã'), ('other', 'Khác')], max_length=20, verbose_name='Loại đơn vị')),
                        ('path', models.CharField(db_index=True, default='', editable=False, max_length=255)),
                        ('aliases', models.TextField(blank=True, help_text='Mỗi dòng một tên khác mà đơn vị hay dùng.', verbose_name='Tên gọi khác')),
                        ('email', models.EmailField(blank=True, max_length=254, verbose_name='Email liên hệ')),
                        ('active_from', models.DateField(blank=True, null=True, verbose_name='Hoạt động từ')),
                        ('active_to', models.DateField(blank=True, null=True, verbose_name='Hoạt động đến')),
                        ('name_key', models.CharField(db_index=True, default='', editable=False, max_length=255)),
                        ('parent', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='children', to='units.unit', verbose_name='Đơn vị cấp trên')),
                        ('successor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='predecessors', to='units.unit', verbose_name='Đơn vị kế thừa')),
                    ],
                    options={
                        'verbose_name': 'Đơn vị',
                        'verbose_name_plural': 'Đơn vị',
                        'db_table': 'models_registry_unit',
                        'ordering': ['path'],
                    },
                ),
                migrations.CreateModel(
                    name='Membership',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('role', models.CharField(choices=[('unit_officer', 'Cán bộ đơn vị'), ('secretariat', 'Ban Dân vận (thường trực BCĐ)'), ('inspector', 'Cán bộ kiểm tra'), ('committee', 'Thành viên BCĐ / hội đồng'), ('viewer', 'Lãnh đạo (chỉ xem)')], max_length=20, verbose_name='Vai trò')),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='memberships', to=settings.AUTH_USER_MODEL, verbose_name='Người dùng')),
                        ('unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='memberships', to='units.unit', verbose_name='Đơn vị')),
                    ],
                    options={
                        'verbose_name': 'Phân quyền',
                        'verbose_name_plural': 'Phân quyền',
                        'db_table': 'models_registry_membership',
                    },
                ),
                migrations.AddConstraint(
                    model_name='unit',
                    constraint=models.UniqueConstraint(fields=('parent', 'name'), name='unit_unique_name_in_parent'),
                ),
                migrations.AddConstraint(
                    model_name='membership',
                    constraint=models.UniqueConstraint(fields=('user', 'unit', 'role'), name='membership_unique'),
                ),
            ],
        ),
        migrations.RunPython(*_move_content_types('models_registry', 'units', ('unit', 'membership'))),
    ]
