from django.apps import AppConfig


class AuthzConfig(AppConfig):
    name = "authz"
    verbose_name = "Access rules"

    def ready(self):
        from . import signals  # noqa: F401  (rules re-applied on change; new users become readers)
