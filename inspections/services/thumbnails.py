"""Thumbnails of visit photos, made by the worker, never in the request that uploaded
them: the request only reads each image's header (its size, within the pixel budget);
decoding the pixels costs memory and time that belong to a worker under its time limit.

After the visit's transaction commits, ``thumbnails_publish`` hands the new photos' ids
to the ``inspections.thumbnail_make`` task; ``inspections.thumbnails_missing`` (beat)
makes any whose message was lost. Until then the pages link the photo by its name."""

import logging

from django.core.files.base import ContentFile
from django.utils import timezone

from ..models import AttachmentKind, VisitAttachment
from ..uploads import thumbnail_of

logger = logging.getLogger(__name__)

MISSING_GRACE_SECONDS = 60
MISSING_BATCH = 100


def thumbnails_publish(*, ids: list[int]) -> int:
    """Queue one task per photo; never raises (a broker outage leaves the photos to the
    periodic ``thumbnails_missing``). Returns how many were queued."""
    from ..tasks import thumbnail_make_task

    queued = 0
    for pk in ids:
        try:
            thumbnail_make_task.apply_async((pk,), retry=False)
        except Exception as exc:  # the broker is down: the beat's sweep makes them later
            logger.warning("Thumbnails left for the sweep (%d): %s", len(ids) - queued, exc)
            break
        queued += 1
    return queued


def attachment_thumbnail_make(*, attachment_id: int) -> bool:
    """Make the photo's thumbnail if it has none. Safe to run twice (the row is set only
    while it has no thumbnail; a loser's file is deleted). Returns whether it made one."""
    attachment = (
        VisitAttachment.objects.filter(pk=attachment_id, kind=AttachmentKind.IMAGE, thumbnail="")
        .only("pk", "file", "thumbnail")
        .first()
    )
    if attachment is None:
        return False
    with attachment.file.open("rb") as handle:
        content = thumbnail_of(handle)
    if content is None:
        logger.warning("Visit photo %s could not be decoded: no thumbnail", attachment_id)
        return False
    storage = attachment.thumbnail.storage
    name = storage.save(
        attachment.thumbnail.field.generate_filename(attachment, "thumb.jpg"),
        ContentFile(content),
    )
    won = VisitAttachment.objects.filter(pk=attachment_id, thumbnail="").update(thumbnail=name)
    if not won:
        storage.delete(name)
    return bool(won)


def thumbnails_missing() -> int:
    """Make the thumbnails still missing a minute after their photos came in."""
    before = timezone.now() - timezone.timedelta(seconds=MISSING_GRACE_SECONDS)
    ids = list(
        VisitAttachment.objects.filter(
            kind=AttachmentKind.IMAGE, thumbnail="", uploaded_at__lt=before
        ).values_list("pk", flat=True)[:MISSING_BATCH]
    )
    return sum(attachment_thumbnail_make(attachment_id=pk) for pk in ids)
