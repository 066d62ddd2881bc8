"""Reference data in the admin: users and their roles, organisations, people."""

from django.conf import settings
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm
from django.contrib.auth.models import Group
from django.template.response import TemplateResponse
from django.utils.cache import patch_cache_control
from django_celery_results.models import GroupResult, TaskResult
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from simple_history.admin import SimpleHistoryAdmin

from . import roles
from .enrolment import enrolment_code_issue
from .forms import TypedTextMixin, TypedTextModelForm
from .locking import RecordLockAdminMixin
from .models import EnrolmentCode, Organisation, Person, User

# Roles are fixed in code (roles.py) and given on the user page; task results may carry
# restricted details in their arguments or errors; second-factor secrets are never shown to anyone
# (a lost app is reset with `manage.py two_factor_reset`). None of these belongs in the admin.
for model in (Group, TaskResult, GroupResult, TOTPDevice, StaticDevice):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


ADMIN_ASSIGNABLE_ROLES = [r for r in roles.ALL_ROLES if r != roles.DHR_CLEARED]


class UserChangeByEmailForm(TypedTextModelForm):
    """Roles an administrator may give; DHR clearance is granted outside the admin (manage.py dhr_clearance)."""

    class Meta:
        model = User
        fields = ("email", "full_name", "is_active", "groups")
        labels = {"groups": "Roles"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["groups"].queryset = Group.objects.filter(name__in=ADMIN_ASSIGNABLE_ROLES)

    def _save_m2m(self):
        kept = list(self.instance.groups.exclude(name__in=ADMIN_ASSIGNABLE_ROLES)) if self.instance.pk else []
        super()._save_m2m()
        self.instance.groups.add(*kept)


class UserCreationByEmailForm(TypedTextMixin, AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "full_name")


@admin.register(User)
class UserAdmin(RecordLockAdminMixin, SimpleHistoryAdmin, DjangoUserAdmin):
    form = UserChangeByEmailForm
    add_form = UserCreationByEmailForm
    ordering = ("email",)
    list_display = ("email", "full_name", "is_active", "last_login")
    list_filter = ("is_active", "groups")
    search_fields = ("email", "full_name")
    filter_horizontal = ("groups",)
    fieldsets = (
        (None, {"fields": ("email",)}),
        ("Details", {"fields": ("full_name",)}),
        ("Roles", {"fields": ("is_active", "groups")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    readonly_fields = ("last_login", "date_joined")
    actions = ["issue_enrolment_codes"]

    @admin.action(description="Issue a two-factor enrolment code (shown once)", permissions=["change"])
    def issue_enrolment_codes(self, request, queryset):
        """Each chosen account gets a new code (any earlier one stops working); the page shows them this once."""
        codes = [
            (user, enrolment_code_issue(user=user, via=EnrolmentCode.Via.ADMIN, issued_by=request.user))
            for user in queryset
        ]
        context = {**self.admin_site.each_context(request), "title": "Enrolment codes", "codes": codes}
        context["hours"] = settings.ENROLMENT_CODE_HOURS
        response = TemplateResponse(request, "admin/kcsp/user/enrolment_codes.html", context)
        patch_cache_control(response, no_store=True)
        return response

    def get_urls(self):
        """No page for setting someone else's password: people reset their own by e-mail."""
        return [url for url in super().get_urls() if url.name != "auth_user_password_change"]

    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "full_name", "password1", "password2")}),)


@admin.register(Organisation)
class OrganisationAdmin(RecordLockAdminMixin, SimpleHistoryAdmin):
    form = TypedTextModelForm
    list_display = ("name", "short_name", "kind", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "short_name")


@admin.register(Person)
class PersonAdmin(RecordLockAdminMixin, SimpleHistoryAdmin):
    form = TypedTextModelForm
    list_display = ("display_name", "job_title", "organisation", "email")
    list_filter = ("organisation",)
    search_fields = ("surname", "forenames", "email", "job_title")
    list_select_related = ("organisation",)
    autocomplete_fields = ("user",)
