"""The admin manages memberships, campaigns and levels; units are changed on the
directory's pages (which write the administration log), cases and their log are read-only
there (state changes go through the workflow service only)."""

from django.urls import reverse

from tests.factories import BEFORE_DEADLINE
from workflow.models import TransitionLog
from workflow.services import transition_apply


def test_admin_edits_campaigns_and_leaves_units_to_the_directory_pages(admin_client, world):
    for name in ("units_unit", "units_membership", "models_registry_campaign"):
        assert admin_client.get(reverse(f"admin:{name}_changelist")).status_code == 200
    response = admin_client.get(
        reverse("admin:models_registry_campaign_change", args=[world.campaign.pk])
    )
    assert "Cấp huyện, thành phố" in response.content.decode()
    response = admin_client.post(
        reverse("admin:units_unit_add"),
        {
            "name": "Hội Nông dân phường Đông Ngàn",
            "kind": "ward_body",
            "parent": world.ward_a.pk,
            "memberships-TOTAL_FORMS": 0,
            "memberships-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 403
    assert not world.ward_a.children.filter(name="Hội Nông dân phường Đông Ngàn").exists()
    response = admin_client.post(
        reverse("units:create"),
        {"name": "Hội Nông dân phường Đông Ngàn", "kind": "ward_body", "parent": world.ward_a.pk},
    )
    assert response.status_code == 302
    assert world.ward_a.children.filter(name="Hội Nông dân phường Đông Ngàn").exists()


def test_cases_and_the_log_are_read_only_in_admin(admin_client, world, draft):
    transition_apply(case=draft, name="submit", actor=world.officer_a, today=BEFORE_DEADLINE)
    log = TransitionLog.objects.get(case=draft)
    change = reverse("admin:models_registry_initiative_change", args=[draft.pk])
    page = admin_client.get(change)
    assert page.status_code == 200
    assert 'name="state"' not in page.content.decode()
    assert admin_client.post(change, {"name": "Sửa trong admin"}).status_code == 403
    assert admin_client.get(reverse("admin:models_registry_initiative_add")).status_code == 403
    log_change = reverse("admin:workflow_transitionlog_change", args=[log.pk])
    assert admin_client.post(log_change, {"reason": "sửa"}).status_code == 403
    delete = reverse("admin:workflow_transitionlog_delete", args=[log.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    draft.refresh_from_db()
    assert draft.name != "Sửa trong admin"
    assert draft.state == "registered"
    assert TransitionLog.objects.filter(pk=log.pk, reason="").exists()
