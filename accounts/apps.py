from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Tài khoản"

    def ready(self) -> None:
        from audit.services import action_register

        from .services.accounts import ACTIONS

        for action, label in ACTIONS.items():
            action_register(action, label)
