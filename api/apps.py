"""App config for the read-only JSON API, API tokens and private calendar feeds."""

from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "API and feeds"

    def ready(self):
        from . import (
            authentication,  # noqa: F401  (the Bearer scheme, for the generated OpenAPI document)
            tombstones,  # noqa: F401  (its receivers: a DeletedObject for every row the API showed)
        )
