"""Background work of the agreement app."""

from celery import shared_task

from .models import PlanVersion
from .services import version_pdf_build


@shared_task
def plan_pdf_task(version_id: int) -> str:
    version_pdf_build(version=PlanVersion.objects.get(pk=version_id))
    return "ready"
