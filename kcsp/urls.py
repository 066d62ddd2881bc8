"""Top-level URLs: the partnership core, sign-in and the admin; domain apps add theirs here."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from meetings.views.offline import reader_service_worker

from . import directory_views, home_views, twofactor, views
from .forms import ChangePasswordForm, NewPasswordForm, PasswordResetRequestForm, SignInForm

account_urls = [
    path("account/sign-in/", twofactor.SignInView.as_view(form_class=SignInForm), name="login"),
    path("account/two-factor/", twofactor.TwoFactorSetupView.as_view(), name="two_factor_setup"),
    path("account/two-factor/code/", twofactor.TwoFactorVerifyView.as_view(), name="two_factor_verify"),
    path("account/two-factor/backup-codes/", twofactor.BackupCodesView.as_view(), name="two_factor_backup_codes"),
    path(
        "account/two-factor/enrolment-code/",
        twofactor.EnrolmentCodeSendView.as_view(),
        name="two_factor_enrolment_code_send",
    ),
    path("account/sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "account/password/change/",
        auth_views.PasswordChangeView.as_view(form_class=ChangePasswordForm),
        name="password_change",
    ),
    path("account/password/change/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path(
        "account/password/reset/",
        views.PasswordResetRequestView.as_view(form_class=PasswordResetRequestForm),
        name="password_reset",
    ),
    path("account/password/reset/sent/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "account/password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(form_class=NewPasswordForm),
        name="password_reset_confirm",
    ),
    path(
        "account/password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]

directory_urls = [
    path("directory/", directory_views.OrganisationListView.as_view(), name="organisation_list"),
    path("directory/new/", directory_views.OrganisationCreateView.as_view(), name="organisation_add"),
    path("directory/<int:pk>/", directory_views.OrganisationDetailView.as_view(), name="organisation_detail"),
    path("directory/<int:pk>/edit/", directory_views.OrganisationEditView.as_view(), name="organisation_edit"),
    path(
        "directory/<int:pk>/retire/",
        directory_views.OrganisationActiveView.as_view(active=False),
        name="organisation_retire",
    ),
    path(
        "directory/<int:pk>/reactivate/",
        directory_views.OrganisationActiveView.as_view(active=True),
        name="organisation_reactivate",
    ),
    path("directory/people/", directory_views.PersonListView.as_view(), name="person_list"),
    path("directory/people/new/", directory_views.PersonCreateView.as_view(), name="person_add"),
    path("directory/people/<int:pk>/", directory_views.PersonDetailView.as_view(), name="person_detail"),
    path("directory/people/<int:pk>/edit/", directory_views.PersonEditView.as_view(), name="person_edit"),
]

urlpatterns = [
    path("", home_views.HomeView.as_view(), name="home"),
    *home_views.waiting_urls(),
    path("accessibility/", views.AccessibilityView.as_view(), name="accessibility"),
    path("reader-sw.js", reader_service_worker, name="reader_service_worker"),
    path("account/", views.AccountView.as_view(), name="account"),
    path("account/notifications/", include("notifications.urls")),
    path("account/tokens/", include("api.account_urls")),
    path("api/v1/", include("api.urls")),
    *account_urls,
    *directory_urls,
    path("system/", views.SystemStatusView.as_view(), name="system_status"),
    path("system/render-checks/<int:pk>.pdf", views.RenderCheckDownloadView.as_view(), name="render_check_pdf"),
    path("system/data-map/", views.DataMapView.as_view(), name="data_map"),
    path("system/data-map.csv", views.DataMapExportView.as_view(), name="data_map_csv"),
    path("system/governance/", include("kcsp.governance.urls")),
    path("system/subject-access/", include("kcsp.governance.sar_urls")),
    path("meetings/", include("meetings.urls")),
    path("agreement/", include("agreement.urls")),
    path("grants/", include("grants.urls")),
    path("search/", include("search.urls")),
    path("", include("dhr.urls")),
    path("admin/", admin.site.urls),
]
