"""The PDF of signed minutes, rendered only from their frozen content (SignedMinutes.content).

The first rendering is kept for good with its SHA-256 (first_pdf, first_sha256); a later rendition, for example
with accessibility tags or a marking, is made from the same content and stored beside it (pdf, sha256), never
from later data. The words of every rendition are those of the content.
"""

import hashlib

from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from .models import SignedMinutes


def signed_minutes_html(content: dict) -> str:
    return render_to_string("meetings/pdf/minutes.html", {"record": content})


def signed_minutes_pdf(content: dict) -> bytes:
    from weasyprint import HTML

    return HTML(string=signed_minutes_html(content)).write_pdf()


@transaction.atomic
def signed_minutes_render(*, record: SignedMinutes, reason: str = "") -> SignedMinutes:
    """Render `record`'s PDF from its content: the first time into first_pdf (kept for good), later as a new
    rendition with `reason`. Returns the record."""
    record = SignedMinutes.objects.select_for_update().get(pk=record.pk)
    data = signed_minutes_pdf(record.content)
    digest = hashlib.sha256(data).hexdigest()
    name = f"minutes-{record.meeting_id}-{record.kind}.pdf"
    if not record.first_sha256:
        record.first_pdf.save(name, ContentFile(data), save=False)
        record.first_sha256 = digest
    record.pdf.save(name, ContentFile(data), save=False)
    record.sha256, record.rendered_at, record.rendition_reason = digest, timezone.now(), reason or "Signed"
    record.save()
    return record
