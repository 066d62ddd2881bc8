"""URLs of Domestic Homicide Reviews: the restricted section under /reviews/ and the public published list."""

from django.urls import path

from .views import cases, other, plans

app_name = "dhr"

urlpatterns = [
    path("reviews/", cases.CaseListView.as_view(), name="case_list"),
    path("reviews/new/", cases.CaseCreateView.as_view(), name="case_create"),
    path("reviews/<int:pk>/", cases.CaseDetailView.as_view(), name="case_detail"),
    path("reviews/<int:pk>/edit/", cases.CaseEditView.as_view(), name="case_edit"),
    path("reviews/<int:pk>/history/", cases.CaseHistoryView.as_view(), name="case_history"),
    path("reviews/<int:pk>/extensions/new/", cases.ExtensionCreateView.as_view(), name="extension_create"),
    path("reviews/<int:pk>/panel/new/", cases.PanelMemberCreateView.as_view(), name="panel_create"),
    path("reviews/<int:pk>/related/new/", cases.RelatedReviewCreateView.as_view(), name="related_create"),
    path("reviews/<int:pk>/files/new/", cases.DocumentUploadView.as_view(), name="document_upload"),
    path("reviews/<int:pk>/publication/", cases.PublicationView.as_view(), name="publication"),
    path(
        "reviews/<int:pk>/recommendations/new/", plans.RecommendationCreateView.as_view(), name="recommendation_create"
    ),
    path("reviews/<int:pk>/escalations/new/", plans.EscalationCreateView.as_view(), name="escalation_create"),
    path("reviews/<int:pk>/costs/new/", other.CaseCostCreateView.as_view(), name="cost_create"),
    path("reviews/files/<int:pk>/", cases.DocumentDownloadView.as_view(), name="document_download"),
    path("reviews/recommendations/<int:pk>/actions/new/", plans.AgencyActionCreateView.as_view(), name="action_create"),
    path("reviews/actions/<int:pk>/updates/new/", plans.ActionUpdateCreateView.as_view(), name="action_update_create"),
    path("reviews/funding/", other.FundingView.as_view(), name="funding"),
    path("reviews/funding/new/", other.FundingYearCreateView.as_view(), name="funding_year_create"),
    path(
        "reviews/funding/<int:pk>/contributions/new/",
        other.ContributionCreateView.as_view(),
        name="contribution_create",
    ),
    path("reviews/lessons/", other.LessonListView.as_view(), name="lesson_list"),
    path("reviews/lessons/new/", other.LessonCreateView.as_view(), name="lesson_create"),
    path("reviews/timescales/", other.TimescaleListView.as_view(), name="timescale_list"),
    path("reviews/timescales/<int:pk>/edit/", other.TimescaleEditView.as_view(), name="timescale_edit"),
    path("reviews/access-log/", other.AccessLogView.as_view(), name="access_log"),
    path("reviews/access-log.csv", other.AccessLogExportView.as_view(), name="access_log_export"),
    path("reviews/agenda-items/<int:pk>/", other.AgendaLinkView.as_view(), name="agenda_link"),
    path("published-reviews/", other.PublishedReviewListView.as_view(), name="published_list"),
    path("published-reviews/<int:pk>/report.pdf", other.PublishedReportView.as_view(), name="published_report"),
]
