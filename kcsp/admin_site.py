"""The Django admin, open to the admin role only and after a one-time code; everyone else is refused."""

from functools import update_wrapper

from django.conf import settings
from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse

from .roles import ADMIN, has_role, is_verified
from .twofactor import verification_url


class PartnershipAdminSite(admin.AdminSite):
    site_header = "Kent Community Safety Partnership administration"
    site_title = "KCSP administration"
    index_title = "Reference data"
    enable_nav_sidebar = False

    def has_permission(self, request):
        return has_role(request.user, ADMIN) and is_verified(request.user)

    def admin_view(self, view, cacheable=False):
        """Refuse before Django's admin would offer its own login form."""
        inner = super().admin_view(view, cacheable)

        def guarded(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
            if has_role(request.user, ADMIN) and not is_verified(request.user):
                return redirect(verification_url(request.user, request.get_full_path()))
            if not self.has_permission(request):
                raise PermissionDenied
            return inner(request, *args, **kwargs)

        return update_wrapper(guarded, inner)

    def login(self, request, extra_context=None):
        """Sign-in happens on the site's own page; a signed-in non-admin is simply refused."""
        if request.user.is_authenticated:
            if self.has_permission(request):
                return redirect("admin:index")
            if has_role(request.user, ADMIN):
                return redirect(verification_url(request.user, reverse("admin:index")))
            raise PermissionDenied
        next_url = request.GET.get("next") or request.path
        return redirect_to_login(next_url, settings.LOGIN_URL)
