"""App config for the read-only JSON API, API tokens and private calendar feeds."""

from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "API and feeds"
