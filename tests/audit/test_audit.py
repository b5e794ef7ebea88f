import pytest

from audit.models import AuditEntry
from audit.services import action_label, action_register, record, snapshot
from units.models import Unit, UnitKind


@pytest.fixture
def unit(db):
    return Unit.objects.create(name="Đảng ủy phường Đông Ngàn", kind=UnitKind.WARD)


def test_record_keeps_only_what_changed_with_both_sides(unit, django_user_model):
    actor = django_user_model.objects.create_user("bdv", first_name="Lan", last_name="Nguyễn")
    before = snapshot(unit, ["name", "kind", "parent"])
    unit.name = "Đảng ủy phường Đông Ngàn (mới)"
    entry = record(
        actor=actor,
        action="unit.rename",
        target=unit,
        before=before,
        after=snapshot(unit, ["name", "kind", "parent"]),
        reason="Sáp nhập 2025",
    )
    assert entry.before == {"name": "Đảng ủy phường Đông Ngàn"}
    assert entry.after == {"name": "Đảng ủy phường Đông Ngàn (mới)"}
    assert entry.actor_name == actor.get_full_name()
    assert (entry.target_type, entry.target_id) == ("units.unit", str(unit.pk))
    assert entry.changes == [("name", "Đảng ủy phường Đông Ngàn", "Đảng ủy phường Đông Ngàn (mới)")]


def test_an_edit_without_change_writes_nothing(unit):
    same = snapshot(unit, ["name", "kind"])
    assert record(actor=None, action="unit.edit", target=unit, before=same, after=same) is None
    assert AuditEntry.objects.count() == 0


def test_creation_keeps_every_field_and_dates_read_as_vietnamese(unit):
    import datetime

    entry = record(
        actor=None,
        action="x.create",
        target=unit,
        after={"until": datetime.date(2026, 3, 6), "name": unit.name},
    )
    assert entry.before == {}
    assert entry.after == {"until": "06/03/2026", "name": unit.name}


def test_rows_cannot_be_edited_or_deleted(unit):
    entry = record(actor=None, action="unit.create", target=unit, after={"name": unit.name})
    entry.reason = "sửa"
    with pytest.raises(TypeError):
        entry.save()
    with pytest.raises(TypeError):
        entry.delete()
    with pytest.raises(TypeError):
        AuditEntry.objects.filter(pk=entry.pk).update(reason="sửa")
    with pytest.raises(TypeError):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.get().reason == ""


def test_actions_read_in_vietnamese_once_registered():
    action_register("test.something", "Làm một việc")
    assert action_label("test.something") == "Làm một việc"
    assert action_label("test.unknown") == "test.unknown"
