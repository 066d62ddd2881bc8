"""Reads for the meeting pages, each starting from a permission-aware queryset."""

from django.db.models import Case, Exists, OuterRef, Prefetch, Value, When

from . import access
from .agenda_print import PrintSection, listed_items, print_sections
from .models import Action, AgendaItem, Appendix, Attendance, Meeting, Membership, Pack, Paper


def agenda_items(meeting: Meeting, user):
    """The items this user may see, with their papers and appendices, in a fixed number of queries."""
    return (
        AgendaItem.objects.visible_to(user)
        .filter(meeting=meeting)
        .order_by("section", "position")
        .prefetch_related(
            Prefetch("papers", queryset=Paper.objects.order_by("created_at")),
            Prefetch("papers__appendices", queryset=Appendix.objects.order_by("letter")),
        )
    )


def agenda_sections(meeting: Meeting, user) -> list[PrintSection]:
    """Every item of the agenda by the committee's sections: those this user may read in full (with papers), the
    others by code and listed title only (agenda_print.listed_items); restricted runs marked as such."""
    items = list(agenda_items(meeting, user))
    items += listed_items(meeting, exclude_ids=[item.pk for item in items])
    sections = print_sections(meeting.committee, items)
    for section in sections:
        section.items[0].first_in_section, section.items[-1].last_in_section = True, True
    return sections


def open_actions_for(meeting: Meeting, user):
    """Actions from earlier meetings of the body still open: reviewed until done."""
    return (
        Action.objects.visible_to(user)
        .open()
        .for_committee(meeting.committee_id)
        .filter(minute__meeting__starts_at__lt=meeting.starts_at)
        .select_related("owner", "minute")
    )


def action_log(committee, user, *, owner=None, status: str = "", overdue: bool = False):
    """The committee's actions this user may read (their minutes' rule: Action.objects.visible_to), open ones
    first, then by due date; narrowed to one owner (a Person), one status, or open actions past their due date.
    Each row comes with its owner and its minute's meeting, for a fixed number of queries."""
    actions = Action.objects.visible_to(user).for_committee(committee.pk)
    if owner is not None:
        actions = actions.filter(owner=owner)
    if status:
        actions = actions.filter(status=status)
    if overdue:
        actions = actions.overdue()
    still_open = Case(When(status=Action.Status.OPEN, then=Value(0)), default=Value(1))
    return actions.select_related("owner", "minute__meeting").order_by(still_open, "due_on", "pk")


def action_owners(committee, user):
    """The people who own any of the committee's actions this user may read (the log's owner filter)."""
    from kcsp.models import Person

    owned = Action.objects.visible_to(user).for_committee(committee.pk).values("owner_id")
    return Person.objects.filter(pk__in=owned).order_by("surname", "initials", "pk")


def packs_for(meeting: Meeting, user):
    """The packs of a published meeting this user may know of; nothing at all before publication. A kind
    removed for having nothing left is shown to officers only (with why)."""
    if not meeting.is_published:
        return Pack.objects.none()
    packs = meeting.packs.filter(kind__in=access.pack_kinds_visible(user, meeting)).order_by("kind")
    if not user.has_perm("meetings.manage"):
        packs = packs.exclude(status=Pack.Status.REMOVED)
    return packs.select_related("withdrawn_by")


def attendance_for(meeting: Meeting):
    return meeting.attendance.select_related("person", "organisation", "substitute_for").order_by(
        "kind", "person__surname"
    )


def may_send_apologies(meeting: Meeting, user) -> bool:
    """True when the user's person is a current member of the meeting's body on its date and has not yet sent
    apologies for it (the meeting page's "Send apologies" button); one query, none for a visitor who is not signed
    in."""
    if not getattr(user, "is_authenticated", False):
        return False
    sent = Attendance.objects.filter(meeting=meeting, person=OuterRef("person"), kind="apologies")
    return (
        Membership.objects.current(meeting.date)
        .filter(committee_id=meeting.committee_id, person__user=user)
        .filter(~Exists(sent))
        .exists()
    )


def item_quorum_rows(meeting: Meeting, user) -> list:
    """[(agenda item, meetings.quorum.Quorum)] for the items of `meeting` this user records minutes on, in order."""
    from .minute_forms import items_to_record
    from .quorum import item_quorums

    items = list(items_to_record(meeting, user).order_by("section", "position"))
    quorums = item_quorums(meeting, items)
    return [(item, quorums[item.pk]) for item in items]
