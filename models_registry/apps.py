from django.apps import AppConfig


class ModelsRegistryConfig(AppConfig):
    name = "models_registry"
    verbose_name = "Mô hình, điển hình Dân vận khéo"

    def ready(self) -> None:
        from . import deadlines  # noqa: F401  (registers its rule with the daily sweep)
