from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "dashboards"
    verbose_name = "Tổng quan và báo cáo"

    def ready(self) -> None:
        from units.signals import unit_moved

        from .tally import tally_rebuild

        def recount(sender, **kwargs) -> None:
            # A unit moved with its subtree: the counts per subtree are recounted.
            tally_rebuild()

        unit_moved.connect(
            recount, dispatch_uid="dashboards.tally_rebuild_on_unit_move", weak=False
        )
