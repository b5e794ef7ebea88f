"""A trigram index on the cases' folded search text (issue 18): the list's search finds
"%word%" through it instead of reading every case.

PostgreSQL only. ``TrigramExtension`` does nothing on another database, and the index is
created by SQL guarded by the connection's vendor, so the embedded default (SQLite)
migrates as before; the index is not in the model's state (Django's ``GinIndex`` would
be created on SQLite too), so ``makemigrations`` never sees it."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

INDEX = "initiative_search_trgm"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON models_registry_initiative "
            "USING gin (search_text gin_trgm_ops)"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("models_registry", "0008_campaign_status_resubmit_extension_revoke")]

    operations = [
        TrigramExtension(),
        migrations.RunPython(create_index, drop_index, elidable=False),
    ]
