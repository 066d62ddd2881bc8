"""Build a meeting's packs: gather the parts for the kind, lay them out, then swap the new file in."""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from kcsp.exports import OFFICIAL_SENSITIVE as MARKING

from .. import access
from ..agenda_print import (
    EXCLUSION_STATEMENT,
    OPEN_STATEMENT,
    listed_items,
    print_sections,
    whole_restricted_letters,
)
from ..models import AgendaItem, Meeting, Minute, Pack, PackContent, Paper
from .assemble import PackPart, build_pdf, lay_out
from .manifest import contents_record, holding, stale_reason
from .parts import PackBuildError, RenderStats, rendered_part, uploaded_part
from .withdraw import pack_withdraw

# No build outlives the task's hard time limit: a claim older than that belongs to a dead worker.
STALE_BUILD = datetime.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 60)


def items_for(meeting: Meeting, kind: str):
    """The items a pack of this kind lists and holds, in agenda order (the rule is access.pack_kind_q)."""
    return meeting.items.for_pack(kind).order_by("section", "position")


def front_sheet_sections(meeting: Meeting, kind: str, items: list[AgendaItem]):
    """The front sheet's sections (meetings/agenda_print.py): a public pack lists the restricted items too, by
    their listed titles only (withheld and DHR titles never); a restricted pack lists its own items, a restricted
    item of an open section under its "RESTRICTED ITEMS" sub-heading."""
    if kind in access.PUBLIC_PACK_KINDS:
        listed = [i for i in listed_items(meeting, exclude_ids=[i.pk for i in items]) if i.is_restricted]
        return print_sections(meeting.committee, [*items, *listed])
    return print_sections(meeting.committee, items, whole_restricted_letters(meeting))


def _notes_item(items):
    return next((i for i in items if i.section == "A" and i.title.startswith("Notes of")), None)


@dataclass
class Source:
    """Something that becomes one part: a paper, an appendix, or the notes of the last meeting."""

    key: str
    item: AgendaItem
    title: str
    make: object
    parent_key: str | None = None
    holds: list[PackContent] = field(default_factory=list)  # its rows in the pack's manifest


def sources_for(meeting: Meeting, kind: str, stats: RenderStats, items: list[AgendaItem] | None = None) -> list[Source]:
    if items is None:
        items = list(items_for(meeting, kind).prefetch_related("papers__sections", "papers__appendices"))
    sources = []
    notes_item = _notes_item(items) if kind == Pack.Kind.PUBLIC else None
    previous = meeting.previous_meeting()
    for item in items:
        papers = [p for p in item.papers.all() if kind != Pack.Kind.SUPPLEMENTARY or p.is_supplementary]
        if item == notes_item and not papers and previous and previous.minutes.exists():
            sources.append(
                Source(
                    f"item-{item.pk}",
                    item,
                    f"{item.code} {item.title}",
                    lambda prev=previous: _minutes_part(prev, stats),
                    holds=[holding(minute, item=minute.item) for minute in public_minutes(previous)],
                )
            )
        if kind == Pack.Kind.DHR:
            sources.extend(_dhr_update_paper(item, stats))
        for paper in papers:
            paper_key = f"paper-{paper.pk}"
            sources.append(
                Source(
                    paper_key,
                    item,
                    f"{item.code} {paper.subject}",
                    lambda p=paper: _paper_part(p, stats),
                    holds=[holding(paper, item=item)],
                )
            )
            for appendix in paper.appendices.all():
                sources.append(
                    Source(
                        f"appendix-{appendix.pk}",
                        item,
                        f"Appendix {appendix.letter}: {appendix.title}",
                        lambda a=appendix: uploaded_part(
                            a.file, a.file_kind, f"Appendix {a.letter} ({a.original_name})", stats
                        ),
                        parent_key=paper_key,
                        holds=[holding(appendix, item=item)],
                    )
                )
    return sources


def _dhr_update_paper(item: AgendaItem, stats: RenderStats) -> list[Source]:
    """The generated DHR update paper, for DHR items that ask for it; only ever in the DHR pack."""
    from dhr.packpaper import update_paper_part, wants_update_paper

    if not wants_update_paper(item):
        return []
    return [
        Source(
            f"dhr-update-{item.pk}",
            item,
            f"{item.code} Domestic Homicide Review update",
            lambda: update_paper_part(item, stats),
        )
    ]


def _paper_part(paper: Paper, stats: RenderStats) -> bytes:
    if paper.format == Paper.Format.UPLOADED:
        return uploaded_part(paper.file, paper.file_kind, f"The paper '{paper.subject}' ({paper.original_name})", stats)
    return rendered_part(
        "meetings/pdf/paper.html",
        {"paper": paper, "item": paper.item},
        title=paper.subject,
        label=f"paper {paper.pk}",
        stats=stats,
    )


def public_minutes(meeting: Meeting):
    """The minutes a public pack may print: those of items that are not restricted (access.pack_kind_q)."""
    allowed = Q(item__isnull=True) | access.pack_kind_q(Pack.Kind.PUBLIC, "item__")  # procedural: public
    minutes = Minute.objects.filter(allowed, meeting=meeting)
    return minutes.select_related("item").order_by("number")


def _minutes_part(meeting: Meeting, stats: RenderStats) -> bytes:
    """The public minutes as they print (meetings/record.py): the signed record once signed, else the draft."""
    from ..record import minutes_record

    signed = meeting.signed_minutes.filter(kind="public").first() if meeting.minutes_signed_at else None
    context = {"record": signed.content if signed else minutes_record(meeting, "public")}
    return rendered_part(
        "meetings/pdf/minutes.html", context, title=f"Notes of {meeting}", label=f"minutes {meeting.pk}", stats=stats
    )


