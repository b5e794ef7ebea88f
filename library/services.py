"""Every write of the library: publishing and withdrawing a recognised model (the
secretariat), the photos a unit lets be shown, the public switch, and replicating a
published model into a new draft (a unit officer). Each service checks who acts,
refuses with a Vietnamese message (the constants below) and writes its administration
log row in its own transaction."""

from django.db import transaction
from django.utils import timezone

from audit import services as audit
from models_registry.models import Initiative, ProgressAttachment
from models_registry.selectors import carry_over_target
from models_registry.services.carry_over import fields_in_campaign
from models_registry.services.initiatives import initiative_create
from units.access import is_secretariat, units_for_officer
from units.models import Unit
from workflow.errors import WorkflowError
from workflow.lifecycle import Role, State

from .models import IMAGE_TYPES, LibrarySettings, Publication, PublishedPhoto

ONLY_SECRETARIAT = "Chỉ Ban Dân vận được đưa mô hình vào thư viện hoặc gỡ khỏi thư viện."
ONLY_SECRETARIAT_PUBLIC = "Chỉ Ban Dân vận được bật hoặc tắt chế độ công khai của thư viện."
NOT_RECOGNISED = (
    "Chỉ mô hình đã được công nhận mới được đưa vào thư viện; "
    "hồ sơ này đang ở trạng thái “{state}”."
)
ALREADY_PUBLISHED = "Mô hình đã có trong thư viện."
NOT_PUBLISHED = "Mô hình không có trong thư viện (chưa công bố hoặc đã gỡ)."
WITHDRAW_REASON_REQUIRED = "Vui lòng ghi rõ lý do gỡ mô hình khỏi thư viện."
PHOTO_NOT_OFFICER = "Chỉ cán bộ của đơn vị đăng ký mới được chọn ảnh công bố của mô hình."
PHOTO_NOT_IMAGE = "Chỉ chọn được ảnh (JPG, PNG); tệp “{name}” không phải là ảnh."
PHOTO_ALREADY = "Ảnh “{name}” đã được chọn để công bố."
PHOTO_NOT_CHOSEN = "Ảnh “{name}” chưa được chọn để công bố."
REPLICATE_NOT_OFFICER = "Chỉ cán bộ đơn vị mới nhân rộng được mô hình cho đơn vị mình."
REPLICATE_NOT_YOUR_UNIT = "Bạn chỉ nhân rộng được mô hình cho đơn vị mình và các đơn vị trực thuộc."
REPLICATE_OWN_UNIT = "Mô hình này do chính đơn vị “{unit}” xây dựng; không cần nhân rộng."
REPLICATE_NO_CAMPAIGN = "Chưa có kế hoạch năm nào đang mở để đăng ký mô hình nhân rộng."
REPLICATE_ALREADY = (
    "Đơn vị “{unit}” đã nhân rộng mô hình này trong kế hoạch năm {year} (hồ sơ “{name}”)."
)


def library_settings() -> LibrarySettings:
    """The library's settings row (unsaved defaults until the secretariat first sets it)."""
    return LibrarySettings.objects.filter(pk=1).first() or LibrarySettings(pk=1)


def library_public_set(*, actor, public: bool) -> LibrarySettings:
    """Open the library to the public without signing in, or close it again.

    Guarantees: only the secretariat; one log row when the value changes, none when it
    does not."""
    if not is_secretariat(actor):
        raise WorkflowError(ONLY_SECRETARIAT_PUBLIC)
    with transaction.atomic():
        current, _ = LibrarySettings.objects.select_for_update().get_or_create(pk=1)
        if current.public == public:
            return current
        before = audit.snapshot(current, ("public",))
        current.public = public
        current.changed_by = actor
        current.changed_at = timezone.now()
        current.save()
        audit.record(
            actor=actor,
            action="library.public",
            target=current,
            before=before,
            after=audit.snapshot(current, ("public",)),
        )
    return current


def publication_publish(*, actor, initiative: Initiative) -> Publication:
    """Show ``initiative`` in the library from now on.

    Guarantees: only the secretariat; only a recognised case (the state is read under a
    lock, so a case cannot be published while it moves); not twice; one log row."""
    if not is_secretariat(actor):
        raise WorkflowError(ONLY_SECRETARIAT)
    with transaction.atomic():
        locked = Initiative.objects.select_for_update().get(pk=initiative.pk)
        if locked.state != State.RECOGNIZED:
            raise WorkflowError(NOT_RECOGNISED.format(state=locked.get_state_display()))
        publication = Publication.objects.select_for_update().filter(initiative=locked).first()
        if publication is not None and publication.is_live:
            raise WorkflowError(ALREADY_PUBLISHED)
        now = timezone.now()
        if publication is None:
            publication = Publication(initiative=locked)
        publication.published_by = actor
        publication.published_at = now
        publication.withdrawn_by = None
        publication.withdrawn_at = None
        publication.withdraw_reason = ""
        publication.save()
        audit.record(
            actor=actor,
            action="library.publish",
            target=publication,
            after={"initiative": locked.name, "published_at": now},
        )
    return publication


