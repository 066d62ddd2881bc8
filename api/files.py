"""The OParl 1.1 File layer: which stored files a reader may have through the API, and sending one.

OParl 1.1 File (https://schema.oparl.org/1.1/File; spec section 2.7 "Dateizugriffe"): `accessUrl` MUST NOT send
`Content-Disposition: attachment`; `downloadUrl` MUST send it, with the file's name. The sources, each keyed as
the API names it:

- "paper-<pk>": an uploaded paper's file, its Paper's mainFile;
- "appendix-<pk>": an appendix, its Paper's auxiliaryFile;
- "minutes-<meeting pk>-<public|restricted>": a signed minutes part's PDF, the public part its Meeting's
  resultsProtocol, the restricted part an auxiliaryFile;
- "pack-<pk>": a built pack, the agenda pack (kind "public") its Meeting's invitation, the supplementary and
  restricted packs auxiliaryFiles.

Visibility is the site's own rule, read from the same querysets as the site's file views (meetings/views/public.py
PaperFileView and AppendixFileView, meetings/views/record.py SignedMinutesPdfView, meetings/views/packs.py
pack_send). Domestic Homicide Review material (DHR items' papers and appendices, the DHR minutes part, the DHR
pack) is never part of it, for anyone, whatever their clearance; nor is the retired minutes pack.
"""

import datetime
import re
from dataclasses import dataclass, replace

from django.db.models import OuterRef, Subquery
from django.http import Http404, HttpResponse
from django.utils import timezone

from kcsp.downloads import CONTENT_TYPES, file_send
from meetings import access
from meetings.models import Appendix, Pack, Paper, SignedMinutes
from meetings.views.packs import pack_send
from meetings.views.public import uploaded_outgoing
from meetings.views.record import FILE_PART, signed_minutes_send

from .checksums import stored_checksums

KEY = re.compile(r"(paper|appendix|pack)-([1-9][0-9]{0,17})|minutes-([1-9][0-9]{0,17})-(public|restricted)")
KIND_ORDER = {"paper": 0, "appendix": 1, "minutes": 2, "pack": 3}
MINUTES_PARTS = ("public", "restricted")  # never "dhr"
PACK_KINDS = ("public", "supplementary", "restricted")  # never "dhr", never the retired "minutes"
PACK_ROLES = {"public": "invitation", "supplementary": "auxiliaryFile", "restricted": "auxiliaryFile"}
MINUTES_ROLES = {"public": "resultsProtocol", "restricted": "auxiliaryFile"}


@dataclass(frozen=True)
class FileEntry:
    """One file a reader may have. `name` is its title ("Agenda pack", a paper's subject, an appendix's title);
    `file_name` and `mime_type` are those of what this reader receives (a restricted Word paper reaches readers
    who do not manage meetings as PDF: kcsp.downloads); `date` the day the stored file was made (uploaded, built,
    signed), `created` and `modified` aware datetimes from the row's history (simple_history: first and last
    history_date) or, for packs, which keep none, the build time. `size` (bytes), `sha1` and `sha512` (hex) are
    those of the stored file, for public files only: None for restricted files, watermarked for each reader, and
    when storage has lost the file. `role` is the OParl property that holds it: "mainFile", "auxiliaryFile",
    "invitation" or "resultsProtocol"."""

    key: str
    name: str
    file_name: str
    mime_type: str
    date: datetime.date
    created: datetime.datetime
    modified: datetime.datetime
    restricted: bool
    role: str
    meeting_id: int | None = None
    item_id: int | None = None
    paper_id: int | None = None
    size: int | None = None
    sha1: str | None = None
    sha512: str | None = None


@dataclass(frozen=True)
class _Row:
    """An entry before its checksums are read (only for the entries a page shows), its stored file and order."""

    entry: FileEntry
    field_file: object
    order: tuple


def _filled(rows: list[_Row]) -> list[FileEntry]:
    """The rows' entries with size and checksums of their public stored files (one cache round trip)."""
    public = [row.field_file for row in rows if not row.entry.restricted]
    sums = stored_checksums(public) if public else {}
    entries = []
    for row in rows:
        found = None if row.entry.restricted else sums.get(row.field_file.name)
        if found is None:
            entries.append(row.entry)
        else:
            entries.append(replace(row.entry, size=found.size, sha1=found.sha1, sha512=found.sha512))
    return entries


