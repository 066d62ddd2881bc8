"""App config for Domestic Homicide Reviews."""

from django.apps import AppConfig


class DhrConfig(AppConfig):
    name = "dhr"
    verbose_name = "Domestic Homicide Reviews"
