from django.apps import AppConfig


class UnitsConfig(AppConfig):
    name = "units"
    verbose_name = "Đơn vị và phân quyền"

    def ready(self) -> None:
        from audit.services import action_register

        for action, label in (
            ("unit.create", "Thêm đơn vị"),
            ("unit.update", "Sửa thông tin đơn vị"),
            ("unit.rename", "Đổi tên đơn vị"),
            ("unit.move", "Chuyển đơn vị sang đơn vị cấp trên khác"),
            ("unit.close", "Đóng đơn vị"),
            ("unit.merge", "Sáp nhập đơn vị"),
            ("unit.import", "Nạp danh mục đơn vị từ tệp"),
        ):
            action_register(action, label)

        from django.contrib.auth.signals import user_logged_in

        from .sessions import on_user_logged_in

        user_logged_in.connect(on_user_logged_in, dispatch_uid="units.session_stamp")
