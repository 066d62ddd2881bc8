"""Background work of the partnership core."""

from celery import shared_task

from .models import RenderCheck
from .services import render_check_run


@shared_task
def render_check_task(check_id: int) -> str:
    check = RenderCheck.objects.get(pk=check_id)
    return render_check_run(check=check).status
