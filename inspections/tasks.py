"""The worker's share of inspections: thumbnails of visit photos (decoding images is
kept out of web requests). Tasks pass ids and call services."""

from celery import shared_task

from .services.thumbnails import attachment_thumbnail_make, thumbnails_missing


@shared_task(name="inspections.thumbnail_make", ignore_result=True)
def thumbnail_make_task(attachment_id: int) -> bool:
    return attachment_thumbnail_make(attachment_id=attachment_id)


@shared_task(name="inspections.thumbnails_missing", ignore_result=True)
def thumbnails_missing_task() -> int:
    return thumbnails_missing()
