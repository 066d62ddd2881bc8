"""Clean the copies stored before uploads were cleaned: the same check_upload, applied to files already kept."""

from dataclasses import dataclass, field
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from .uploads import check_upload


@dataclass
class CleanReport:
    cleaned: list[str] = field(default_factory=list)  # "Paper 12 (report.docx): author, hidden text"
    refused: list[str] = field(default_factory=list)  # "Paper 13 (draft.docx): This document still has ..."


def _stored_files():
    """(label, row, field name, kind, display name, meeting or None) for every stored upload."""
    from dhr.models import Case, CaseDocument
    from grants.models import BidAttachment

    from .models import Appendix, Paper

    for paper in Paper.objects.exclude(file="").select_related("item__meeting"):
        yield f"Paper {paper.pk}", paper, "file", paper.file_kind, paper.original_name, paper.item.meeting
    for appendix in Appendix.objects.exclude(file="").select_related("paper__item__meeting"):
        meeting = appendix.paper.item.meeting
        yield f"Appendix {appendix.pk}", appendix, "file", appendix.file_kind, appendix.original_name, meeting
    for attachment in BidAttachment.objects.exclude(file=""):
        yield (
            f"Bid attachment {attachment.pk}",
            attachment,
            "file",
            attachment.file_kind,
            attachment.original_name,
            None,
        )
    for document in CaseDocument.objects.exclude(file=""):
        yield f"DHR file {document.pk}", document, "file", document.file_kind, document.original_name, None
    for case in Case.objects.exclude(published_report=""):
        yield f"Published DHR report {case.pk}", case, "published_report", "pdf", "report.pdf", None


def stored_uploads_clean(*, dry_run: bool = False) -> CleanReport:
    """Replace each stored upload by its cleaned copy (packs of published meetings then rebuild).

    A file the upload check now refuses (a Word document with tracked changes, say) is listed, not changed:
    an officer replaces it. Rows are saved through the model, so history records the change.
    """
    from .packbuild.requests import packs_refresh_if_published
    from .uploads import extract_text

    report, meetings = CleanReport(), {}
    for label, row, name, kind, display, meeting in list(_stored_files()):
        stored = getattr(row, name)
        with stored.open("rb") as handle:
            data = handle.read()
        suffix = ".pdf" if kind == "pdf" else ".docx"
        try:
            checked = check_upload(SimpleUploadedFile(display if display.endswith(suffix) else f"file{suffix}", data))
        except ValidationError as error:
            report.refused.append(f"{label} ({display}): {' '.join(error.messages)}")
            continue
        if not checked.removed or dry_run:
            report.cleaned += [f"{label} ({display}): {'; '.join(checked.removed)}"] if checked.removed else []
            continue
        old_name, fields = stored.name, [name]
        with transaction.atomic():
            stored.save(PurePath(old_name).name, checked.file, save=False)
            if hasattr(row, "extracted_text"):
                row.extracted_text = extract_text(checked.file, kind)
                fields.append("extracted_text")
            row.save(update_fields=fields)
        stored.storage.delete(old_name)
        report.cleaned.append(f"{label} ({display}): {'; '.join(checked.removed)}")
        if meeting is not None:
            meetings[meeting.pk] = meeting
    for meeting in meetings.values():
        packs_refresh_if_published(meeting)
    return report
