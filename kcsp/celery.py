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
    """Each process of a worker consuming the packs queue loads the print fonts and page stamps once, at start
    (meetings/packbuild/warm.py); e-mail and default workers (`-Q email`, `-Q default`) skip it."""
    from django.conf import settings

    from meetings.packbuild.warm import pack_worker_warm_up

    if settings.PACK_WORKER_WARM_UP and "packs" in app.amqp.queues.consume_from:
        pack_worker_warm_up()