class FileIndex:
    """The files one reader may have, in a stable order (papers, appendices, minutes, packs; each by pk): len(),
    indexing and slicing (a paginator's `object_list`), iteration, `get(key)`, `between(...)`, and the files to
    embed in Meeting (`for_meetings`) and Paper (`for_papers`) objects. Built by `visible_files(user)` in a fixed
    number of queries whatever the number of rows; stored files are read (for size and checksums) only for the
    entries taken out."""

    def __init__(self, rows: list[_Row]):
        self._rows = sorted(rows, key=lambda row: row.order)
        self._by_key = {row.entry.key: row for row in self._rows}

    def __len__(self) -> int:
        return len(self._rows)

    def count(self) -> int:
        return len(self._rows)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return _filled(self._rows[index])
        return _filled([self._rows[index]])[0]

    def __iter__(self):
        return iter(_filled(self._rows))

    @property
    def keys(self) -> list[str]:
        """The entries' keys in order, without reading any stored file."""
        return [row.entry.key for row in self._rows]

    def get(self, key: str) -> FileEntry | None:
        row = self._by_key.get(key)
        return _filled([row])[0] if row is not None else None

    def between(self, created_since=None, created_until=None, modified_since=None, modified_until=None) -> "FileIndex":
        """The entries created and modified within the given bounds (aware datetimes, each bound inclusive, None
        for no bound): OParl 1.1 list filters created_since/created_until/modified_since/modified_until."""
        bounds = ((created_since, created_until, "created"), (modified_since, modified_until, "modified"))

        def inside(row: _Row) -> bool:
            for since, until, field in bounds:
                value = getattr(row.entry, field)
                if (since is not None and value < since) or (until is not None and value > until):
                    return False
            return True

        return FileIndex([row for row in self._rows if inside(row)])

    def _grouped(self, ids, attribute: str, meeting_level: bool) -> dict[int, list[FileEntry]]:
        wanted = set(ids)
        rows = [
            row
            for row in self._rows
            if getattr(row.entry, attribute) in wanted and (row.entry.paper_id is None) == meeting_level
        ]
        grouped: dict[int, list[FileEntry]] = {pk: [] for pk in wanted}
        for entry in _filled(rows):
            grouped[getattr(entry, attribute)].append(entry)
        return grouped

    def for_meetings(self, ids) -> dict[int, list[FileEntry]]:
        """{meeting id: its own files (packs: invitation, auxiliaryFile; signed minutes: resultsProtocol,
        auxiliaryFile), in order} for each of `ids` (an empty list when it has none). Papers' files are not
        here: they belong to their Paper (`for_papers`)."""
        return self._grouped(ids, "meeting_id", meeting_level=True) if ids else {}

    def for_papers(self, ids) -> dict[int, list[FileEntry]]:
        """{paper id: its mainFile (if uploaded) then its appendices (auxiliaryFile), in order} for each of `ids`."""
        if not ids:
            return {}
        grouped = self._grouped(ids, "paper_id", meeting_level=False)
        return {pk: sorted(entries, key=lambda e: e.role != "mainFile") for pk, entries in grouped.items()}


def _history(model, file_field: str) -> dict:
    """Annotations: the first and last history_date of each row, and when its current stored file was first
    recorded (simple_history keeps the file's name in every historical row)."""
    history = model.history.model.objects.filter(id=OuterRef("pk")).values("history_date")
    same_file = history.filter(**{file_field: OuterRef(file_field)})
    return {
        "first_recorded": Subquery(history.order_by("history_date")[:1]),
        "last_recorded": Subquery(history.order_by("-history_date")[:1]),
        "file_recorded": Subquery(same_file.order_by("history_date")[:1]),
    }


def _day(moment: datetime.datetime) -> datetime.date:
    return timezone.localdate(moment)


def _uploaded_type(upload, restricted: bool, user) -> tuple[str, str]:
    """(file name, MIME type) of what this reader receives: kcsp.downloads sends a restricted Word file as PDF to
    readers who do not manage meetings (`_reader_copy`)."""
    if upload.file_kind == "docx" and restricted and not user.has_perm("meetings.manage"):
        return f"{upload.original_name.rsplit('.', 1)[0]}.pdf", CONTENT_TYPES["pdf"]
    return upload.original_name, CONTENT_TYPES.get(upload.file_kind, "application/octet-stream")


def visible_papers(user):
    """The site's rule (Paper.objects.visible_to), DHR items' papers left out."""
    return Paper.objects.visible_to(user).exclude(access.dhr_q("item__"))


