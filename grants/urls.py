"""URLs of the Crime Reduction Grant, under /grants/."""

from django.urls import path

from . import views, year_views

app_name = "grants"

urlpatterns = [
    path("", year_views.YearListView.as_view(), name="year_list"),
    path("new/", year_views.YearCreateView.as_view(), name="year_create"),
    path("queue/", views.QueueView.as_view(), name="queue"),
    path("queue/<int:pk>/decide/", views.QueueDecideView.as_view(), name="queue_decide"),
    path("360giving.csv", views.GivingExportView.as_view(), name="giving_export"),
    path("360giving.json", views.GivingExportView.as_view(kind="json"), name="giving_json"),
    path("<int:year>/", year_views.YearDetailView.as_view(), name="year_detail"),
    path("<int:year>/edit/", year_views.YearEditView.as_view(), name="year_edit"),
    path("<int:year>/tactical-pot/lock/", year_views.TacticalLockView.as_view(), name="tactical_lock"),
    path("<int:year>/tactical-pot/unlock/", year_views.TacticalUnlockView.as_view(), name="tactical_unlock"),
    path("<int:year>/close/", year_views.YearCloseView.as_view(), name="year_close"),
    path("<int:year>/bids/", views.BidListView.as_view(), name="bid_list"),
    path("<int:year>/bids/new/", views.BidCreateView.as_view(), name="bid_create"),
    path("<int:year>/bids.<str:fmt>", views.BidExportView.as_view(), name="bid_export"),
    path("bids/<int:pk>/", views.BidDetailView.as_view(), name="bid_detail"),
    path("bids/<int:pk>/edit/", views.BidEditView.as_view(), name="bid_edit"),
    path("bids/<int:pk>/attachments/new/", views.AttachmentCreateView.as_view(), name="attachment_create"),
    path("bids/<int:pk>/decided-at/", views.BidMinuteView.as_view(), name="bid_minute"),
    path("bids/<int:pk>/<slug:action>/", views.BidStepView.as_view(), name="bid_step"),
    path("attachments/<int:pk>/", views.AttachmentFileView.as_view(), name="attachment_file"),
]
