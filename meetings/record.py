"""The record of a meeting's minutes as it prints: one dictionary for the page, the PDF and the signed copy.

`minutes_record(meeting, kind)` reads the live rows of a meeting not yet signed; once signed, the same dictionary
is frozen in SignedMinutes.content and everything that shows the minutes reads it from there
(`minutes_records`). Shape (JSON-serialisable; version 1):

    {"version": 1, "kind": "public" | "restricted" | "dhr", "marking": "" | "OFFICIAL-SENSITIVE",
     "handling": "" | settings.HANDLING_LINE (absent from records signed before issue 20),
     "committee": str, "heading": "NOTES of a meeting of … held online on Thursday, 24 March 2022.",
     "attendance": [{"heading": "PRESENT" | "ALSO PRESENT" | "IN ATTENDANCE" | "APOLOGIES", "names": [str]}],
     "declarations": [{"name": str, "item": "B1" | None, "kind": str, "interest": str}],
     "minutes": [{"id": int, "number": int, "title": str, "item": "B1" | None, "blocks": [...minutetext blocks],
                  "actions": [{"id": int, "text": str, "owner": str, "due": "YYYY-MM-DD", "due_text": "14 July 2022"}],
                  "quorum": "" | "Not quorate: …"}],
     "approval": None | {"at_meeting": "14 July 2022", "signed_by": str, "signed_on": "14 July 2022"}}

Attendance prints in the partnership's order (DOMAIN.md "Attendance prints as the record of who was there"): the
person in the chair first with their capacity, then the vice-chair, then the rest by surname; each name as it
was recorded at the meeting, with its role text.
"""

from django.utils import timezone

from kcsp.exports import OFFICIAL_SENSITIVE
from kcsp.marking import handling_line

from . import access
from .models import Action, Attendance, Meeting, Minute, SignedMinutes
from .quorum import item_quorums

KINDS = ("public", "restricted", "dhr")
CHAIR_FIRST = {
    Attendance.Capacity.CHAIR: 0,
    Attendance.Capacity.VICE_CHAIR_IN_CHAIR: 0,
    Attendance.Capacity.IN_CHAIR: 0,
    Attendance.Capacity.VICE_CHAIR: 1,
}
BLOCK_HEADINGS = (
    ((Attendance.Kind.PRESENT, Attendance.Kind.SUBSTITUTE), "PRESENT"),
    ((Attendance.Kind.ALSO_PRESENT,), "ALSO PRESENT"),
    ((Attendance.Kind.IN_ATTENDANCE,), "IN ATTENDANCE"),
    ((Attendance.Kind.APOLOGIES,), "APOLOGIES"),
)


def item_kind(item) -> str:
    """Which part of the record a minute or declaration on this agenda item (or on none) belongs to."""
    if item is None or not item.is_restricted:
        return "public"
    return "dhr" if item.is_dhr else "restricted"


def minute_kind(minute: Minute) -> str:
    """Which part of the record a minute belongs to: its agenda item's restriction decides."""
    return item_kind(minute.item)


# How the record prints a capacity after the name, as the partnership's notes do (reference paper 003:
# "Mr Rivers (Vice-Chairman in the Chair)"); the register's choices may read differently.
PRINTED_CAPACITY = {
    Attendance.Capacity.CHAIR: "Chairman",
    Attendance.Capacity.VICE_CHAIR: "Vice-Chairman",
    Attendance.Capacity.VICE_CHAIR_IN_CHAIR: "Vice-Chairman in the Chair",
    Attendance.Capacity.IN_CHAIR: "in the Chair",
}


def attendance_name(row: Attendance) -> str:
    """ "Mr Rivers (Vice-Chairman in the Chair)", "Mrs A Taylor (Community Safety Manager)", "Mr B Platt
    (substitute for Ms C Julian)": every name as recorded at the meeting, never the person's name today."""
    name = row.name_as_recorded or row.person.display_name
    extras = [PRINTED_CAPACITY.get(row.capacity, row.get_capacity_display())] if row.capacity else []
    if row.role_text:
        extras.append(row.role_text)
    if row.kind == Attendance.Kind.SUBSTITUTE and row.substitute_for_id:
        extras.append(f"substitute for {row.substitute_for_name or row.substitute_for.display_name}")
    return f"{name} ({'; '.join(extras)})" if extras else name


