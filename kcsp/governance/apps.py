"""The information-governance app: label "governance", inside the partnership core."""

from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "kcsp.governance"
    label = "governance"
    verbose_name = "Information governance"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_migrate
        from django.utils.module_loading import autodiscover_modules

        from . import permissions  # noqa: F401  (registers the rules)

        autodiscover_modules("retention")  # each app's record types (kcsp/governance/record_types.py)
        from .defaults import retention_rules_create_missing

        post_migrate.connect(retention_rules_create_missing, sender=self, dispatch_uid="governance_rules")
