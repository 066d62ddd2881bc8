"""Shared pieces of the meetings views."""

from rules.contrib.views import PermissionRequiredMixin

from kcsp.pages import ConfirmActionView, FormPageMixin

__all__ = ["ConfirmActionView", "FormPageMixin", "OfficerMixin"]


class OfficerMixin(PermissionRequiredMixin):
    permission_required = "meetings.manage"
