"""The library's services: only recognised cases are published, by the secretariat, and
can be withdrawn; a unit chooses its photos; the public switch; replication through the
registry's own create service. Each write leaves its administration log row."""

import pytest

from audit.models import AuditEntry
from library import services
from library.models import Publication, PublishedPhoto
from library.selectors import library_models, replications_by_year
from models_registry.models import Initiative, ProgressAttachment
from models_registry.services.initiatives import initiative_discard
from tests.factories import make_draft
from tests.library.helpers import (
    decide,
    inspect,
    make_published,
    make_recognised,
    make_running_with_photo,
    submit,
)
from workflow.errors import WorkflowError
from workflow.lifecycle import State
from workflow.services import transition_apply


def refused(match: str, call, **kwargs) -> None:
    with pytest.raises(WorkflowError) as caught:
        call(**kwargs)
    assert any(match in m for m in caught.value.messages), caught.value.messages


def not_recognised_cases(world) -> dict:
    registered = submit(world, make_draft(world, name="Mô hình đã đăng ký"))
    running = make_running_with_photo(world, name="Mô hình đang triển khai")
    (inspected,) = inspect(world, [make_running_with_photo(world, name="Mô hình đã kiểm tra")])
    (rejected,) = decide(
        world,
        inspect(world, [make_running_with_photo(world, name="Mô hình không được công nhận")]),
        in_favour=False,
    )
    withdrawn = submit(world, make_draft(world, name="Mô hình đã rút"))
    transition_apply(case=withdrawn, name="withdraw", actor=world.officer_a, reason="Thôi.")
    return {
        State.DRAFT: make_draft(world, name="Bản nháp"),
        State.REGISTERED: registered,
        State.IN_PROGRESS: running,
        State.INSPECTED: inspected,
        State.NOT_RECOGNIZED: rejected,
        State.WITHDRAWN: withdrawn,
    }


class TestPublishing:
    def test_only_a_recognised_case_is_published_and_others_are_refused_with_their_state(
        self, world
    ):
        for state, case in not_recognised_cases(world).items():
            assert case.state == state
            refused(
                "Chỉ mô hình đã được công nhận",
                services.publication_publish,
                actor=world.secretariat,
                initiative=case,
            )
        assert not Publication.objects.exists()
        assert not AuditEntry.objects.filter(action="library.publish").exists()

    def test_the_secretariat_publishes_once_and_the_log_says_who(self, world):
        (case,) = make_recognised(world, ["Dân vận khéo trong hiến đất mở đường"])
        publication = services.publication_publish(actor=world.secretariat, initiative=case)

        assert publication.is_live and publication.published_by == world.secretariat
        assert list(library_models()) == [case]
        entry = AuditEntry.objects.get(action="library.publish")
        assert (entry.actor, entry.target_id) == (world.secretariat, str(publication.pk))
        refused(
            services.ALREADY_PUBLISHED,
            services.publication_publish,
            actor=world.secretariat,
            initiative=case,
        )

    @pytest.mark.parametrize("who", ["officer_a", "inspector", "chair", "viewer", "outsider"])
    def test_no_one_but_the_secretariat_publishes_or_withdraws(self, world, who):
        (case,) = make_recognised(world, ["Mô hình được công nhận"])
        actor = getattr(world, who)
        refused(
            services.ONLY_SECRETARIAT, services.publication_publish, actor=actor, initiative=case
        )
        services.publication_publish(actor=world.secretariat, initiative=case)
        refused(
            services.ONLY_SECRETARIAT,
            services.publication_withdraw,
            actor=actor,
            initiative=case,
            reason="Gỡ.",
        )

    def test_withdrawing_needs_a_reason_removes_the_model_and_can_be_undone(self, world):
        (case,) = make_published(world, ["Mô hình được công nhận"])
        refused(
            services.WITHDRAW_REASON_REQUIRED,
            services.publication_withdraw,
            actor=world.secretariat,
            initiative=case,
            reason="  ",
        )
        services.publication_withdraw(
            actor=world.secretariat, initiative=case, reason="Đơn vị đề nghị chỉnh sửa."
        )
        assert not library_models().exists()
        entry = AuditEntry.objects.get(action="library.withdraw")
        assert entry.reason == "Đơn vị đề nghị chỉnh sửa."
        refused(
            services.NOT_PUBLISHED,
            services.publication_withdraw,
            actor=world.secretariat,
            initiative=case,
            reason="Lần nữa.",
        )

        services.publication_publish(actor=world.secretariat, initiative=case)
        assert list(library_models()) == [case]
        assert Publication.objects.count() == 1
        assert AuditEntry.objects.filter(action="library.publish").count() == 2


