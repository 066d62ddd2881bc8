"""App config for Crime Reduction Grant."""

from django.apps import AppConfig


class GrantsConfig(AppConfig):
    name = "grants"
    verbose_name = "Crime Reduction Grant"

    def ready(self):
        from . import permissions  # noqa: F401  (registers the rules)