def publication_withdraw(*, actor, initiative: Initiative, reason: str) -> Publication:
    """Take ``initiative`` out of the library now; its page, photos and search entry go
    with it. Guarantees: only the secretariat; a reason; only a live publication; one
    log row."""
    if not is_secretariat(actor):
        raise WorkflowError(ONLY_SECRETARIAT)
    if not reason.strip():
        raise WorkflowError(WITHDRAW_REASON_REQUIRED)
    with transaction.atomic():
        publication = Publication.objects.select_for_update().filter(initiative=initiative).first()
        if publication is None or not publication.is_live:
            raise WorkflowError(NOT_PUBLISHED)
        publication.withdrawn_by = actor
        publication.withdrawn_at = timezone.now()
        publication.withdraw_reason = reason.strip()
        publication.save(update_fields=["withdrawn_by", "withdrawn_at", "withdraw_reason"])
        audit.record(
            actor=actor,
            action="library.withdraw",
            target=publication,
            before={"published_at": publication.published_at},
            after={"withdrawn_at": publication.withdrawn_at},
            reason=publication.withdraw_reason,
        )
    return publication


def _photo_check(actor, attachment: ProgressAttachment) -> Initiative:
    initiative = attachment.report.initiative
    if Role.UNIT_OFFICER not in initiative.roles_of(actor):
        raise WorkflowError(PHOTO_NOT_OFFICER)
    if attachment.content_type not in IMAGE_TYPES:
        raise WorkflowError(PHOTO_NOT_IMAGE.format(name=attachment.original_name))
    return initiative


def photo_release(*, actor, attachment: ProgressAttachment) -> PublishedPhoto:
    """Let the library show ``attachment`` (a photo of one of the case's progress
    reports) while the case is published. Guarantees: only an officer of the case's
    unit; only an image; once; one log row."""
    initiative = _photo_check(actor, attachment)
    with transaction.atomic():
        if PublishedPhoto.objects.filter(attachment=attachment).exists():
            raise WorkflowError(PHOTO_ALREADY.format(name=attachment.original_name))
        photo = PublishedPhoto.objects.create(
            attachment=attachment, initiative=initiative, chosen_by=actor
        )
        audit.record(
            actor=actor,
            action="library.photo_release",
            target=photo,
            after={"initiative": initiative.name, "photo": attachment.original_name},
        )
    return photo


def photo_unrelease(*, actor, attachment: ProgressAttachment) -> None:
    """Stop showing ``attachment`` in the library. Same guarantees as ``photo_release``."""
    initiative = _photo_check(actor, attachment)
    with transaction.atomic():
        photo = PublishedPhoto.objects.select_for_update().filter(attachment=attachment).first()
        if photo is None:
            raise WorkflowError(PHOTO_NOT_CHOSEN.format(name=attachment.original_name))
        audit.record(
            actor=actor,
            action="library.photo_unrelease",
            target=photo,
            before={"initiative": initiative.name, "photo": attachment.original_name},
        )
        photo.delete()


def initiative_replicate(*, actor, source: Initiative, unit: Unit) -> Initiative:
    """A new draft of ``unit`` in the open campaign, based on the published model
    ``source`` ("nhân rộng").

    Guarantees: ``source`` is in the library (live publication, recognised); ``actor``
    is an officer of ``unit`` (or of a unit above it); ``unit`` is not the source's
    own; one replication of a model per unit and campaign. The draft is written by
    ``initiative_create`` (its own checks: the campaign open, the name unique in the
    unit) with the name, goals, fields and subject copied, the dates moved on to the
    campaign's year, the target level of the same rank, and ``based_on`` kept."""
    if not units_for_officer(actor).exists():
        raise WorkflowError(REPLICATE_NOT_OFFICER)
    if not units_for_officer(actor).filter(pk=unit.pk).exists():
        raise WorkflowError(REPLICATE_NOT_YOUR_UNIT)
    campaign = carry_over_target()
    if campaign is None:
        raise WorkflowError(REPLICATE_NO_CAMPAIGN)
    with transaction.atomic():
        locked = (
            Initiative.objects.select_for_update(of=("self",))
            .select_related("campaign", "unit", "target_level")
            .get(pk=source.pk)
        )
        live = Publication.objects.filter(initiative=locked, withdrawn_at__isnull=True).exists()
        if locked.state != State.RECOGNIZED or not live:
            raise WorkflowError(NOT_PUBLISHED)
        if locked.unit_id == unit.pk:
            raise WorkflowError(REPLICATE_OWN_UNIT.format(unit=unit.name))
        existing = (
            Initiative.objects.filter(based_on=locked, unit=unit, campaign=campaign)
            .exclude(state=State.WITHDRAWN)
            .only("name")
            .first()
        )
        if existing is not None:
            raise WorkflowError(
                REPLICATE_ALREADY.format(unit=unit.name, year=campaign.year, name=existing.name)
            )
        return initiative_create(
            actor=actor,
            campaign=campaign,
            unit=unit,
            based_on=locked,
            **fields_in_campaign(locked, campaign),
        )
