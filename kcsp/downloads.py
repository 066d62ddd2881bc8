"""The one way a file leaves the system: visibility, marking, per-recipient watermark, download record, caching.

Every view that answers with a file (papers, appendices, packs, plan PDFs and exports, bid attachments, DHR case
files and reports, the access-log CSV, calendar feeds, render checks) calls `file_send`; tests/test_file_downloads.py
walks every URL and fails on a file that did not come through here (`response.sent_by_file_send`).
"""

import logging
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

import pikepdf
from django.db.models import Model, QuerySet
from django.http import FileResponse, Http404, HttpResponse, HttpResponseNotModified
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.http import content_disposition_header

from .exports import OFFICIAL_SENSITIVE as MARKING
from .kept_copies import kept_copy
from .marking import marking_line
from .ranges import ByteRange, Unsatisfiable, byte_range, not_modified, quoted

logger = logging.getLogger(__name__)
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ics": "text/calendar; charset=utf-8",
    "json": "application/json",  # a public data file (360Giving's JSON package)
    "zip": "application/zip",  # a subject-access package: restricted, recorded, sent as made (never watermarked)
}


class Sensitivity:
    """How a file is guarded on its way out (see `file_send`)."""

    PUBLIC = "public"  # anyone may have it: normal caching, nothing added
    PRIVATE = "private"  # for its reader only (a draft plan, a bid, a personal feed): no-store
    RESTRICTED = "restricted"  # restricted or DHR material: marked, watermarked, recorded, no-store


@dataclass
class Outgoing:
    """A file ready to send: its bytes (or a stored file), name, kind (a CONTENT_TYPES key) and sensitivity.

    `what` describes it in the download record ("Restricted pack, KCSP 14 July 2022"); `subject` is the row
    it came from (pack, paper, appendix, case file ...), linked from the record. `stamped` says the file already
    carries the marking (a built restricted pack, whose top band is reserved for the watermark; a spreadsheet
    the exporter wrote with its marking row). `dhr` says it is Domestic Homicide Review material: `file_send`
    then passes it through the DHR gate (dhr.gate.dhr_gate: 404 unless cleared and verified, one access-log
    row), with `case` when it belongs to one case.
    """

    filename: str
    kind: str
    data: bytes | None = None
    field_file: object = None
    sensitivity: str = Sensitivity.PUBLIC
    what: str = ""
    subject: Model | None = None
    stamped: bool = False
    inline: bool = False
    stream: bool = True  # a stored public file is streamed; packs are sent from memory, as they always were
    dhr: bool = False
    case: Model | None = None
    etag: str = ""  # public: an entity tag of this exact file (a stored build's unique name); enables Range and 304
    keep: str = ""  # restricted: keep each reader's marked copy under this group ("pack-12"; see kcsp.kept_copies)

    def __post_init__(self):
        if self.dhr:  # DHR material is restricted material, whatever the caller said
            self.sensitivity = Sensitivity.RESTRICTED

    def open(self):
        """The stored file, open for reading; 404 when the row has none or storage has lost it."""
        if not self.field_file:
            raise Http404
        try:
            return self.field_file.open("rb")
        except OSError as error:
            raise Http404 from error

    def read(self) -> bytes:
        if self.data is None:
            with self.open() as handle:
                self.data = handle.read()
        return self.data


def recipient_watermark(user, day=None) -> str:
    """ "downloaded by Ms S Brinson on 23 November 2026 - do not forward" (the name as the papers print it)."""
    person = getattr(user, "person", None)
    name = person.display_name if person else (user.get_full_name() or user.email)
    return f"downloaded by {name} on {day or timezone.localdate():%-d %B %Y} - do not forward"


def _reader_copy(outgoing: Outgoing, user) -> Outgoing:
    """A restricted Word paper goes to readers as its converted PDF (cached); officers get the original."""
    if outgoing.kind != "docx" or user.has_perm("meetings.manage"):
        return outgoing
    from meetings.packbuild.parts import PackBuildError, RenderStats, uploaded_part

    try:
        pdf = uploaded_part(outgoing.field_file, "docx", outgoing.filename, RenderStats())
    except PackBuildError as error:
        raise Http404 from error
    stem = outgoing.filename.rsplit(".", 1)[0]
    return Outgoing(
        f"{stem}.pdf",
        "pdf",
        pdf,
        sensitivity=outgoing.sensitivity,
        what=outgoing.what,
        subject=outgoing.subject,
        inline=outgoing.inline,  # an OParl accessUrl stays inline (api/files.py)
        dhr=outgoing.dhr,  # its download record says DHR material as the Word original's would
        case=outgoing.case,
    )


