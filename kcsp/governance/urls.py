"""Retention schedule, legal holds and disposal lists (under /system/governance/)."""

from django.urls import path  # noqa: F401

urlpatterns = []
