"""Partnership-core operations that write: queueing and running the render check."""

import io

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from pypdf import PdfReader

from .models import RenderCheck, User
from .pdf import render_pdf
from .queueing import send


@transaction.atomic
def render_check_request(*, requested_by: User) -> RenderCheck:
    """Record a render check and queue it once the row is committed, so the worker can see it."""
    from .tasks import render_check_task

    check = RenderCheck.objects.create(requested_by=requested_by)
    transaction.on_commit(lambda: send(render_check_task, (check.pk,)))
    return check


def render_check_run(*, check: RenderCheck) -> RenderCheck:
    """Render the check PDF, store it, and count its pages by reading it back."""
    try:
        pdf_bytes = render_pdf(
            "kcsp/pdf/render_check.html",
            {"check": check, "rendered_at": timezone.now()},
            title=f"Render check {check.pk}",
        )
        check.page_count = len(PdfReader(io.BytesIO(pdf_bytes)).pages)
        check.pdf.save(f"render-check-{check.pk}.pdf", ContentFile(pdf_bytes), save=False)
        check.status = RenderCheck.Status.DONE
    except Exception as exc:  # the reason is shown to the admin on the status page
        check.status = RenderCheck.Status.FAILED
        check.failure = f"{type(exc).__name__}: {exc}"
    check.finished_at = timezone.now()
    check.save()
    return check
