"""The Celery application; configuration comes from Django settings (CELERY_*)."""

import os

from celery import Celery
from celery.signals import worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kcsp.settings.production")

app = Celery("kcsp")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_process_init.connect
def _pack_worker_warm_up(**_kwargs):
    """Every worker process loads the print fonts and page stamps once, at start (meetings/packbuild/warm.py)."""
    from django.conf import settings

    from meetings.packbuild.warm import pack_worker_warm_up

    if settings.PACK_WORKER_WARM_UP:
        pack_worker_warm_up()
