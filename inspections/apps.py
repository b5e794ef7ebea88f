from django.apps import AppConfig


class InspectionsConfig(AppConfig):
    name = "inspections"
    verbose_name = "Kiểm tra thực tế"

    def ready(self) -> None:
        from functools import partial

        from models_registry.conditions import Attention, attention_register
        from models_registry.panels import case_panel_register
        from models_registry.timeline import timeline_source_register
        from units import access
        from workflow import guards as workflow_guards
        from workflow.lifecycle import Role

        # Imported for what they register: sweep rules and receivers.
        from . import deadlines, guards, receivers, selectors  # noqa: F401

        workflow_guards.register("record_inspection", guards.record_inspection_guard)
        workflow_guards.register("request_reinspection", guards.request_reinspection_guard)
        case_panel_register("inspections/_case_panel.html", order=10)
        from .timeline import inspection_timeline

        timeline_source_register("inspections", inspection_timeline)
        attention_register(Attention.VISIT_UPCOMING, partial(selectors.visit_booked, upcoming=True))
        attention_register(Attention.VISIT_MISSED, partial(selectors.visit_booked, upcoming=False))
        # An inspector reaches the cases of the inspections they are on the team of.
        access.case_rule_register(
            Role.INSPECTOR, scope=selectors.inspector_case_scope, holds=selectors.inspector_holds
        )
