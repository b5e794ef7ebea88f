import django.db.models.deletion
from django.db import migrations, models

# The tally (models_registry/tally.py): on PostgreSQL, triggers on the cases' table append
# the changes of the counts, and two functions fold them in or recount everything. The
# SQL is frozen here as it was installed; a later change is a later migration. On SQLite
# only the (unused) tables are created.

LOCK = "pg_advisory_xact_lock(1952541804)"  # models_registry.tally.TALLY_LOCK ("tall")
DIMS = (
    "state, subject, target_level, recognized_level, field_economy, field_culture_society, "
    "field_defence_security, field_political_system"
)
KEY = f"unit_id, campaign_id, {DIMS}"
# A case's combination: the levels as their ids, 0 for none.
CASE_KEY = (
    "unit_id, campaign_id, state, subject, COALESCE(target_level_id, 0) AS target_level, "
    "COALESCE(recognized_level_id, 0) AS recognized_level, field_economy, "
    "field_culture_society, field_defence_security, field_political_system"
)
GROUP = "GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10"
# Each unit id of a path "/1/14/15/": the unit and its ancestors.
ANCESTORS = "unnest(string_to_array(btrim(u.path, '/'), '/')::bigint[])"
SPREAD = f"""
    SELECT a.unit_id, o.campaign_id, o.state, o.subject, o.target_level, o.recognized_level,
           o.field_economy, o.field_culture_society, o.field_defence_security,
           o.field_political_system, SUM(o.cases) AS cases
    FROM own o
    JOIN models_registry_unit u ON u.id = o.unit_id
    CROSS JOIN LATERAL {ANCESTORS} AS a(unit_id)
"""

INSTALL = f"""
CREATE FUNCTION models_registry_tally_note() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Statement level: one row per combination the statement changed, whatever the
    -- number of cases (a COPY of a million cases writes a few thousand).
    IF TG_OP = 'INSERT' THEN
        INSERT INTO models_registry_casetallydelta ({KEY}, cases)
        SELECT {CASE_KEY}, COUNT(*) FROM tally_new {GROUP};
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO models_registry_casetallydelta ({KEY}, cases)
        SELECT {CASE_KEY}, -COUNT(*) FROM tally_old {GROUP};
    ELSE
        -- An edit that changes no dimension cancels out: nothing is written.
        INSERT INTO models_registry_casetallydelta ({KEY}, cases)
        SELECT {KEY}, SUM(n) FROM (
            SELECT {CASE_KEY}, 1 AS n FROM tally_new
            UNION ALL
            SELECT {CASE_KEY}, -1 AS n FROM tally_old
        ) AS c ({KEY}, n)
        {GROUP} HAVING SUM(n) <> 0;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER models_registry_tally_insert AFTER INSERT ON models_registry_initiative
    REFERENCING NEW TABLE AS tally_new
    FOR EACH STATEMENT EXECUTE FUNCTION models_registry_tally_note();
CREATE TRIGGER models_registry_tally_update AFTER UPDATE ON models_registry_initiative
    REFERENCING OLD TABLE AS tally_old NEW TABLE AS tally_new
    FOR EACH STATEMENT EXECUTE FUNCTION models_registry_tally_note();
CREATE TRIGGER models_registry_tally_delete AFTER DELETE ON models_registry_initiative
    REFERENCING OLD TABLE AS tally_old
    FOR EACH STATEMENT EXECUTE FUNCTION models_registry_tally_note();

-- Fold the pending deltas into the counts: after the lock, ONE statement (its snapshot
-- is taken after the lock: it sees every fold and rebuild before it). The deltas it
-- deletes are exactly those it adds. A delta whose unit is gone cannot be spread over
-- ancestors and is dropped (a unit's deletion folds first, below).
-- The planner cannot know how few rows a fold brings (the deltas' statistics count the
-- dead rows of past folds, unnest is guessed at 10 rows): it would read the whole tally
-- (a million rows, 1.5 s) where looking up each changed row is 0.2 s. Nested loops only.
CREATE FUNCTION models_registry_tally_fold() RETURNS integer LANGUAGE plpgsql
SET enable_hashjoin = off SET enable_mergejoin = off AS $$
DECLARE
    changed integer;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM models_registry_casetallydelta) THEN
        RETURN 0;
    END IF;
    PERFORM {LOCK};
    WITH gone AS (
        DELETE FROM models_registry_casetallydelta RETURNING {KEY}, cases
    ), own AS (
        SELECT {KEY}, SUM(cases) AS cases FROM gone {GROUP}
    ), spread AS (
        {SPREAD}
        {GROUP}
        HAVING SUM(o.cases) <> 0
    )
    MERGE INTO models_registry_casetally t
    USING spread s
    ON t.unit_id = s.unit_id AND t.campaign_id = s.campaign_id AND t.state = s.state
        AND t.subject = s.subject AND t.target_level = s.target_level
        AND t.recognized_level = s.recognized_level AND t.field_economy = s.field_economy
        AND t.field_culture_society = s.field_culture_society
        AND t.field_defence_security = s.field_defence_security
        AND t.field_political_system = s.field_political_system
    WHEN MATCHED AND t.cases + s.cases = 0 THEN DELETE
    WHEN MATCHED THEN UPDATE SET cases = t.cases + s.cases
    WHEN NOT MATCHED THEN INSERT ({KEY}, cases)
        VALUES (s.unit_id, s.campaign_id, s.state, s.subject, s.target_level,
                s.recognized_level, s.field_economy, s.field_culture_society,
                s.field_defence_security, s.field_political_system, s.cases);
    GET DIAGNOSTICS changed = ROW_COUNT;
    RETURN changed;
END $$;

-- Recount from the cases: after the lock, ONE statement, so the deltas it deletes are
-- exactly those whose cases its snapshot counts; later ones are folded on top. The
-- count rows are deleted before any is inserted (the InitPlan on "gone" runs first).
CREATE FUNCTION models_registry_tally_rebuild() RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    written integer;
BEGIN
    PERFORM {LOCK};
    WITH gone_deltas AS (
        DELETE FROM models_registry_casetallydelta
    ), gone AS (
        DELETE FROM models_registry_casetally RETURNING 1
    ), own AS (
        SELECT {CASE_KEY}, COUNT(*) AS cases FROM models_registry_initiative {GROUP}
    )
    INSERT INTO models_registry_casetally ({KEY}, cases)
    {SPREAD}
    WHERE (SELECT COUNT(*) FROM gone) >= 0
    {GROUP};
    GET DIAGNOSTICS written = ROW_COUNT;
    RETURN written;
END $$;

-- A unit about to be deleted has no cases left, but the deltas of its last cases still
-- need its path to reach its ancestors' counts: fold them first.
CREATE FUNCTION models_registry_tally_fold_first() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM models_registry_tally_fold();
    RETURN NULL;
END $$;
CREATE TRIGGER models_registry_tally_unit_delete BEFORE DELETE ON models_registry_unit
    FOR EACH STATEMENT EXECUTE FUNCTION models_registry_tally_fold_first();
"""

