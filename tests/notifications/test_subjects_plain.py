"""Inbox and e-mail titles say what happened, without a "[DVK]" tag in front (issue 14)."""

from pathlib import Path

from django.conf import settings


def test_no_notification_title_starts_with_a_tag():
    subjects = list(Path(settings.BASE_DIR).glob("*/templates/notifications/email/*/subject.txt"))
    assert len(subjects) > 20
    for path in subjects:
        first = path.read_text(encoding="utf-8").lstrip()
        assert not first.startswith("["), path