def _marked(outgoing: Outgoing, user) -> bytes:
    from meetings.packbuild.assemble import watermark_copy
    from meetings.packbuild.stamp import stamp_pdf

    data = outgoing.read()
    if outgoing.kind == "pdf":
        watermark = recipient_watermark(user)
        if outgoing.stamped:
            return watermark_copy(data, watermark)
        line = marking_line(MARKING)  # the marking with its handling line (kcsp/marking.py)
        return stamp_pdf(data, top=(line, watermark), bottom=(line, ""))
    if outgoing.kind in ("csv", "xlsx"):
        if not outgoing.stamped:  # the exporter writes the marking (kcsp.exports, marking=); never added afterwards
            raise ValueError("a restricted spreadsheet must be written by kcsp.exports with its marking")
        return data
    if outgoing.kind == "zip":  # a subject-access package: its index and README carry the marking; never rewritten
        return data
    if outgoing.kind == "docx":  # a restricted Word original to an officer: marked in its headers and footers
        from .docxmark import docx_marked

        return docx_marked(data, marking_line(MARKING), recipient_watermark(user))
    return data


def download_record(request, outgoing: Outgoing) -> None:
    """One FileDownload row: who, when, what and from where."""
    from django.contrib.contenttypes.models import ContentType

    from .models import FileDownload

    subject = outgoing.subject
    FileDownload.objects.create(
        user=request.user,
        ip_address=request.META.get("REMOTE_ADDR"),
        what=(outgoing.what or outgoing.filename)[:300],
        filename=outgoing.filename[:255],
        content_type=ContentType.objects.get_for_model(subject) if subject is not None else None,
        object_id=subject.pk if subject is not None else None,
        dhr=outgoing.dhr,
    )


@dataclass
class _Body:
    """What is sent: in memory (`data`) or a file to open; its entity tag; whether this request made it."""

    data: bytes | None = None
    opener: Callable | None = None
    size: int = 0
    etag: str = ""
    made: bool = False
    stream: bool = False
    discard: Callable | None = None  # removes a copy this request made (its opening went unrecorded)

    def read(self, wanted: ByteRange | None = None) -> bytes:
        if self.data is not None:
            return self.data if wanted is None else self.data[wanted.start : wanted.stop]
        with self.opener() as handle:
            if wanted is None:
                return handle.read()
            handle.seek(wanted.start)
            return handle.read(wanted.stop - wanted.start)


def _restricted_body(outgoing: Outgoing, user) -> _Body:
    """The reader's marked copy: kept server-side when `outgoing.keep` says so (ranges are read from it)."""
    if not outgoing.keep or outgoing.kind != "pdf" or not outgoing.field_file:
        return _Body(data=_marked(outgoing, user))
    copy = kept_copy(
        group=outgoing.keep,
        version=outgoing.field_file.name,
        user=user,
        watermark=recipient_watermark(user),
        make=lambda: _marked(outgoing, user),
    )

    def opener():
        try:
            return copy.path.open("rb")
        except OSError as error:  # cleared by a rebuild just now: 404, which the pack view retries on the new build
            raise Http404 from error

    try:
        size = copy.size
    except OSError as error:
        raise Http404 from error
    discard = (lambda: copy.path.unlink(missing_ok=True)) if copy.made else None
    return _Body(opener=opener, size=size, etag=copy.etag, made=copy.made, stream=outgoing.stream, discard=discard)


def _public_body(outgoing: Outgoing) -> _Body:
    if outgoing.data is not None or not outgoing.stream:
        return _Body(data=outgoing.read(), etag=outgoing.etag)
    size = outgoing.field_file.size if outgoing.etag else 0  # only a tagged file is ever split
    return _Body(opener=outgoing.open, size=size, etag=outgoing.etag, stream=True)


