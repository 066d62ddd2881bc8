"""The PDF of signed minutes, rendered only from their frozen content (SignedMinutes.content).

The first rendering is kept for good with its SHA-256 (first_pdf, first_sha256: the database refuses any change
to them, migration 0009); a later rendition, for example with better accessibility tags, is made from the same
content and stored beside it (pdf, sha256), never from later data. A rendition whose words differ in any way
from the first file's is refused, so a changed template can never change a word of a signed record.

Each file is tagged PDF/UA with its title and language (kcsp.pdf.render_pdf), then stamped like a pack
(packbuild.stamp): "Page N" at the foot of every page and, for the restricted and DHR parts, OFFICIAL-SENSITIVE
at the top and foot, with the top band's second line kept free for the downloader's watermark (file_send).
"""

import hashlib
import io
import logging
import re

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from kcsp.pdf import render_pdf

from .models import SignedMinutes
from .packbuild.stamp import stamp_pdf
from .packbuild.tags import pdf_tagged

logger = logging.getLogger(__name__)
TEMPLATE = "meetings/pdf/minutes.html"
RETAG_REASON = "Tagged for accessibility (PDF/UA-1)"


def signed_minutes_title(content: dict) -> str:
    """ "Notes of a meeting of the Kent CSP held online on Thursday, 24 March 2022 (restricted items)"."""
    title = content["heading"].removeprefix("NOTES").rstrip(".")
    part = {"restricted": " (restricted items)", "dhr": " (Domestic Homicide Review items)"}.get(content["kind"], "")
    return f"Notes{title}{part}"


def signed_marking(content: dict) -> str:
    """The stamp line of one part: its frozen marking with the handling line frozen beside it at signing
    ("OFFICIAL-SENSITIVE - Not for onward …"); records signed before issue 20 have none, and keep their words."""
    marking = content.get("marking", "")
    return f"{marking} - {content['handling']}" if marking and content.get("handling") else marking


def signed_minutes_pdf(content: dict) -> bytes:
    """The PDF of one part of the record, from its content alone (no database read)."""
    data = render_pdf(TEMPLATE, {"record": content}, title=signed_minutes_title(content))
    marking = signed_marking(content)
    return stamp_pdf(data, top=(marking, "") if marking else None, bottom=lambda number: (marking, f"Page {number}"))


def pdf_words(data: bytes) -> list[str]:
    """The words of a PDF in reading order, as pypdf extracts them (whitespace normalised)."""
    from pypdf import PdfReader

    text = " ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)
    return re.sub(r"\s+", " ", text).split()


def _first_words(record: SignedMinutes) -> list[str]:
    with record.first_pdf.open("rb") as handle:
        return pdf_words(handle.read())


@transaction.atomic
def signed_minutes_render(*, record: SignedMinutes, reason: str = "") -> SignedMinutes:
    """Render `record`'s PDF from its content.

    The first time (no first file yet): into first_pdf and first_sha256, kept for good, and served (pdf). Again
    without a `reason`: nothing to do (a task delivered twice). Again with a `reason` (≤ 200 characters, why a
    new rendition is made): a new rendition becomes the served file (pdf, sha256, rendered_at,
    rendition_reason); the first file stays. Raises ValidationError, changing nothing, if the new rendition's
    words are not exactly the first file's, in the same order.
    """
    record = SignedMinutes.objects.select_for_update().get(pk=record.pk)
    if record.first_sha256 and not reason.strip():
        return record
    data = signed_minutes_pdf(record.content)
    digest = hashlib.sha256(data).hexdigest()
    name = f"minutes-{record.meeting_id}-{record.kind}.pdf"
    if not record.first_sha256:
        record.first_pdf.save(name, ContentFile(data), save=False)
        record.first_sha256 = digest
        reason = "As signed"
    elif (new := pdf_words(data)) != (first := _first_words(record)):
        at = next((i for i, (a, b) in enumerate(zip(new, first, strict=False)) if a != b), min(len(new), len(first)))
        raise ValidationError(
            "A new rendition of signed minutes must have exactly the words of the file made at signing: this one "
            f"differs from word {at + 1} (“{' '.join(first[at : at + 6])}” in the signed file, "
            f"“{' '.join(new[at : at + 6])}” in the new one). Nothing was changed."
        )
    record.pdf.save(name, ContentFile(data), save=False)
    record.sha256, record.rendered_at, record.rendition_reason = digest, timezone.now(), reason.strip()[:200]
    record.save()
    return record


def signed_minutes_render_pending() -> int:
    """Queue the first rendering of every signed part that has none yet (its task lost while the broker was
    down); the periodic pack re-send and a starting worker call this. Returns how many were queued."""
    from kcsp.queueing import send

    from .tasks import signed_minutes_render_task

    pending = SignedMinutes.objects.filter(first_sha256="").values_list("pk", flat=True)
    return sum(send(signed_minutes_render_task, (pk,)) for pk in pending)


def _served_tagged(record: SignedMinutes) -> bool:
    """Whether the file served for `record` is tagged; a served file storage has lost counts as untagged."""
    try:
        with record.pdf.open("rb") as handle:
            return pdf_tagged(handle.read())
    except (OSError, ValueError):
        return False


def signed_minutes_retag(*, reason: str = RETAG_REASON, refused: list | None = None) -> list[SignedMinutes]:
    """Re-render, from its frozen content, every signed part whose served file is not tagged (packbuild.tags).

    Parts with no first file yet are skipped (signed_minutes_render_pending makes it, tagged). Each part is
    checked again under its row lock, so two runs at once make one rendition. A part whose new rendition is
    refused (its words differ from the first file's: signed_minutes_render) or whose first file cannot be read
    is left as it is: logged, added to `refused` as (record, message) if a list is given, and the run goes on.
    Returns the parts given a new rendition, in id order; a second run returns [].
    """
    done = []
    pending = SignedMinutes.objects.exclude(first_sha256="").order_by("pk").only("pk", "pdf", "meeting", "kind")
    for record in pending.iterator():
        if _served_tagged(record):
            continue
        try:
            with transaction.atomic():
                locked = SignedMinutes.objects.select_for_update().only("pk", "pdf").get(pk=record.pk)
                if _served_tagged(locked):
                    continue  # another run tagged it meanwhile
                done.append(signed_minutes_render(record=locked, reason=reason))
        except (ValidationError, OSError) as error:
            message = " ".join(error.messages) if isinstance(error, ValidationError) else f"unreadable file: {error}"
            logger.warning("Signed minutes %s of meeting %s not retagged: %s", record.kind, record.meeting_id, message)
            if refused is not None:
                refused.append((record, message))
    return done
