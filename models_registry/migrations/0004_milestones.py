from django.db import migrations, models

# The milestones transition_apply now stamps on the case, filled from the transition log
# for the cases that moved before this migration: the latest "submit", the latest
# "record_inspection", the decision; and whether each case has its mid-year / year-end
# report (progress_report_create sets them from now on). One statement — a row updated
# twice in the transaction would queue deferred foreign-key checks, and the indexes
# below could not be built — over one grouped pass of the log (on 1,000,000 cases and
# 3,000,000 log rows: about two minutes on the benchmark machine). A case with a
# report has been submitted, so it has log rows.
BACKFILL = """
UPDATE models_registry_initiative
SET registered_at = log.registered,
    inspected_at = log.inspected,
    decided_at = log.decided,
    mid_year_reported = COALESCE(report.mid_year, FALSE),
    year_end_reported = COALESCE(report.year_end, FALSE)
FROM (
    SELECT case_id,
           MAX(CASE WHEN transition = 'submit' THEN at END) AS registered,
           MAX(CASE WHEN transition = 'record_inspection' THEN at END) AS inspected,
           MAX(CASE WHEN transition IN ('recognize', 'reject') THEN at END) AS decided
    FROM workflow_transitionlog
    WHERE transition IN ('submit', 'record_inspection', 'recognize', 'reject')
    GROUP BY case_id
) AS log
LEFT JOIN (
    SELECT initiative_id,
           MAX(CASE WHEN kind = 'mid_year' THEN 1 ELSE 0 END) = 1 AS mid_year,
           MAX(CASE WHEN kind = 'year_end' THEN 1 ELSE 0 END) = 1 AS year_end
    FROM models_registry_progressreport
    GROUP BY initiative_id
) AS report ON report.initiative_id = log.case_id
WHERE log.case_id = models_registry_initiative.id
"""


class Migration(migrations.Migration):
    dependencies = [
        ("models_registry", "0003_dashboard_indexes"),
        ("workflow", "0002_committees"),
    ]

    operations = [
        migrations.AddField(
            model_name="initiative",
            name="registered_at",
            field=models.DateTimeField(editable=False, null=True, verbose_name="Gửi đăng ký lúc"),
        ),
        migrations.AddField(
            model_name="initiative",
            name="inspected_at",
            field=models.DateTimeField(
                editable=False, null=True, verbose_name="Có kết quả kiểm tra lúc"
            ),
        ),
        migrations.AddField(
            model_name="initiative",
            name="decided_at",
            field=models.DateTimeField(editable=False, null=True, verbose_name="Có quyết định lúc"),
        ),
        migrations.AddField(
            model_name="initiative",
            name="mid_year_reported",
            field=models.BooleanField(
                default=False, editable=False, verbose_name="Đã nộp báo cáo sơ kết"
            ),
        ),
        migrations.AddField(
            model_name="initiative",
            name="year_end_reported",
            field=models.BooleanField(
                default=False, editable=False, verbose_name="Đã nộp báo cáo tổng kết"
            ),
        ),
        migrations.RunSQL(BACKFILL, migrations.RunSQL.noop),
        migrations.RemoveIndex(model_name="initiative", name="models_regi_campaig_299fd6_idx"),
        migrations.AddIndex(
            model_name="initiative",
            index=models.Index(
                fields=["campaign", "state"],
                include=("unit", "inspected_at"),
                name="initiative_campaign_state",
            ),
        ),
        migrations.AddIndex(
            model_name="initiative",
            index=models.Index(
                condition=models.Q(("state", "in_progress")),
                fields=["campaign", "end_date"],
                include=("unit", "id", "mid_year_reported", "year_end_reported"),
                name="initiative_running_campaign",
            ),
        ),
        migrations.AddIndex(
            model_name="initiative",
            index=models.Index(
                condition=models.Q(("inspected_at__isnull", False)),
                fields=["campaign", "unit"],
                include=("registered_at", "inspected_at", "decided_at"),
                name="initiative_inspected",
            ),
        ),
    ]
