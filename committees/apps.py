from django.apps import AppConfig


class CommitteesConfig(AppConfig):
    name = "committees"
    verbose_name = "Hội đồng xét công nhận"

    def ready(self) -> None:
        from models_registry.conditions import Attention, attention_register
        from models_registry.panels import case_panel_register
        from units import access
        from workflow import guards as workflow_guards
        from workflow.lifecycle import Role

        from . import case_selectors, selectors, services

        # A recognition, rejection or upgrade needs a round the chair closed: the
        # committee's evidence, registered with the engine like any app's.
        workflow_guards.register("recognize", services.recognize_guard)
        workflow_guards.register("reject", services.reject_guard)
        workflow_guards.register("upgrade", services.upgrade_guard)
        attention_register(Attention.VOTE_AWAITED, case_selectors.vote_awaited)
        case_panel_register("committees/_case_panel.html", order=20)
        from models_registry.timeline import timeline_source_register

        from .timeline import committee_timeline

        timeline_source_register("committees", committee_timeline)
        # A committee member reaches the cases of the committees they sit on now.
        access.case_rule_register(
            Role.COMMITTEE, scope=selectors.committee_case_scope, holds=selectors.committee_holds
        )
        # Imported for what they register: rounds voided on reinspection (receivers), the
        # positive-verdict guard for "recognize" (guards), the committee's notices and
        # their sweep rules (notices), the changes of composition that come into force
        # on their date (composition).
        from audit.services import action_register
        from units.signals import unit_merged

        from . import composition, guards, notices, receivers  # noqa: F401

        for action, label in (
            ("committee.create", "Lập hội đồng"),
            ("committee.change", "Kiện toàn hội đồng (thay đổi có hiệu lực)"),
            ("committee.change_schedule", "Lên lịch kiện toàn hội đồng"),
            ("committee.change_cancel", "Hủy thay đổi hội đồng chưa có hiệu lực"),
        ):
            action_register(action, label)

        unit_merged.connect(
            receivers.committees_follow_successor,
            dispatch_uid="committees.committees_follow_successor",
        )
