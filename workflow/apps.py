from django.apps import AppConfig


class WorkflowConfig(AppConfig):
    name = "workflow"
    verbose_name = "Quy trình hồ sơ"

    def ready(self) -> None:
        from . import guards, receivers  # noqa: F401  (receivers: rounds voided on reinspection)
        from .services import committees

        # A recognition, rejection or upgrade needs a round the chair closed: the
        # engine's own evidence, registered here like any app's.
        guards.register("recognize", committees.recognize_guard)
        guards.register("reject", committees.reject_guard)
        guards.register("upgrade", committees.upgrade_guard)