def _answer(request, body: _Body, content_type: str, *, public: bool) -> HttpResponse:
    """200 whole, 206 one range, 304 (public only) or 416, by kcsp.ranges; None of these for an untagged body."""
    quoted_tag = quoted(body.etag) if body.etag else None
    if public and not_modified(request, body.etag):
        response = HttpResponseNotModified()
        response["ETag"] = quoted_tag
        response.covers_start = True  # the whole file, which the client already has
        return response
    size = len(body.data) if body.data is not None else body.size
    try:
        wanted = byte_range(request, body.etag, size)
    except Unsatisfiable:
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        response.covers_start = False
        return response
    if wanted is not None:
        response = HttpResponse(body.read(wanted), content_type=content_type, status=206)
        response["Content-Range"] = wanted.content_range
    elif body.data is not None or not body.stream:
        response = HttpResponse(body.read(), content_type=content_type)
    else:  # a stored file sent whole: streamed, not read into memory
        response = FileResponse(body.opener(), content_type=content_type)
    response.covers_start = wanted is None or wanted.start == 0
    if quoted_tag:
        response["ETag"] = quoted_tag
        response["Accept-Ranges"] = "bytes"
    return response


def file_send(request, visible: QuerySet | None, make: Callable[[Model | None], Outgoing], **lookup) -> HttpResponse:
    """Send the file `make` builds from the row `lookup` finds in `visible` (a `visible_to(user)` queryset).

    The row is taken from the same queryset as the page, so a file is never sent to someone the page refuses
    (404 otherwise; `visible` is None only for a public export of no one row). Restricted output is marked
    and watermarked for the reader (PDF page content; first row / sheet of CSV and XLSX), a restricted
    Word paper goes to readers as PDF, a FileDownload row is written, and the answer is `private, no-store`.

    Range and ETag (kcsp.ranges): a public file with `etag`, and a restricted PDF kept per reader (`keep`, see
    kcsp.kept_copies, its entity tag its own), answer single byte ranges (206), 416 past the end, and, public
    only, 304 to If-None-Match. An opening is recorded once: the FileDownload row (and, for DHR material, the
    access-log row) is written for the request that covers byte 0 (no Range, or one starting at 0) or that made
    the reader's copy, not for the later range requests that read the rest of the same copy. The answer's
    `opening` attribute says which it was (callers move the "last read" marker on it).
    """
    obj = get_object_or_404(visible, **lookup) if visible is not None else None
    outgoing = make(obj)
    if outgoing is None:
        raise Http404
    if outgoing.dhr:
        from dhr.gate import dhr_gate

        dhr_gate(request, what=outgoing.what or outgoing.filename, case=outgoing.case, action="download")
    restricted = outgoing.sensitivity == Sensitivity.RESTRICTED
    if restricted:
        if not request.user.is_authenticated:
            raise Http404
        outgoing = _reader_copy(outgoing, request.user)
        try:
            body = _restricted_body(outgoing, request.user)
        except (pikepdf.PdfError, ValueError, KeyError, zipfile.BadZipFile) as error:
            logger.warning("Restricted file not sent: it could not be marked (%s: %s)", outgoing.what, error)
            return render(request, "kcsp/file_unmarkable.html", {"marking": MARKING}, status=422)
    else:
        body = _public_body(outgoing)
    response = _answer(request, body, CONTENT_TYPES[outgoing.kind], public=outgoing.sensitivity == Sensitivity.PUBLIC)
    response.opening = response.status_code in (200, 206, 304) and (body.made or response.covers_start)
    if body.made and not response.opening and body.discard is not None:
        # A copy made by a request that sent nothing (416) would let the next range request skip the opening's
        # record: it goes, and the next request makes it again and is recorded.
        body.discard()
    if restricted and response.opening:
        download_record(request, outgoing)
    elif outgoing.dhr and response.status_code == 206:
        from dhr.gate import dhr_continuation

        dhr_continuation(request)  # the gate was passed above; this part of an opening already logged adds no row
    if response.status_code in (200, 206):
        response["Content-Disposition"] = content_disposition_header(not outgoing.inline, outgoing.filename)
    response["X-Content-Type-Options"] = "nosniff"
    if outgoing.sensitivity != Sensitivity.PUBLIC:
        response["Cache-Control"] = "private, no-store"
    response.sent_by_file_send = True
    return response
