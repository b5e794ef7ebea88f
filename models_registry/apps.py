from django.apps import AppConfig


class ModelsRegistryConfig(AppConfig):
    name = "models_registry"
    verbose_name = "Mô hình, điển hình Dân vận khéo"

    def ready(self) -> None:
        from audit.services import action_register
        from units.signals import unit_merged

        from . import deadlines  # noqa: F401  (registers its rule with the daily sweep)
        from .unit_merge import cases_follow_successor

        # A merged unit's cases follow its successor (units.services.unit_merge).
        unit_merged.connect(
            cases_follow_successor, dispatch_uid="models_registry.cases_follow_successor"
        )
        # A unit's draft deleted before it was ever sent (initiative_discard).
        action_register("initiative.discard", "Xoá bản nháp chưa gửi")
