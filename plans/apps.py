from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "plans"
    verbose_name = "Kế hoạch năm"

    def ready(self) -> None:
        from audit.services import action_register

        for action, label in ACTIONS.items():
            action_register(action, label)


# The administration log's names for what this app (and the registry's extension
# services it drives) changes.
ACTIONS = {
    "campaign.create": "Tạo kế hoạch năm",
    "campaign.update": "Sửa kế hoạch năm",
    "campaign.levels": "Sửa cấp công nhận của kế hoạch",
    "campaign.open": "Mở kế hoạch",
    "campaign.close": "Đóng kế hoạch",
    "extension.grant": "Gia hạn đăng ký",
    "extension.revoke": "Thu hồi gia hạn đăng ký",
    # The scoring sheet is part of the plan; its services live in ``inspections``.
    "criterion.create": "Thêm tiêu chí chấm điểm",
    "criterion.update": "Sửa tiêu chí chấm điểm",
    "criterion.delete": "Xóa tiêu chí chấm điểm",
}
