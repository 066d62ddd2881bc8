"""Subject-access packages (under /system/subject-access/)."""

from django.urls import path  # noqa: F401

urlpatterns = []
