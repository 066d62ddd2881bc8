"""Pages of the partnership core: home, accessibility, account and system status (the directory: directory_views)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.db import connection
from django.shortcuts import redirect, render
from django.views.generic import FormView, TemplateView, View
from django_otp import user_has_device

from . import datamap, roles
from .backupcodes import backup_codes_left, signed_in_with_backup_code
from .downloads import Outgoing, Sensitivity, file_send
from .exports import table_csv
from .forms import RenderCheckForm
from .mixins import RolePermissionMixin
from .models import RenderCheck
from .services import render_check_request


class AccessibilityView(TemplateView):
    """The accessibility statement: what is tagged PDF, and the papers of the packs this reader may see that are
    not (meetings/packbuild/untagged.py: recorded by each build, no PDF opened here; one query)."""

    template_name = "kcsp/accessibility.html"

    def get_context_data(self, **kwargs):
        from meetings.packbuild.untagged import TEAM_EMAIL, statement_rows

        return super().get_context_data(
            untagged_packs=statement_rows(self.request.user), team_email=TEAM_EMAIL, **kwargs
        )


class AccountView(RolePermissionMixin, TemplateView):
    permission_required = "kcsp.view_account"
    template_name = "kcsp/account.html"

    def get_context_data(self, **kwargs):
        from django.urls import reverse

        from api.models import ApiToken, CalendarFeed

        user = self.request.user
        held = roles.role_names(user)
        feed = CalendarFeed.live_for(user)
        needed = ""
        if roles.DHR_CLEARED in held:
            needed = "You need a code to open Domestic Homicide Reviews."
        elif roles.ADMIN in held:
            needed = "You need a code to open the administration pages."
        return super().get_context_data(
            two_factor={
                "verified": roles.is_verified(user),
                "has_device": user_has_device(user),
                "needed": needed,
                "by_backup_code": signed_in_with_backup_code(user),
                "backup_codes_left": backup_codes_left(user),
            },
            person=getattr(user, "person", None),
            api_tokens=ApiToken.objects.active().filter(user=user),
            calendar_feed_url=self.request.build_absolute_uri(reverse("tokens:private_ical", args=[feed.token]))
            if feed
            else None,
            roles=[
                (roles.ROLE_LABELS[name], roles.ROLE_DESCRIPTIONS[name]) for name in roles.ALL_ROLES if name in held
            ],
            **kwargs,
        )


class PasswordResetRequestView(auth_views.PasswordResetView):
    """The reset e-mail's link starts with SITE_URL, like every e-mail's, never with the request's host."""

    @property
    def extra_email_context(self):
        return {"site_url": settings.SITE_URL.rstrip("/")}


class SystemStatusView(RolePermissionMixin, FormView):
    """For administrators: which database and task mode run, and a render check through the worker."""

    permission_required = "kcsp.view_system_status"
    template_name = "kcsp/system_status.html"
    form_class = RenderCheckForm

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            database_vendor=connection.vendor,
            database_note=settings.KCSP_DATABASE_NOTE,
            celery_eager=settings.CELERY_TASK_ALWAYS_EAGER,
            checks=RenderCheck.objects.select_related("requested_by")[:10],
            **kwargs,
        )

    def form_valid(self, form):
        check = render_check_request(requested_by=self.request.user)
        messages.success(self.request, f"Render check {check.pk} queued.")
        return redirect("system_status")


class RenderCheckDownloadView(RolePermissionMixin, View):
    permission_required = "kcsp.view_system_status"

    def get(self, request, *args, **kwargs):
        checks = RenderCheck.objects.filter(status=RenderCheck.Status.DONE).exclude(pdf="")
        return file_send(
            request,
            checks,
            lambda check: Outgoing(
                f"render-check-{check.pk}.pdf", "pdf", field_file=check.pdf, sensitivity=Sensitivity.PRIVATE
            ),
            pk=kwargs["pk"],
        )


class DataMapView(RolePermissionMixin, TemplateView):
    """For administrators: the data map (kcsp/datamap.py), one table per app, a row per personal field."""

    permission_required = "kcsp.view_data_map"
    template_name = "kcsp/data_map.html"

    def get_context_data(self, **kwargs):
        groups: dict[str, list] = {}
        for row in datamap.data_map_rows():
            groups.setdefault(row[0], []).append(row)
        return super().get_context_data(groups=groups, headers=datamap.HEADERS[1:], **kwargs)


class DataMapExportView(RolePermissionMixin, View):
    """The data map as CSV (kcsp.exports.table_csv): it describes fields and holds no one's personal data."""

    permission_required = "kcsp.view_data_map"

    def get(self, request, *args, **kwargs):
        data = table_csv(datamap.HEADERS, datamap.data_map_rows())
        outgoing = Outgoing("kcsp-data-map.csv", "csv", data, sensitivity=Sensitivity.PRIVATE)
        return file_send(request, None, lambda _: outgoing)


def locked_out(request, original_response=None, credentials=None):
    """django-axes calls this instead of signing in once an address and e-mail pair is locked out."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    context = {"failure_limit": settings.AXES_FAILURE_LIMIT, "minutes": minutes}
    return render(request, "registration/locked_out.html", context, status=429)
