"""Backup and restore of what holds state: the PostgreSQL database and the media folder.

A backup is a folder with three files:

- ``database.dump``: ``pg_dump --format=custom`` (one consistent snapshot, taken first);
- ``media.tar.gz``: ``DJANGO_MEDIA_ROOT``, taken right after, so every file a row of the
  dump names is in it (a file uploaded in between is only an orphan);
- ``manifest.json``: when, the row count of every table and the media files' count and
  size, which :func:`backup_restore` compares after restoring (the restore drill).

The client tools (``pg_dump``, ``pg_restore``) must be of the server's major version or
newer; the Docker image carries them.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone

from config.env import env

DUMP = "database.dump"
MEDIA = "media.tar.gz"
MANIFEST = "manifest.json"


class BackupError(Exception):
    pass


def _pg_args() -> tuple[list[str], dict[str, str]]:
    db = settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.postgresql":
        raise BackupError("Sao lưu và khôi phục chỉ dùng với PostgreSQL (DATABASE_URL).")
    args = []
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    child_env = env.for_child(PGPASSWORD=str(db.get("PASSWORD") or ""))
    return args, child_env


def table_counts() -> dict[str, int]:
    """Rows in every table of the database, by name."""
    counts = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
    return counts


def media_summary(root: Path) -> dict[str, int]:
    files = [path for path in root.rglob("*") if path.is_file()] if root.is_dir() else []
    return {"files": len(files), "bytes": sum(path.stat().st_size for path in files)}


def _run(command: list[str], child_env: dict[str, str]) -> None:
    result = subprocess.run(command, env=child_env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{command[0]} thất bại:\n{result.stderr.strip()[-2000:]}")


@dataclass
class Manifest:
    created_at: str
    tables: dict[str, int]
    media: dict[str, int]

    def to_json(self) -> str:
        return json.dumps(self.__dict__, ensure_ascii=False, indent=2, sort_keys=True)


def backup_create(*, output: Path) -> Manifest:
    """Write a backup into ``output`` (created; it must not hold a backup already).

    The counts are taken just before the dump, not in its snapshot: on a busy site they
    may differ from it by the rows written meanwhile. They are the restore drill's
    reference for a quiet database (or a copy of it), not an audit."""
    output.mkdir(parents=True, exist_ok=True)
    if (output / MANIFEST).exists():
        raise BackupError(f"{output} đã có một bản sao lưu.")
    args, child_env = _pg_args()
    tables = table_counts()
    _run(
        [
            "pg_dump",
            *args,
            "--format=custom",
            "--no-owner",
            "--no-acl",
            "--file",
            str(output / DUMP),
            settings.DATABASES["default"]["NAME"],
        ],
        child_env,
    )
    media_root = Path(settings.MEDIA_ROOT)
    with tarfile.open(output / MEDIA, "w:gz") as archive:
        if media_root.is_dir():
            archive.add(media_root, arcname=".")
    manifest = Manifest(
        created_at=timezone.now().isoformat(),
        tables=tables,
        media=media_summary(media_root),
    )
    (output / MANIFEST).write_text(manifest.to_json(), encoding="utf-8")
    return manifest


@dataclass
class RestoreResult:
    expected: Manifest
    tables: dict[str, int]
    media: dict[str, int]

    @property
    def differences(self) -> list[str]:
        found = []
        for table, count in sorted(self.expected.tables.items()):
            if self.tables.get(table) != count:
                found.append(f"{table}: {self.tables.get(table)} ≠ {count}")
        if self.media != self.expected.media:
            found.append(f"media: {self.media} ≠ {self.expected.media}")
        return found


def backup_restore(*, source: Path) -> RestoreResult:
    """Replace the database's contents and the media folder by the backup in ``source``,
    then count again and compare with its manifest.

    The database is restored in one transaction (``pg_restore --clean
    --single-transaction``): it fails whole or not at all. The media folder is emptied
    (not removed: it may be a mount point) and refilled."""
    manifest_path = source / MANIFEST
    if not manifest_path.exists():
        raise BackupError(f"{source} không phải một bản sao lưu (thiếu {MANIFEST}).")
    expected = Manifest(**json.loads(manifest_path.read_text(encoding="utf-8")))
    args, child_env = _pg_args()
    connection.close()  # nothing of ours holds a lock on what pg_restore drops
    _run(
        [
            "pg_restore",
            *args,
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-acl",
            "--single-transaction",
            "--exit-on-error",
            "--dbname",
            settings.DATABASES["default"]["NAME"],
            str(source / DUMP),
        ],
        child_env,
    )
    media_root = Path(settings.MEDIA_ROOT)
    media_root.mkdir(parents=True, exist_ok=True)
    for child in media_root.iterdir():
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
        else:
            child.unlink()
    with tarfile.open(source / MEDIA, "r:gz") as archive:
        archive.extractall(media_root, filter="data")
    return RestoreResult(expected=expected, tables=table_counts(), media=media_summary(media_root))
