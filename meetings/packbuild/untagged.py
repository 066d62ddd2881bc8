"""Which parts of a pack are not accessible (not tagged PDF), told to the people who need it (issue 19).

The build records them on the pack (`Pack.untagged_parts`, with the file: service.pack_build); the pack's front
sheet lists them with their pages and how to ask for an accessible copy; the accessibility statement lists those
of the packs the reader may see (`statement_packs`), from the same record, opening no PDF. Only uploaded PDFs can
be untagged: parts written in the app are WeasyPrint PDF/UA-1 and Word uploads are converted tagged (parts.py).
"""

from django.db.models import QuerySet

from .. import access
from ..models import Pack
from .assemble import PackPart
from .pages import Layout
from .tags import is_tagged

# Where anyone may ask for a paper in another format (the accessibility statement's contact).
TEAM_EMAIL = "kentcommunitysafetyteam@kent.gov.uk"


def untagged_parts(parts: list[PackPart]) -> list[dict]:
    """[{"key": part key, "title": its bookmark title}, …] for each part that is not tagged (tags.is_tagged), in
    pack order; an appendix's entry also has "paper": its paper's bookmark title."""
    titles = {part.key: part.outline_title for part in parts}
    found = []
    for part in parts:
        if is_tagged(part.doc):
            continue
        entry = {"key": part.key, "title": part.outline_title}
        if part.parent_key in titles:
            entry["paper"] = titles[part.parent_key]
        found.append(entry)
    return found


def front_sheet_untagged(untagged: list[dict], layout: Layout) -> list[dict]:
    """The front sheet's list: each untagged part's title (an appendix's with its paper's) and its pages, "Page 5"
    or "Pages 5 - 7" (Layout.pages_text)."""
    return [
        {"title": _full_title(entry), "pages": layout.pages_text([entry["key"]])}
        for entry in untagged
        if layout.physical(entry["key"])
    ]


def _full_title(entry: dict) -> str:
    return f"{entry['paper']}, {entry['title']}" if entry.get("paper") else entry["title"]


def statement_packs(user) -> QuerySet:
    """The built packs `user` may see (access.pack_q: published meetings, kinds by their rights) that hold a part
    that is not tagged, newest meeting first, with their meeting and committee: one query. A withdrawn or removed
    pack is left out (what it held may no longer be for this reader), and so is every DHR pack: its titles are
    read only through the DHR gate (dhr/gate.py), on its front sheet."""
    return (
        Pack.objects.filter(access.pack_q(user), withdrawn_at__isnull=True)
        .exclude(kind__in=(Pack.Kind.DHR, Pack.Kind.MINUTES))
        .exclude(status=Pack.Status.REMOVED)
        .exclude(file="")
        .exclude(untagged_parts=[])
        .select_related("meeting__committee")
        .order_by("-meeting__starts_at", "meeting_id", "kind")
    )


def statement_rows(user) -> list[dict]:
    """The accessibility statement's "Papers that are not accessible": per pack, its meeting, pack label and the
    titles of its untagged parts (`statement_packs`)."""
    return [
        {
            "meeting": pack.meeting,
            "pack": pack.get_kind_display(),
            "titles": [_full_title(entry) for entry in pack.untagged_parts],
        }
        for pack in statement_packs(user)
    ]