def _set(pack: Pack, **fields) -> None:
    Pack.objects.filter(pk=pack.pk).update(**fields)


def _claim(pack: Pack, claim: str = "") -> bool:
    """One build at a time per meeting: claim this pack unless a live build of the meeting holds the claim.

    `claim` names the task; the same task redelivered after its worker died takes its own claim back."""
    now = timezone.now()
    with transaction.atomic():
        Meeting.objects.select_for_update().get(pk=pack.meeting_id)
        live = Pack.objects.filter(
            meeting_id=pack.meeting_id, status=Pack.Status.BUILDING, build_started_at__gt=now - STALE_BUILD
        )
        if claim:
            live = live.exclude(pk=pack.pk, build_claim=claim)
        if live.exists():
            return False
        Pack.objects.filter(pk=pack.pk).update(
            status=Pack.Status.BUILDING, failure="", progress="Starting", build_started_at=now, build_claim=claim
        )
    return True


def pack_build(*, meeting: Meeting, kind: str, claim: str = "") -> RenderStats:
    """Build one pack. On failure the last good file stays in place and the reason is recorded.

    The minutes kind is retired (the signed record's PDF is the approved minutes): ValueError."""
    if kind == Pack.Kind.MINUTES:
        raise ValueError("The minutes pack is no longer built: the signed record's PDF is the approved minutes.")
    pack, _ = Pack.objects.get_or_create(meeting=meeting, kind=kind)
    stats = RenderStats()
    if not _claim(pack, claim):
        raise BuildBusy(f"{pack} is already being built.")
    try:
        items = list(items_for(meeting, kind).prefetch_related("papers__sections", "papers__appendices"))
        sources = sources_for(meeting, kind, stats, items=items)
        contents = [holding(item) for item in items] + [row for source in sources for row in source.holds]
        parts = []
        for n, source in enumerate(sources, start=1):
            _set(pack, progress=f"Paper {n} of {len(sources)}")
            parts.append(PackPart(source.key, source.title, source.make(), parent_key=source.parent_key))
        _set(pack, progress="Numbering pages")
        restricted = kind in (Pack.Kind.RESTRICTED, Pack.Kind.DHR)
        item_ranges = _item_ranges(sources)

        def front_sheet(ranges):
            pages = {item: (ranges[first][0], ranges[last][1]) for item, (first, last) in item_ranges.items()}
            context = {
                "meeting": meeting,
                "kind": kind,
                "kind_label": Pack.Kind(kind).label,
                "items": items,
                "sections": front_sheet_sections(meeting, kind, items),
                "exclusion_statement": EXCLUSION_STATEMENT,
                "open_statement": OPEN_STATEMENT,
                "pages": pages,
                "marking": MARKING if restricted else "",
            }
            return rendered_part(
                "meetings/pdf/front_sheet.html",
                context,
                title=f"{Pack.Kind(kind).label}: {meeting}",
                label="front sheet",
                stats=stats,
            )

        front, layout = lay_out(front_sheet, parts)
        pdf = build_pdf(
            front=front,
            layout=layout,
            parts=parts,
            title=f"{Pack.Kind(kind).label}: {meeting}",
            marking=MARKING if restricted else "",
        )
    except Exception as error:
        reason = str(error) if isinstance(error, PackBuildError) else f"Unexpected error: {type(error).__name__}"
        _set(pack, status=Pack.Status.FAILED, progress="", failure=reason)
        raise
    _swap_in(pack, pdf, layout.total, contents)
    return stats


class BuildBusy(Exception):
    """Another build of the same pack is running: try again shortly."""


def _item_ranges(sources: list[Source]) -> dict[int, tuple[str, str]]:
    ranges = {}
    for source in sources:
        first, _ = ranges.get(source.item.pk, (source.key, source.key))
        ranges[source.item.pk] = (first, source.key)
    return ranges


def _swap_in(pack: Pack, pdf: bytes, pages: int, contents: list[PackContent]) -> None:
    """Write the new file completely, then point the pack at it with its manifest; the old file goes only after
    commit. A withdrawal made after this build started stays (the build may predate the change), and so does
    one the new manifest itself shows is still due; a removed pack stays removed."""
    storage = pack.file.storage
    name = storage.save(pack.file.field.generate_filename(pack, "pack.pdf"), ContentFile(pdf))
    try:
        with transaction.atomic():
            locked = Pack.objects.select_for_update().get(pk=pack.pk)
            if locked.status == Pack.Status.REMOVED:
                transaction.on_commit(lambda: storage.delete(name))
                return
            old = locked.file.name if locked.file else None
            contents_record(locked, contents)
            Pack.objects.filter(pk=pack.pk).update(
                file=name, status=Pack.Status.READY, progress="", failure="", page_count=pages, built_at=timezone.now()
            )
            started = locked.build_started_at
            # Only a withdrawal nobody holds by hand ends with a build that started after it (see withdraw.py).
            restores = locked.withdrawn_at is None or (
                locked.withdrawn_by_id is None and started is not None and locked.withdrawn_at <= started
            )
            still_stale = stale_reason(locked)
            if still_stale:
                pack_withdraw(pack=locked, reason=still_stale)
            elif restores:
                Pack.objects.filter(pk=pack.pk).update(withdrawn_at=None, withdrawn_by=None, withdrawn_reason="")
            if old:
                transaction.on_commit(lambda: storage.delete(old))
    except BaseException:
        storage.delete(name)
        raise
