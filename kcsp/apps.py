"""App configs: the partnership core, and the admin site restricted to the admin role."""

from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig


class KcspConfig(AppConfig):
    name = "kcsp"
    verbose_name = "Partnership"

    def ready(self):
        from django.db.models.signals import post_migrate

        from . import pagecache, permissions, roles  # noqa: F401  (permissions registers the rules)

        pagecache.connect_signals()

        post_migrate.connect(roles.sync_role_groups, sender=self)


class PartnershipAdminConfig(AdminConfig):
    default_site = "kcsp.admin_site.PartnershipAdminSite"
