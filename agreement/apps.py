"""App config for Community Safety Agreement."""

from django.apps import AppConfig


class AgreementConfig(AppConfig):
    name = "agreement"
    verbose_name = "Community Safety Agreement"
