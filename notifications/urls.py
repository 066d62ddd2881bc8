"""URL of the notification preferences, under /account/notifications/."""

from django.urls import path

from .views import PreferencesView

app_name = "notifications"

urlpatterns = [path("", PreferencesView.as_view(), name="preferences")]
