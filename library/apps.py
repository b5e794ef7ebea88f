from django.apps import AppConfig


class LibraryConfig(AppConfig):
    name = "library"
    verbose_name = "Thư viện mô hình"

    def ready(self) -> None:
        from audit.services import action_register
        from models_registry.panels import case_panel_register

        # After the inspections (10) and the committee (20): publishing follows recognition.
        case_panel_register("library/_case_panel.html", order=30)
        for action, label in (
            ("library.publish", "Đưa mô hình vào thư viện"),
            ("library.withdraw", "Gỡ mô hình khỏi thư viện"),
            ("library.photo_release", "Chọn ảnh được công bố trong thư viện"),
            ("library.photo_unrelease", "Bỏ chọn ảnh công bố trong thư viện"),
            ("library.public", "Đổi chế độ công khai của thư viện"),
        ):
            action_register(action, label)
