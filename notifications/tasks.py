"""Delivery tasks. They pass ids and call services; the outbox row is the truth.

Acknowledgement: tasks are acknowledged early (Celery's default), on purpose. A message
lost with a dying worker costs nothing: its row is still pending (or in SENDING, which
the flush takes back after the lease) and the periodic flush publishes it again. Late
acks would add nothing but a second redelivery path with Redis's visibility timeout.
"""

from celery import shared_task

from .services import notification_deliver, notifications_flush


@shared_task(bind=True, name="notifications.deliver", max_retries=None)
def notification_deliver_task(self, notification_id: int) -> str:
    result = notification_deliver(notification_id=notification_id)
    if result.retry_in is not None:
        # The row is back to pending with due_at set; if this retry message is lost
        # (broker down), the flush picks the row up when it is due.
        raise self.retry(countdown=result.retry_in)
    return result.outcome


@shared_task(name="notifications.flush")
def notifications_flush_task() -> int:
    return notifications_flush()