def _paper_rows(user, scope: dict) -> list[_Row]:
    papers = (
        visible_papers(user)
        .filter(format=Paper.Format.UPLOADED, **_scoped(scope, "item__meeting_id", "pk"))
        .select_related("item")
        .only(
            "subject", "file", "original_name", "file_kind", "created_at", "item__meeting", "item__restriction_reason"
        )
        .annotate(**_history(Paper, "file"))
    )
    rows = []
    for paper in papers:
        restricted = paper.item.is_restricted
        file_name, mime_type = _uploaded_type(paper, restricted, user)
        created = paper.first_recorded or paper.created_at
        entry = FileEntry(
            key=f"paper-{paper.pk}",
            name=paper.subject,
            file_name=file_name,
            mime_type=mime_type,
            date=_day(paper.file_recorded or created),
            created=created,
            modified=paper.last_recorded or created,
            restricted=restricted,
            meeting_id=paper.item.meeting_id,
            item_id=paper.item_id,
            paper_id=paper.pk,
            role="mainFile",
        )
        rows.append(_Row(entry, paper.file, (KIND_ORDER["paper"], paper.pk, 0)))
    return rows


def _appendix_rows(user, scope: dict) -> list[_Row]:
    appendices = (
        Appendix.objects.filter(paper__in=visible_papers(user), **_scoped(scope, "paper__item__meeting_id", "paper_id"))
        .select_related("paper__item")
        .only(
            "title",
            "file",
            "original_name",
            "file_kind",
            "paper__created_at",
            "paper__item__meeting",
            "paper__item__restriction_reason",
        )
        .annotate(**_history(Appendix, "file"))
    )
    rows = []
    for appendix in appendices:
        item = appendix.paper.item
        restricted = item.is_restricted
        file_name, mime_type = _uploaded_type(appendix, restricted, user)
        created = appendix.first_recorded or appendix.paper.created_at
        entry = FileEntry(
            key=f"appendix-{appendix.pk}",
            name=appendix.title,
            file_name=file_name,
            mime_type=mime_type,
            date=_day(appendix.file_recorded or created),
            created=created,
            modified=appendix.last_recorded or created,
            restricted=restricted,
            meeting_id=item.meeting_id,
            item_id=appendix.paper.item_id,
            paper_id=appendix.paper_id,
            role="auxiliaryFile",
        )
        rows.append(_Row(entry, appendix.file, (KIND_ORDER["appendix"], appendix.pk, 0)))
    return rows


def _file_name(meeting, part: str) -> str:
    """As the site names it (signed_outgoing, pack_outgoing): "<committee> <yyyy-mm-dd> <part>.pdf"."""
    return f"{meeting.committee.label} {meeting.date:%Y-%m-%d} {part}.pdf"


def _minutes_rows(user, scope: dict) -> list[_Row]:
    if scope.get("papers") is not None:
        return []  # a paper has no minutes of its own
    records = (
        SignedMinutes.objects.visible_to(user)
        .filter(kind__in=MINUTES_PARTS, **_scoped(scope, "meeting_id", None))
        .exclude(pdf="")
        .select_related("meeting__committee")
        .defer("content")
        .annotate(**_history(SignedMinutes, "pdf"))
    )
    rows = []
    for record in records:
        meeting = record.meeting
        entry = FileEntry(
            key=f"minutes-{meeting.pk}-{record.kind}",
            name=FILE_PART[record.kind],
            file_name=_file_name(meeting, FILE_PART[record.kind]),
            mime_type=CONTENT_TYPES["pdf"],
            date=_day(record.signed_at),
            created=record.first_recorded or record.signed_at,
            modified=record.last_recorded or record.rendered_at or record.signed_at,
            restricted=record.kind != SignedMinutes.Kind.PUBLIC,
            meeting_id=meeting.pk,
            role=MINUTES_ROLES[record.kind],
        )
        rows.append(_Row(entry, record.pdf, (KIND_ORDER["minutes"], meeting.pk, MINUTES_PARTS.index(record.kind))))
    return rows


