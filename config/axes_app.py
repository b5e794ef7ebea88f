"""django-axes under a Vietnamese name in the Django admin (its own app name is "Axes");
its models' and fields' names are translated in config/locale."""

from axes.apps import AppConfig


class AxesConfig(AppConfig):
    verbose_name = "Đăng nhập sai và bị chặn"
