from django.apps import AppConfig


class InspectionsConfig(AppConfig):
    name = "inspections"
    verbose_name = "Kiểm tra thực tế"

    def ready(self) -> None:
        from workflow import guards as workflow_guards

        # Imported for what they register: sweep rules, receivers, and (issue 6) the
        # positive-verdict guard for "recognize" and the committee notices.
        from . import (  # noqa: F401
            committee_guards,
            committee_notices,
            deadlines,
            guards,
            receivers,
        )

        workflow_guards.register("record_inspection", guards.record_inspection_guard)
        workflow_guards.register("request_reinspection", guards.request_reinspection_guard)
