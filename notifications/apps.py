from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Thông báo"

    def ready(self) -> None:
        from . import deadlines, receivers  # noqa: F401  (registers receivers and sweep rules)
