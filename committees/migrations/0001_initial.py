"""Committee, RecognitionDecision, VoteRound and Vote, moved from workflow (issue 12):
their tables (``workflow_committee``, ``workflow_committee_members``, …) stay as they
are, so this only tells Django's state where they live now."""

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
        ('units', '0001_initial'),
        ('workflow', '0002_committees'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='Committee',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=255, verbose_name='Tên hội đồng')),
                        ('quorum_numerator', models.PositiveSmallIntegerField(default=2, verbose_name='Tỷ lệ tham gia tối thiểu (tử số)')),
                        ('quorum_denominator', models.PositiveSmallIntegerField(default=3, verbose_name='(mẫu số)')),
                        ('approval_numerator', models.PositiveSmallIntegerField(default=70, verbose_name='Tỷ lệ tán thành tối thiểu (tử số)')),
                        ('approval_denominator', models.PositiveSmallIntegerField(default=100, verbose_name='(mẫu số)')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='Thời điểm tạo')),
                        ('chair', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='chaired_committees', to=settings.AUTH_USER_MODEL, verbose_name='Chủ tịch hội đồng')),
                        ('level', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='committees', to='models_registry.recognitionlevel', verbose_name='Cấp công nhận')),
                        ('members', models.ManyToManyField(related_name='committees', to=settings.AUTH_USER_MODEL, verbose_name='Thành viên')),
                        ('unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='committees', to='units.unit', verbose_name='Đơn vị')),
                    ],
                    options={
                        'verbose_name': 'Hội đồng xét công nhận',
                        'verbose_name_plural': 'Hội đồng xét công nhận',
                        'db_table': 'workflow_committee',
                        'ordering': ['level', 'name', 'id'],
                    },
                ),
                migrations.CreateModel(
                    name='RecognitionDecision',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('number', models.CharField(max_length=50, verbose_name='Số quyết định')),
                        ('date', models.DateField(verbose_name='Ngày quyết định')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='Thời điểm ghi')),
                        ('committee', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='decisions', to='committees.committee', verbose_name='Hội đồng')),
                        ('level', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='models_registry.recognitionlevel', verbose_name='Cấp công nhận')),
                        ('signed_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='Người ký')),
                    ],
                    options={
                        'verbose_name': 'Quyết định công nhận',
                        'verbose_name_plural': 'Quyết định công nhận',
                        'db_table': 'workflow_recognitiondecision',
                        'ordering': ['-date', '-id'],
                    },
                ),
                migrations.CreateModel(
                    name='VoteRound',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('status', models.CharField(choices=[('open', 'Đang biểu quyết'), ('closed', 'Đã kết thúc'), ('void', 'Đã hủy (kiểm tra lại)')], default='open', max_length=10, verbose_name='Trạng thái')),
                        ('opened_at', models.DateTimeField(auto_now_add=True, verbose_name='Mở lúc')),
                        ('closed_at', models.DateTimeField(blank=True, null=True, verbose_name='Kết thúc lúc')),
                        ('member_count', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='Số thành viên')),
                        ('votes_for', models.PositiveSmallIntegerField(default=0, verbose_name='Số phiếu tán thành')),
                        ('votes_against', models.PositiveSmallIntegerField(default=0, verbose_name='Số phiếu không tán thành')),
                        ('outcome', models.CharField(blank=True, choices=[('recognized', 'Công nhận'), ('not_recognized', 'Không công nhận'), ('upgraded', 'Nâng cấp công nhận'), ('not_upgraded', 'Không nâng cấp')], max_length=20, verbose_name='Kết quả')),
                        ('reason', models.TextField(blank=True, verbose_name='Lý do')),
                        ('case', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='vote_rounds', to='models_registry.initiative', verbose_name='Hồ sơ')),
                        ('closed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='Người kết thúc')),
                        ('committee', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='rounds', to='committees.committee', verbose_name='Hội đồng')),
                        ('decision', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='rounds', to='committees.recognitiondecision', verbose_name='Quyết định')),
                        ('transition_log', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='vote_round', to='workflow.transitionlog', verbose_name='Nhật ký chuyển trạng thái')),
                    ],
                    options={
                        'verbose_name': 'Phiên biểu quyết',
                        'verbose_name_plural': 'Phiên biểu quyết',
                        'db_table': 'workflow_voteround',
                        'ordering': ['-opened_at', '-id'],
                    },
                ),
                migrations.CreateModel(
                    name='Vote',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('in_favour', models.BooleanField(verbose_name='Tán thành')),
                        ('comment', models.TextField(blank=True, verbose_name='Ý kiến')),
                        ('cast_at', models.DateTimeField(auto_now_add=True, verbose_name='Bỏ phiếu lúc')),
                        ('changed_at', models.DateTimeField(auto_now=True, verbose_name='Sửa lần cuối')),
                        ('member', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='committee_votes', to=settings.AUTH_USER_MODEL, verbose_name='Thành viên')),
                        ('round', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='votes', to='committees.voteround', verbose_name='Phiên biểu quyết')),
                    ],
                    options={
                        'verbose_name': 'Phiếu biểu quyết',
                        'verbose_name_plural': 'Phiếu biểu quyết',
                        'db_table': 'workflow_vote',
                        'ordering': ['cast_at', 'id'],
                    },
                ),
                migrations.AddConstraint(
                    model_name='committee',
                    constraint=models.UniqueConstraint(fields=('level', 'unit'), name='committee_one_per_level_and_unit', violation_error_message='Đơn vị đã có hội đồng xét công nhận ở cấp này.'),
                ),
                migrations.AddConstraint(
                    model_name='committee',
                    constraint=models.CheckConstraint(condition=models.Q(('quorum_numerator__gt', 0), ('quorum_numerator__lte', models.F('quorum_denominator'))), name='committee_quorum_share_valid', violation_error_message='Tỷ lệ tham gia phải lớn hơn 0 và không quá 100%.'),
                ),
                migrations.AddConstraint(
                    model_name='committee',
                    constraint=models.CheckConstraint(condition=models.Q(('approval_numerator__gt', 0), ('approval_numerator__lte', models.F('approval_denominator'))), name='committee_approval_share_valid', violation_error_message='Tỷ lệ tán thành phải lớn hơn 0 và không quá 100%.'),
                ),
                migrations.AddConstraint(
                    model_name='recognitiondecision',
                    constraint=models.UniqueConstraint(fields=('committee', 'number'), name='decision_unique_number', violation_error_message='Hội đồng đã dùng số quyết định này.'),
                ),
                migrations.AddIndex(
                    model_name='voteround',
                    index=models.Index(fields=['committee', 'status'], name='workflow_vo_committ_ca4c0c_idx'),
                ),
                migrations.AddIndex(
                    model_name='voteround',
                    index=models.Index(fields=['case', 'status'], name='workflow_vo_case_id_b07b35_idx'),
                ),
                migrations.AddConstraint(
                    model_name='voteround',
                    constraint=models.UniqueConstraint(condition=models.Q(('status', 'open')), fields=('committee', 'case'), name='round_one_open_per_committee_and_case', violation_error_message='Hội đồng đang có một phiên biểu quyết cho hồ sơ này.'),
                ),
                migrations.AddConstraint(
                    model_name='vote',
                    constraint=models.UniqueConstraint(fields=('round', 'member'), name='vote_one_per_member_per_round', violation_error_message='Mỗi thành viên chỉ có một phiếu trong mỗi phiên.'),
                ),
            ],
        ),
        migrations.RunPython(*_move_content_types('workflow', 'committees', ('committee', 'recognitiondecision', 'voteround', 'vote'))),
    ]
