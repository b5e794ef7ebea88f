from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Báo cáo của đơn vị"

    def ready(self) -> None:
        from audit.services import action_register

        from . import deadlines  # noqa: F401  (registers the sweep's rules)

        for action, label in ACTIONS.items():
            action_register(action, label)


# The administration log's names for what this app changes.
ACTIONS = {
    "report_request.open": "Mở yêu cầu báo cáo",
    "report_answer.save": "Lưu nháp báo cáo của đơn vị",
    "report_answer.send": "Đơn vị gửi báo cáo",
    "report_answer.accept": "Tiếp nhận báo cáo của đơn vị",
    "report_answer.return": "Trả lại báo cáo của đơn vị",
}