def attendance_blocks(meeting: Meeting) -> list[dict]:
    rows = meeting.attendance.select_related("person", "substitute_for")
    blocks = []
    for kinds, heading in BLOCK_HEADINGS:
        chosen = [row for row in rows if row.kind in kinds]
        chosen.sort(key=lambda r: (CHAIR_FIRST.get(r.capacity, 2), r.person.surname.lower(), r.person.initials))
        if chosen:
            blocks.append({"heading": heading, "names": [attendance_name(row) for row in chosen]})
    return blocks


def _inquorate(quorum) -> bool:
    """Printed in the minute only when it is a finding (everyone present has their organisation recorded)."""
    return quorum.is_known and not quorum.is_quorate


def _day(value) -> str:
    return f"{value:%-d %B %Y}"


def minutes_record(meeting: Meeting, kind: str, approval: dict | None = None) -> dict:
    """The record of one part (`kind`, one of KINDS) of a meeting's minutes, from the live rows."""
    minutes = [
        m
        for m in Minute.objects.filter(meeting=meeting).select_related("item").order_by("number")
        if minute_kind(m) == kind
    ]
    actions: dict[int, list[dict]] = {}
    for action in Action.objects.filter(minute__in=minutes).select_related("owner").order_by("due_on", "pk"):
        actions.setdefault(action.minute_id, []).append(
            {
                "id": action.pk,
                "text": action.text,
                "owner": action.owner_name or action.owner.display_name,
                "due": action.due_on.isoformat(),
                "due_text": _day(action.due_on),
            }
        )
    quorums = item_quorums(meeting, [m.item for m in minutes if m.item is not None])
    declarations = [
        {
            "name": d.name_as_recorded or d.person.display_name,
            "item": d.item.code if d.item else None,
            "kind": d.get_interest_kind_display(),
            "interest": d.interest,
        }
        for d in meeting.declarations.select_related("person", "item").order_by("person__surname", "pk")
        if (d.item_id is None and kind == "public") or (d.item_id is not None and item_kind(d.item) == kind)
    ]
    return {
        "version": 1,
        "kind": kind,
        "marking": "" if kind == "public" else OFFICIAL_SENSITIVE,
        "handling": "" if kind == "public" else handling_line(),
        "committee": meeting.committee.name,
        "heading": f"NOTES of a meeting of the {meeting.committee.name} {meeting.where_and_when}.",
        "attendance": attendance_blocks(meeting),
        "declarations": declarations,
        "minutes": [
            {
                "id": m.pk,
                "number": m.number,
                "title": m.title,
                "item": m.item.code if m.item else None,
                "blocks": m.blocks,
                "actions": actions.get(m.pk, []),
                "quorum": "" if m.item is None or not _inquorate(quorums[m.item_id]) else quorums[m.item_id].summary,
            }
            for m in minutes
        ],
        "approval": approval,
    }


def kinds_visible(user, meeting: Meeting) -> list[str]:
    """The parts of a meeting's minutes this user may read (access rules of their items)."""
    packs = access.pack_kinds_visible(user, meeting)
    return [kind for kind in KINDS if kind == "public" or kind in packs]


def minutes_records(meeting: Meeting, user) -> list[dict]:
    """What the minutes page shows this user: the signed records once signed, else the live draft records (to those
    who may see drafts: access.may_see_draft_minutes); only the parts the user may read, and only parts with
    minutes in them."""
    kinds = kinds_visible(user, meeting)
    if meeting.minutes_signed_at is None and not access.may_see_draft_minutes(user, meeting.committee_id, meeting):
        return []
    if meeting.minutes_signed_at is not None:
        signed = SignedMinutes.objects.filter(meeting=meeting, kind__in=kinds)
        return sorted((s.content for s in signed), key=lambda c: KINDS.index(c["kind"]))
    records = [minutes_record(meeting, kind) for kind in kinds]
    return [r for r in records if r["minutes"] or r["declarations"]]


def approval_record(meeting: Meeting) -> dict:
    at = meeting.minutes_approved_at_meeting
    return {
        "at_meeting": _day(timezone.localtime(at.starts_at)),
        "signed_by": meeting.minutes_signed_name,
        "signed_on": _day(timezone.localtime(meeting.minutes_signed_at)),
    }
