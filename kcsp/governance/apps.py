"""The information-governance app: label "governance", inside the partnership core."""

from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "kcsp.governance"
    label = "governance"
    verbose_name = "Information governance"
    default_auto_field = "django.db.models.BigAutoField"