class TestPhotos:
    def test_the_units_officer_chooses_an_image_and_not_a_pdf(self, world):
        (case,) = make_recognised(world, ["Mô hình có ảnh"])
        image = ProgressAttachment.objects.get(report__initiative=case, content_type="image/png")
        pdf = ProgressAttachment.objects.get(
            report__initiative=case, content_type="application/pdf"
        )
        for actor in (world.officer_b, world.secretariat, world.inspector):
            refused(
                services.PHOTO_NOT_OFFICER, services.photo_release, actor=actor, attachment=image
            )
        refused("không phải là ảnh", services.photo_release, actor=world.officer_a, attachment=pdf)

        services.photo_release(actor=world.officer_a, attachment=image)
        assert PublishedPhoto.objects.get().initiative == case
        refused("đã được chọn", services.photo_release, actor=world.officer_a, attachment=image)
        services.photo_unrelease(actor=world.officer_a, attachment=image)
        assert not PublishedPhoto.objects.exists()
        assert [e.action for e in AuditEntry.objects.order_by("id")] == [
            "library.photo_release",
            "library.photo_unrelease",
        ]


class TestPublicSwitch:
    def test_off_by_default_only_the_secretariat_turns_it_and_each_change_is_logged(self, world):
        assert services.library_settings().public is False
        for actor in (world.officer_a, world.viewer, world.chair):
            refused(
                services.ONLY_SECRETARIAT_PUBLIC,
                services.library_public_set,
                actor=actor,
                public=True,
            )
        services.library_public_set(actor=world.secretariat, public=True)
        services.library_public_set(actor=world.secretariat, public=True)  # no change
        services.library_public_set(actor=world.secretariat, public=False)
        entries = AuditEntry.objects.filter(action="library.public").order_by("id")
        assert [(e.before, e.after) for e in entries] == [
            ({"public": False}, {"public": True}),
            ({"public": True}, {"public": False}),
        ]
        assert services.library_settings().public is False


class TestReplication:
    def test_a_second_wards_officer_starts_a_draft_based_on_the_model(self, world):
        (model,) = make_published(world, ["Dân vận khéo trong hiến đất mở đường"])
        draft = services.initiative_replicate(
            actor=world.officer_b, source=model, unit=world.ward_b
        )

        draft.refresh_from_db()
        assert (draft.state, draft.unit, draft.based_on, draft.created_by) == (
            State.DRAFT,
            world.ward_b,
            model,
            world.officer_b,
        )
        copied = ("name", "goals", "subject", "start_date", "end_date", "target_level")
        assert [getattr(draft, f) for f in copied] == [getattr(model, f) for f in copied]
        assert draft.fields == model.fields
        assert draft.continues_from is None
        assert library_models().get().replication_count == 1
        assert replications_by_year() == [(2023, 1)]

    def test_replication_is_refused_for_the_own_unit_twice_or_by_a_non_officer(self, world):
        (model,) = make_published(world, ["Mô hình được công nhận"])
        refused(
            "do chính đơn vị",
            services.initiative_replicate,
            actor=world.officer_a,
            source=model,
            unit=world.ward_a,
        )
        refused(
            services.REPLICATE_NOT_YOUR_UNIT,
            services.initiative_replicate,
            actor=world.officer_b,
            source=model,
            unit=world.ward_a_sub,
        )
        for actor in (world.secretariat, world.viewer, world.inspector):
            refused(
                services.REPLICATE_NOT_OFFICER,
                services.initiative_replicate,
                actor=actor,
                source=model,
                unit=world.ward_b,
            )
        services.initiative_replicate(actor=world.officer_b, source=model, unit=world.ward_b)
        refused(
            "đã nhân rộng mô hình này",
            services.initiative_replicate,
            actor=world.officer_b,
            source=model,
            unit=world.ward_b,
        )
        # A sub-unit of the same ward may replicate it too: two units now.
        services.initiative_replicate(actor=world.officer_b, source=model, unit=world.ward_b_sub)
        assert library_models().get().replication_count == 2

    def test_an_unpublished_or_withdrawn_model_cannot_be_replicated(self, world):
        (recognised,) = make_recognised(world, ["Mô hình chưa công bố"])
        refused(
            services.NOT_PUBLISHED,
            services.initiative_replicate,
            actor=world.officer_b,
            source=recognised,
            unit=world.ward_b,
        )
        services.publication_publish(actor=world.secretariat, initiative=recognised)
        services.publication_withdraw(
            actor=world.secretariat, initiative=recognised, reason="Tạm gỡ."
        )
        refused(
            services.NOT_PUBLISHED,
            services.initiative_replicate,
            actor=world.officer_b,
            source=recognised,
            unit=world.ward_b,
        )
        assert not Initiative.objects.filter(based_on__isnull=False).exists()

    def test_a_withdrawn_replication_no_longer_counts(self, world):
        (model,) = make_published(world, ["Mô hình được công nhận"])
        draft = services.initiative_replicate(
            actor=world.officer_b, source=model, unit=world.ward_b
        )
        submit(world, draft)
        transition_apply(case=draft, name="withdraw", actor=world.officer_b, reason="Chưa phù hợp.")
        assert library_models().get().replication_count == 0
        assert replications_by_year() == []

    def test_a_discarded_replication_no_longer_counts(self, world):
        (model,) = make_published(world, ["Mô hình được công nhận"])
        draft = services.initiative_replicate(
            actor=world.officer_b, source=model, unit=world.ward_b
        )
        assert library_models().get().replication_count == 1
        initiative_discard(actor=world.officer_b, initiative=draft)
        assert library_models().get().replication_count == 0
        assert replications_by_year() == []
