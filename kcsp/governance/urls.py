"""Retention schedule, legal holds and disposal lists (under /system/governance/)."""

from django.urls import path

from . import disposal_views, views

app_name = "governance"

urlpatterns = [
    path("retention/", views.RetentionScheduleView.as_view(), name="retention_schedule"),
    path("retention/<int:pk>/", views.RuleDetailView.as_view(), name="rule_detail"),
    path("retention/<int:pk>/edit/", views.RuleEditView.as_view(), name="rule_edit"),
    path("holds/", views.HoldListView.as_view(), name="hold_list"),
    path("holds/new/", views.HoldPlaceView.as_view(), name="hold_place"),
    path("holds/<int:pk>/lift/", views.HoldLiftView.as_view(), name="hold_lift"),
    path("disposal/", disposal_views.DisposalListsView.as_view(), name="disposal_lists"),
    path("disposal/make/", disposal_views.DisposalListMakeView.as_view(), name="disposal_list_make"),
    path("disposal/<int:pk>/", disposal_views.DisposalListView.as_view(), name="disposal_list"),
    path("disposal/<int:pk>/approve/", disposal_views.DisposalApproveView.as_view(), name="disposal_approve"),
    path("disposal/candidates/<int:pk>/keep/", disposal_views.CandidateKeepView.as_view(), name="candidate_keep"),
    path("disposal/records/", disposal_views.DisposalRecordsView.as_view(), name="disposal_records"),
]