UNINSTALL = """
DROP TRIGGER IF EXISTS models_registry_tally_unit_delete ON models_registry_unit;
DROP TRIGGER IF EXISTS models_registry_tally_insert ON models_registry_initiative;
DROP TRIGGER IF EXISTS models_registry_tally_update ON models_registry_initiative;
DROP TRIGGER IF EXISTS models_registry_tally_delete ON models_registry_initiative;
DROP FUNCTION IF EXISTS models_registry_tally_fold_first();
DROP FUNCTION IF EXISTS models_registry_tally_rebuild();
DROP FUNCTION IF EXISTS models_registry_tally_fold();
DROP FUNCTION IF EXISTS models_registry_tally_note();
"""


def install(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(INSTALL)
        # The counts of the cases already there (a million: about 20 s), and their
        # statistics for the dashboard's first reads.
        cursor.execute("SELECT models_registry_tally_rebuild()")
        cursor.execute("ANALYZE models_registry_casetally")


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(UNINSTALL)


def tally_fields():
    return [
        ("state", models.CharField(max_length=20)),
        ("subject", models.CharField(max_length=20)),
        ("target_level", models.BigIntegerField(default=0)),
        ("recognized_level", models.BigIntegerField(default=0)),
        ("field_economy", models.BooleanField(default=False)),
        ("field_culture_society", models.BooleanField(default=False)),
        ("field_defence_security", models.BooleanField(default=False)),
        ("field_political_system", models.BooleanField(default=False)),
        ("cases", models.IntegerField()),
    ]


class Migration(migrations.Migration):
    dependencies = [
        ("models_registry", "0004_milestones"),
    ]

    operations = [
        migrations.CreateModel(
            name="CaseTally",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                *tally_fields(),
                (
                    "unit",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="models_registry.unit",
                    ),
                ),
                (
                    "campaign",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="models_registry.campaign",
                    ),
                ),
            ],
            options={
                "verbose_name": "Số liệu tổng hợp",
                "verbose_name_plural": "Số liệu tổng hợp",
                "constraints": [
                    models.UniqueConstraint(
                        fields=(
                            "unit",
                            "campaign",
                            "state",
                            "subject",
                            "target_level",
                            "recognized_level",
                            "field_economy",
                            "field_culture_society",
                            "field_defence_security",
                            "field_political_system",
                        ),
                        name="case_tally_key",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="CaseTallyDelta",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                *tally_fields(),
                ("unit_id", models.BigIntegerField()),
                ("campaign_id", models.BigIntegerField()),
            ],
            options={
                "verbose_name": "Thay đổi số liệu tổng hợp",
                "verbose_name_plural": "Thay đổi số liệu tổng hợp",
            },
        ),
        migrations.RunPython(install, uninstall, elidable=False),
    ]
