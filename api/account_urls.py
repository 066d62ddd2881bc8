"""URLs of the account page's tokens and the private calendar feed."""

from django.urls import path

from . import account, feeds

app_name = "tokens"

urlpatterns = [
    path("api-tokens/new/", account.ApiTokenCreateView.as_view(), name="api_token_create"),
    path("api-tokens/<int:pk>/revoke/", account.ApiTokenRevokeView.as_view(), name="api_token_revoke"),
    path("calendar/new/", account.CalendarFeedCreateView.as_view(), name="calendar_create"),
    path("calendar/stop/", account.CalendarFeedRevokeView.as_view(), name="calendar_revoke"),
    path("calendar/<str:token>/meetings.ics", feeds.PrivateICalFeedView.as_view(), name="private_ical"),
]
