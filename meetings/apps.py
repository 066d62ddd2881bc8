"""App config for Meetings."""

from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = "Meetings"

    def ready(self):
        from . import agenda_setup, permissions  # noqa: F401  (permissions registers the rules)

        agenda_setup.connect_signals()
