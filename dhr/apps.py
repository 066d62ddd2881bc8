"""App config for Domestic Homicide Reviews."""

from django.apps import AppConfig


class DhrConfig(AppConfig):
    name = "dhr"
    verbose_name = "Domestic Homicide Reviews"

    def ready(self):
        from . import checks, permissions  # noqa: F401  (registers the rules and the system checks)