def _pack_rows(user, scope: dict) -> list[_Row]:
    """Built packs the reader may download (access.pack_q: packs_for's rule across meetings): a file, not
    withdrawn, not removed. A pack gone stale since its build (packbuild.manifest.pack_withdrawal_reason, read per
    pack) is withdrawn when first asked for, as on the site, and its download then answers 503 or 404."""
    if scope.get("papers") is not None:
        return []  # a paper has no packs of its own
    packs = (
        Pack.objects.filter(
            access.pack_q(user), kind__in=PACK_KINDS, withdrawn_at__isnull=True, **_scoped(scope, "meeting_id", None)
        )
        .exclude(file="")
        .exclude(status=Pack.Status.REMOVED)
        .select_related("meeting__committee")
        .only(
            "kind",
            "file",
            "built_at",
            "requested_at",
            "meeting__starts_at",
            "meeting__published_at",
            "meeting__committee__name",
            "meeting__committee__short_name",
        )
    )
    rows = []
    for pack in packs:
        meeting = pack.meeting
        built = pack.built_at or pack.requested_at or meeting.published_at or meeting.starts_at
        entry = FileEntry(
            key=f"pack-{pack.pk}",
            name=pack.get_kind_display(),
            file_name=_file_name(meeting, pack.get_kind_display()),
            mime_type=CONTENT_TYPES["pdf"],
            date=_day(built),
            created=built,
            modified=built,
            restricted=pack.is_restricted,
            meeting_id=meeting.pk,
            role=PACK_ROLES[pack.kind],
        )
        rows.append(_Row(entry, pack.file, (KIND_ORDER["pack"], pack.pk, 0)))
    return rows


def _scoped(scope: dict, meeting_lookup: str, paper_lookup: str | None) -> dict:
    """Filter arguments narrowing one kind's rows to the scope's meetings or papers (none: no narrowing)."""
    found = {}
    if scope.get("meetings") is not None:
        found[f"{meeting_lookup}__in"] = scope["meetings"]
    if scope.get("papers") is not None and paper_lookup:
        found[f"{paper_lookup}__in"] = scope["papers"]
    return found


def visible_files(user, *, meetings=None, papers=None) -> FileIndex:
    """Every file `user` may have through the API (anonymous included), DHR material never; `meetings` or
    `papers` (lists of ids) narrow it to the files of those meetings or papers, so a page embedding files reads
    only its own (the same fixed number of queries, less work as the archive grows)."""
    scope = {"meetings": meetings, "papers": papers}
    rows = [*_paper_rows(user, scope), *_appendix_rows(user, scope), *_minutes_rows(user, scope)]
    return FileIndex([*rows, *_pack_rows(user, scope)])


def _inline(make, inline: bool):
    def build(row):
        return replace(make(row), inline=inline)

    return build


def file_send_for(request, key: str, *, inline: bool) -> HttpResponse:
    """Send the file `key` names to `request.user` through kcsp.downloads.file_send, from the same queryset and
    Outgoing builder as the site's view: `inline=True` for an accessUrl (no attachment), False for a
    downloadUrl (Content-Disposition: attachment with the file name; OParl 1.1 section 2.7).

    Http404 for a malformed key, a DHR file, and a file the reader may not have. A restricted file is marked,
    watermarked for the reader and recorded (FileDownload) as on the site; an unbuilt, withdrawn or rebuilding
    pack answers the site's page (404, or 503 with Retry-After); an unrendered minutes part 503 "being prepared".
    """
    match = KEY.fullmatch(key or "")
    if match is None:
        raise Http404
    kind, pk, meeting_pk, part = match.groups()
    if meeting_pk is not None:
        return signed_minutes_send(request, int(meeting_pk), part, inline=inline)  # the site's own path
    pk = int(pk)
    user = request.user
    if kind == "paper":
        papers = visible_papers(user).filter(format=Paper.Format.UPLOADED).select_related("item__meeting__committee")
        make = _inline(
            lambda paper: uploaded_outgoing(paper, paper.item, f"Paper {paper.item.code} {paper.subject}"), inline
        )
        return file_send(request, papers, make, pk=pk)
    if kind == "appendix":
        appendices = Appendix.objects.filter(paper__in=visible_papers(user))
        appendices = appendices.select_related("paper__item__meeting__committee")

        def appendix_outgoing(appendix):
            item = appendix.paper.item
            return uploaded_outgoing(appendix, item, f"{appendix} to {item.code} {appendix.paper.subject}")

        return file_send(request, appendices, _inline(appendix_outgoing, inline), pk=pk)
    found = Pack.objects.filter(pk=pk, kind__in=PACK_KINDS).values_list("meeting_id", "kind").first()
    if found is None:
        raise Http404
    return pack_send(request, found[0], found[1], inline=inline)  # the site's guard, visibility and outgoing
