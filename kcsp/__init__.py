"""The Kent Community Safety Partnership governance system: project package and partnership core."""

from .celery import app as celery_app

__all__ = ("celery_app",)
