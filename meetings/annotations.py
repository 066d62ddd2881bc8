"""A member's private notes on the papers they read in the pack reader, and where they were in each pack: the rules.

The rows are meetings/models/reader.py `Annotation` and `PackRead.last_page`. The rules (issue 17):
- A note is its writer's alone: every read starts from `Annotation.objects.visible_to(user)` (own notes, on papers
  still visible to them), so nobody else, officers and administrators included, reads one in the product, and a
  note on a restricted paper goes from view when the writer's access to the paper ends. Someone else's note is
  never "forbidden", it does not exist (Annotation.DoesNotExist, a 404). The one way notes leave the product is
  the writer's own subject-access package (`annotations_for_subject`).
- A note is anchored to the paper (or appendix) and a page counted from its first page, not to the pack page, with
  the quoted text: a rebuilt pack, whatever moved around it, shows it on the same page of the same paper.
- A note remembers the paper's fingerprint when written; a paper changed since is flagged ("changed").
- A note on a DHR paper is read or written only through dhr.gate.dhr_gate (the views call it; loading an
  Annotation marks the request too).
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from kcsp.text import text_safe

from . import access, selectors
from .fingerprints import digest, paper_rows
from .models import Annotation, Meeting, Pack, PackContent, PackRead, Paper

QUOTE_MAX = 2000
NOTE_MAX = 5000
CONTEXT_MAX = 64  # the text kept either side of a quote (Annotation.prefix, .suffix)
NOT_ON_A_PAPER = (
    "Notes can be written on papers and their appendices, not on the front sheet, the notes of the last meeting "
    "or blank pages"
)
What = PackContent.What


# --- fingerprints ---------------------------------------------------------------------------------------------


def paper_fingerprints(paper_ids) -> dict[int, str]:
    """{paper id: SHA-256 hex} of what the reader reads of each paper: its printed fields (subject, summary,
    recommendations … and the uploaded file, by its stored name, new on every upload), its sections' headings and
    bodies, and its appendices (letter, title, file). Three queries however many papers (meetings/fingerprints.py,
    shared with the chair's agenda fingerprint). Ids of papers that do not exist are left out."""
    rows = paper_rows(Paper.objects.filter(pk__in=list(paper_ids)))
    content = {row[0]: {"paper": row[1:], "sections": [], "appendices": []} for row in rows["papers"]}
    for key in ("sections", "appendices"):
        for row in rows[key]:
            content[row[1]][key].append(row[2:])  # (position, heading, body) / (letter, title, file)
    return {pk: digest(parts) for pk, parts in content.items()}


def paper_fingerprint(paper: Paper) -> str:
    """`paper_fingerprints` of one paper: the same text, the same value; any change a reader would see, another."""
    return paper_fingerprints([paper.pk])[paper.pk]


# --- the pack and its pages -----------------------------------------------------------------------------------


def reader_pack(user, pack_pk) -> Pack | None:
    """The pack `pack_pk` if `user` (signed in) may open it in the reader, else None (the views answer 404).

    The same visibility as downloads: the meeting visible to them (Meeting.objects.visible_to), the pack among
    selectors.packs_for(meeting, user) and built (it has a file). Three queries at most."""
    if not getattr(user, "is_authenticated", False) or not str(pack_pk).isdigit():
        return None
    meeting_id = Pack.objects.filter(pk=pack_pk).values_list("meeting_id", flat=True).first()
    meeting = Meeting.objects.visible_to(user).filter(pk=meeting_id).first() if meeting_id else None
    if meeting is None:
        return None
    return selectors.packs_for(meeting, user).exclude(file="").filter(pk=pack_pk).first()


def pack_parts(pack: Pack) -> dict[tuple[str, int], tuple[int, int, int]]:
    """{("paper", id) or ("appendix", id): (first page, last page, paper id)}: where each paper and appendix sits in
    the pack's file (physical pages, 1-based, PackContent.first_page / last_page). One query."""
    rows = PackContent.objects.filter(
        pack=pack, what__in=(What.PAPER, What.APPENDIX), first_page__isnull=False, paper__isnull=False
    ).values_list("what", "paper_id", "appendix_id", "first_page", "last_page")
    parts = {}
    for what, paper_id, appendix_id, first, last in rows:
        if what == What.APPENDIX and appendix_id is not None:
            parts[("appendix", appendix_id)] = (first, last or first, paper_id)
        elif what == What.PAPER:
            parts[("paper", paper_id)] = (first, last or first, paper_id)
    return parts


def page_anchor(pack: Pack, page: int) -> tuple[int, int | None, int] | None:
    """(paper id, appendix id or None, pages from that part's first page) of physical `page` of the pack, or None
    when no paper is there (the front sheet, an agenda item's cover, a blank page, a minute). An appendix's own
    range wins over its paper's, whichever way the build recorded them. One query."""
    parts = sorted(pack_parts(pack).items(), key=lambda part: part[0][0] != "appendix")
    for (kind, pk), (first, last, paper_id) in parts:
        if first <= page <= last:
            return paper_id, pk if kind == "appendix" else None, page - first
    return None


def page_label(pack: Pack, page: int | None) -> str | None:
    """The pack's own number of physical `page` ("23a"), from Pack.page_labels; the page itself for a pack built
    before labels were kept; None for None."""
    if page is None:
        return None
    labels = pack.page_labels or []
    return str(labels[page - 1]) if 0 < page <= len(labels) else str(page)


MAX_PAGE = 100_000  # no pack has more pages; a larger number is refused before it reaches an integer column


def _page_count(pack: Pack) -> int | None:
    return pack.page_count or len(pack.page_labels or []) or None


def _page_number(value, pack: Pack, errors: dict) -> int | None:
    count = _page_count(pack)
    text = str(value).strip() if isinstance(value, int | str) and not isinstance(value, bool) else ""
    if not (text.isascii() and text.isdigit() and len(text) <= 9):  # "²" and 5,000 digits are not page numbers
        errors["page"] = ["Give the page as a whole number of the pack's file, counted from 1"]
        return None
    page = int(text)
    if page < 1 or (count is not None and page > count) or page > MAX_PAGE:
        errors["page"] = [f"The page must be between 1 and {count or MAX_PAGE}, the pages of this pack"]
        return None
    return page


# --- notes as the reader reads them ---------------------------------------------------------------------------


def note_json(note: Annotation, pack: Pack | None, parts: dict, fingerprints: dict[int, str]) -> dict:
    """One note as the contract gives it (common.md): its page in `pack` (`parts`: pack_parts(pack)) is its part's
    first page plus its offset, kept within the part should the paper have shrunk since (the quote finds the text);
    None when the part is not in this pack, or there is no pack."""
    first_last = parts.get(("appendix", note.appendix_id) if note.appendix_id else ("paper", note.paper_id))
    page = min(first_last[0] + note.page_offset, first_last[1]) if first_last else None  # (first, last, paper)
    return {
        "id": note.pk,
        "paper": note.paper_id,
        "appendix": note.appendix_id,
        "page": page,
        "page_label": page_label(pack, page) if pack is not None else None,
        "quote": note.quote,
        "prefix": note.prefix,
        "suffix": note.suffix,
        "note": note.note,
        "changed": fingerprints.get(note.paper_id) != note.paper_fingerprint,
        "created_at": note.created_at.isoformat(),
        "updated_at": note.updated_at.isoformat(),
    }


def annotations_for_pack(user, pack: Pack) -> list[dict]:
    """The user's own notes on the papers of `pack`'s meeting that this kind of pack may hold (a public pack never
    lists notes on restricted papers), as `note_json` dicts ordered by page (notes not in this pack last).

    Queries: one for the notes, one for the pack's contents, three for the fingerprints of the papers noted,
    whatever the number of notes. The caller has checked the pack is the user's to read (`reader_pack`)."""
    notes = list(
        Annotation.objects.visible_to(user).filter(
            access.pack_kind_q(pack.kind, "paper__item__"), paper__item__meeting_id=pack.meeting_id
        )
    )
    if not notes:
        return []
    parts = pack_parts(pack)
    fingerprints = paper_fingerprints({note.paper_id for note in notes})
    shown = [note_json(note, pack, parts, fingerprints) for note in notes]
    return sorted(shown, key=lambda note: (note["page"] is None, note["page"] or 0, note["created_at"]))


PLACE_ORDER = {kind: order for order, kind in enumerate(("public", "supplementary", "restricted", "dhr"))}


def notes_places(user, notes: list[Annotation]) -> dict[int, tuple[Pack, int]]:
    """{note id: (pack, physical page)}: where each note is now, in a pack of its meeting the user may open that
    holds its paper (or appendix) with its pages recorded (the agenda pack before the supplementary one); notes in
    no such pack are left out. One query, whatever the number of notes."""
    if not notes:
        return {}
    rows = (
        PackContent.objects.filter(
            access.pack_q(user, "pack__"),
            what__in=(What.PAPER, What.APPENDIX),
            paper_id__in={note.paper_id for note in notes},
            first_page__isnull=False,
        )
        .exclude(pack__file="")
        .exclude(pack__status=Pack.Status.REMOVED)
        .select_related("pack")
    )
    found: dict[tuple, tuple[Pack, int, int]] = {}
    for row in sorted(rows, key=lambda row: PLACE_ORDER.get(row.pack.kind, 9)):
        key = ("appendix", row.appendix_id) if row.what == What.APPENDIX else ("paper", row.paper_id)
        found.setdefault(key, (row.pack, row.first_page, row.last_page or row.first_page))
    places = {}
    for note in notes:
        place = found.get(("appendix", note.appendix_id) if note.appendix_id else ("paper", note.paper_id))
        if place is not None:
            pack, first, last = place
            places[note.pk] = (pack, min(first + note.page_offset, last))
    return places


def _text(value, field: str, limit: int, errors: dict, *, required: str = "") -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        errors[field] = [f"The {field} must be text"]
        return ""
    value = text_safe(value)
    if required and not value.strip():
        errors[field] = [required]
    elif len(value) > limit:
        errors[field] = [f"The {field} must be {limit} characters or fewer (it has {len(value)})"]
    return value


@transaction.atomic
def annotation_create(*, user, pack: Pack, page, quote, prefix="", suffix="", note="") -> Annotation:
    """Save a highlight of `quote` on physical `page` (1-based) of `pack`, with an optional `note`.

    The page is mapped to its paper or appendix and the page counted from that part's first page (`page_anchor`).
    `prefix` and `suffix` (the text either side, to tell repeats apart) keep their CONTEXT_MAX characters nearest
    the quote. Typed text passes kcsp.text.text_safe. Refused with ValidationError({field: [message]}), nothing
    saved: a pack the user may not open ("pack"); a page that is not a whole number within the pack, or holds no
    paper (NOT_ON_A_PAPER), or a paper they may not read ("page"); an empty quote, a quote over QUOTE_MAX or a
    note over NOTE_MAX characters. DHR papers: the view passes dhr.gate.dhr_gate first."""
    if reader_pack(user, pack.pk) is None:
        raise ValidationError({"pack": ["You can only write notes in packs you may read"]})
    errors: dict[str, list[str]] = {}
    number = _page_number(page, pack, errors)
    quote = _text(quote, "quote", QUOTE_MAX, errors, required="Select the text to highlight: a note keeps its quote")
    note = _text(note, "note", NOTE_MAX, errors)
    prefix = _text(prefix, "prefix", 10**6, errors)[-CONTEXT_MAX:]
    suffix = _text(suffix, "suffix", 10**6, errors)[:CONTEXT_MAX]
    anchor = page_anchor(pack, number) if number is not None else None
    if number is not None and anchor is None:
        errors["page"] = [NOT_ON_A_PAPER]
    elif anchor is not None:
        readable = Paper.objects.visible_to(user).filter(access.pack_kind_q(pack.kind, "item__"))
        if not readable.filter(pk=anchor[0]).exists():
            errors["page"] = ["Notes can be written only on papers you may read"]
    if errors:
        raise ValidationError(errors)
    paper_id, appendix_id, offset = anchor
    now = timezone.now()
    return Annotation.objects.create(
        user=user,
        paper_id=paper_id,
        appendix_id=appendix_id,
        page_offset=offset,
        quote=quote,
        prefix=prefix,
        suffix=suffix,
        note=note,
        paper_fingerprint=paper_fingerprints([paper_id])[paper_id],
        created_at=now,
        updated_at=now,
    )


def annotation_for(user, pk) -> Annotation:
    """The user's own note `pk`, still visible to them, with its paper and item; Annotation.DoesNotExist for
    anyone else's, whoever asks (a 404, never a 403: another person's note does not exist for them)."""
    if not str(pk).isdigit():
        raise Annotation.DoesNotExist
    return Annotation.objects.visible_to(user).select_related("paper__item__meeting", "appendix").get(pk=pk)


def _own(annotation: Annotation, user) -> None:
    if not Annotation.objects.visible_to(user).filter(pk=annotation.pk).exists():
        raise Annotation.DoesNotExist


@transaction.atomic
def annotation_update(*, annotation: Annotation, user, note) -> Annotation:
    """Replace the note's text (the quote and anchor stay). Only its writer, while the paper is visible to them:
    anyone else gets Annotation.DoesNotExist. A note over NOTE_MAX characters, or not text, is refused with
    ValidationError({"note": [...]}). The paper's fingerprint is kept: "changed" still says the paper changed
    since the note was first written."""
    _own(annotation, user)
    errors: dict[str, list[str]] = {}
    text = _text(note, "note", NOTE_MAX, errors)
    if errors:
        raise ValidationError(errors)
    annotation.note, annotation.updated_at = text, timezone.now()
    annotation.save(update_fields=["note", "updated_at"])
    return annotation


@transaction.atomic
def annotation_delete(*, annotation: Annotation, user) -> None:
    """Remove the note for good (private working notes keep no history). Only its writer: anyone else gets
    Annotation.DoesNotExist."""
    _own(annotation, user)
    annotation.delete()


# --- where the reader was -------------------------------------------------------------------------------------


def reader_position(user, pack: Pack) -> dict:
    """{"page": physical 1-based page or None, "page_label": the pack's own number or None}: where the user last
    was in the pack (PackRead.last_page). One query."""
    page = PackRead.objects.filter(user=user, pack=pack).values_list("last_page", flat=True).first()
    return {"page": page, "page_label": page_label(pack, page)}


def reader_position_save(*, user, pack: Pack, page) -> PackRead:
    """Remember physical `page` (1-based, within the pack) as where the user is in `pack`, to offer to resume.

    Moves PackRead.last_page only, never read_at (the "new since you last read" marker belongs to
    pack_reads.pack_read_mark); a person with no marker yet gets one now, for they are reading it now. Refused with
    ValidationError({"page": [...]}) for a page that is not a whole number within the pack, ({"pack": [...]}) for a
    pack they may not open."""
    if reader_pack(user, pack.pk) is None:
        raise ValidationError({"pack": ["You can only keep your place in packs you may read"]})
    errors: dict[str, list[str]] = {}
    number = _page_number(page, pack, errors)
    if errors:
        raise ValidationError(errors)
    read, created = PackRead.objects.get_or_create(user=user, pack=pack, defaults={"last_page": number})
    if not created and read.last_page != number:
        PackRead.objects.filter(pk=read.pk).update(last_page=number)  # read_at untouched
        read.last_page = number
    return read


# --- the writer's own copy ------------------------------------------------------------------------------------


def annotations_for_subject(user) -> list[dict]:
    """Every note `user` wrote, visible to them now or not, as plain dicts: THE only way notes leave the product,
    for that person's own subject-access package (issue 20), made under the information-governance rules.

    Each: {"id", "meeting" (its title and date), "meeting_id", "paper_id", "appendix_id", "page_offset", "quote",
    "prefix", "suffix", "note", "created_at", "updated_at" (ISO 8601), "restriction" (the paper's item's restriction
    reason, "" for public), "visible_now" (whether the person may still read the paper)}. The quote of a restricted
    paper is restricted material: the package's maker decides, by "restriction" and "visible_now", what it may
    carry. Two queries."""
    visible = set(Annotation.objects.visible_to(user).values_list("pk", flat=True))
    notes = (
        Annotation.objects.filter(user=user)
        .select_related("paper__item__meeting__committee")
        .order_by("created_at", "pk")
    )
    return [
        {
            "id": note.pk,
            "meeting": str(note.paper.item.meeting),
            "meeting_id": note.paper.item.meeting_id,
            "paper_id": note.paper_id,
            "appendix_id": note.appendix_id,
            "page_offset": note.page_offset,
            "quote": note.quote,
            "prefix": note.prefix,
            "suffix": note.suffix,
            "note": note.note,
            "created_at": note.created_at.isoformat(),
            "updated_at": note.updated_at.isoformat(),
            "restriction": note.paper.item.restriction_reason,
            "visible_now": note.pk in visible,
        }
        for note in notes
    ]
