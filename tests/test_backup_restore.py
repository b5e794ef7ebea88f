"""The restore drill of docs/operations.md, on a small database: back up, wipe, restore,
compare the counts (and the media files' contents) with what was there."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from config.backup import table_counts
from models_registry.models import Initiative
from notifications.models import Notification
from tests.factories import make_draft
from workflow.models import TransitionLog


def test_back_up_wipe_restore_and_find_everything_again(
    transactional_db, world, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    (settings.MEDIA_ROOT / "progress" / "2023").mkdir(parents=True)
    attachment = settings.MEDIA_ROOT / "progress" / "2023" / "bao-cao.pdf"
    attachment.write_bytes(b"%PDF-1.4 the unit's report\n" * 50)
    make_draft(world)
    make_draft(world, name="Mô hình thứ hai")
    before = table_counts()
    assert before["models_registry_initiative"] == 2
    assert before["auth_user"] >= 5

    out = StringIO()
    call_command("backup", str(tmp_path / "backup"), stdout=out)
    assert "Đã sao lưu vào" in out.getvalue()
    assert {p.name for p in (tmp_path / "backup").iterdir()} == {
        "database.dump",
        "media.tar.gz",
        "manifest.json",
    }

    # The disaster: every row and every upload gone.
    call_command("flush", interactive=False, verbosity=0)
    attachment.unlink()
    assert Initiative.objects.count() == 0 and not attachment.exists()

    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(tmp_path / "backup"))
    out = StringIO()
    call_command("restore", str(tmp_path / "backup"), "--yes", stdout=out)
    assert "khớp với bản sao lưu" in out.getvalue()
    assert table_counts() == before
    assert attachment.read_bytes() == b"%PDF-1.4 the unit's report\n" * 50
    assert set(Initiative.objects.values_list("name", flat=True)) >= {"Mô hình thứ hai"}
    assert TransitionLog.objects.count() == before["workflow_transitionlog"]
    assert Notification.objects.count() == before["notifications_notification"]


def test_restore_refuses_a_folder_that_is_no_backup(db, tmp_path):
    with pytest.raises(CommandError, match="không phải một bản sao lưu"):
        call_command("restore", str(tmp_path), "--yes")
