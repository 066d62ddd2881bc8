"""App config for the Community Safety Agreement."""

from django.apps import AppConfig


class AgreementConfig(AppConfig):
    name = "agreement"
    verbose_name = "Community Safety Agreement"

    def ready(self):
        from . import permissions  # noqa: F401  (registers the rules)
