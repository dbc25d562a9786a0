from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Access and audit"

    def ready(self):
        from . import signals  # noqa: F401  (sign-in/out and admin actions into the audit log)
