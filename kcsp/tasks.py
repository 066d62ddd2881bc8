"""Background work of the partnership core."""

from celery import shared_task

from .models import RenderCheck
from .services import render_check_run


@shared_task
def render_check_task(check_id: int) -> str:
    check = RenderCheck.objects.get(pk=check_id)
    return render_check_run(check=check).status


@shared_task
def kept_copies_expire_task() -> int:
    """Daily: readers' kept copies of restricted packs older than two days go (kcsp.kept_copies)."""
    from .kept_copies import kept_copies_expire

    return kept_copies_expire()
