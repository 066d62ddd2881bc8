"""Demo committee business from the July 2022 pack: the three bodies, the March and July 2022 KCSP meetings, placed
around today (kcsp/demo_clock.py): March held with minutes signed at July, July held with its minutes to write and its
packs built, November's agenda with the chair, and next March's draft agenda for the officer to prepare."""

import datetime

from django.db import transaction
from django.utils import timezone

from kcsp.demo_clock import DemoClock
from kcsp.demo_records import demo_mark
from kcsp.models import Organisation, Person, User

from .agenda_setup import standard_items_copy
from .chair_agreement import agenda_send_to_chair
from .demo_forward_plan import demo_forward_plan_load
from .minutetext import minute_blocks
from .minuting import minute_style
from .models import (
    Action,
    AgendaItem,
    Attendance,
    Committee,
    CommitteeSection,
    Meeting,
    Membership,
    Minute,
    OfficeTerm,
    Paper,
    PaperSection,
    TermsOfReference,
)
from .signing import chairing, minutes_freeze

DATA = "meetings_2022.json"


def _date(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


def _load_committees(data, people, clock: DemoClock):
    committees = {}
    for row in data["committees"]:
        committee, _ = Committee.objects.update_or_create(
            slug=row["slug"],
            defaults={
                k: row[k] for k in ("name", "short_name", "frequency", "quorum_count", "quorum_basis", "is_public")
            }
            | {k: row[k] for k in ("resolution_wording", "resolution_label_style") if k in row}
            | {"parent": committees.get(row.get("parent"))},
        )
        committees[row["slug"]] = committee
        for letter, heading in row.get("agenda_sections", {}).items():  # as its agendas print them (July 2022)
            CommitteeSection.objects.update_or_create(committee=committee, letter=letter, defaults={"heading": heading})
        for terms in row["terms"]:
            made = TermsOfReference.objects.create(
                committee=committee,
                agreed_on=clock.day(terms["agreed_on"]),  # agreed at the July meeting, wherever it lands
                text=terms["text"],
                summary_of_changes=terms["summary_of_changes"],
            )
            demo_mark([made], clock.placed_for)
    for row in data["memberships"]:
        Membership.objects.update_or_create(
            committee=committees[row["committee"]],
            person=people[row["person"]],
            kind=row["kind"],
            defaults={
                "organisation": Organisation.objects.get(name=row["organisation"]),
                "starts_on": _date(row["starts_on"]),
            },
        )
    for row in data["offices"]:
        OfficeTerm.objects.update_or_create(
            committee=committees[row["committee"]],
            person=people[row["person"]],
            office=row["office"],
            defaults={"starts_on": _date(row["starts_on"])},
        )
    return committees


def _memberships_by_person(committee):
    return {m.person_id: m.organisation for m in Membership.objects.filter(committee=committee)}


def _load_meeting(row, committees, people, chair_user, clock: DemoClock):
    starts_at = clock.meeting_at(row["starts_at"])
    fields = {k: row[k] for k in ("venue_kind", "venue", "contact_name", "contact_phone", "contact_email")}
    meeting = Meeting.objects.create(
        committee=committees[row["committee"]],
        starts_at=starts_at,
        **fields,
        status=Meeting.Status.HELD,
        agenda_agreed_by=chair_user,
        agenda_agreed_at=starts_at - datetime.timedelta(days=14),
        published_at=starts_at - datetime.timedelta(days=8),
    )
    demo_mark([meeting], clock.placed_for)
    counters = {}
    items = {}
    for entry in row["items"]:
        section, title, kind, purpose, *rest = entry
        reason = rest[0] if rest else ""
        description = rest[1] if len(rest) > 1 else ""
        counters[section] = counters.get(section, 0) + 1
        item = AgendaItem.objects.create(
            meeting=meeting,
            section=section,
            position=counters[section],
            title=clock.in_text(title),
            kind=kind,
            purpose=purpose,
            restriction_reason=reason,
            description=clock.in_text(description),
        )
        items[item.code] = item
    for paper_row in row.get("papers", []):
        paper = Paper.objects.create(
            item=items[paper_row["item"]],
            format=Paper.Format.WRITTEN,
            subject=paper_row["subject"],
            authors=paper_row["authors"],
            classification=paper_row["classification"],
            summary=paper_row["summary"],
            recommendations=paper_row["recommendations"],
            contact=paper_row["contact"],
            addressed_to=f"{meeting.committee} – {meeting.date:%-d %B %Y}",
        )
        for position, (heading, body) in enumerate(paper_row["sections"], start=1):
            PaperSection.objects.create(paper=paper, position=position, heading=heading, body=body)
    _load_attendance(meeting, row.get("attendance"), people)
    style = minute_style(meeting.committee)
    for minute_row in row.get("minutes", []):
        text = _minute_text(minute_row)
        minute = Minute.objects.create(
            meeting=meeting,
            item=items[minute_row["item"]] if minute_row.get("item") else None,
            number=minute_row["number"],
            title=minute_row["title"],
            text=text,
            blocks=minute_blocks(text, style),
        )
        for action in minute_row.get("actions", []):
            owner = people[action["owner"]]
            Action.objects.create(
                minute=minute,
                text=action["text"],
                owner=owner,
                owner_name=owner.display_name,
                due_on=clock.day(action["due_on"]),
            )
    return meeting


def _minute_text(row) -> str:
    """The minute as the clerk would paste it: numbered paragraphs, then the decision with its lettered parts."""
    parts = [f"{n}. {text}" for n, text in enumerate(row["paragraphs"], start=1)]
    if row["resolution"] or row["sub"]:
        decision = f"RESOLVED {row['resolution']}".rstrip()
        decision += "".join(f"\n{chr(ord('a') + i)}) {text}" for i, text in enumerate(row["sub"]))
        parts.append(decision)
    return "\n\n".join(parts)


def _load_attendance(meeting, attendance, people):
    if not attendance:
        return
    represented = _memberships_by_person(meeting.committee)
    for key in attendance["present"]:
        person = people[key]
        capacity = "vice_chair_in_chair" if key == attendance.get("vice_chair_in_chair") else ""
        Attendance.objects.create(
            meeting=meeting,
            person=person,
            kind="present",
            capacity=capacity,
            organisation=represented.get(person.pk) or person.organisation,
            name_as_recorded=person.display_name,
        )
    for key in attendance["in_attendance"]:
        person = people[key]
        Attendance.objects.create(
            meeting=meeting,
            person=person,
            kind="in_attendance",
            organisation=person.organisation,
            name_as_recorded=person.display_name,
        )


@transaction.atomic
def demo_meetings_load(people: dict[str, Person], clock: DemoClock) -> None:
    """Make the demo's meetings for `clock` (call after kcsp.demo_records.demo_records_delete on a new week)."""
    data = _read(DATA)
    committees = _load_committees(data, people, clock)
    chair_user = User.objects.filter(groups__name="chair").first()
    meetings = {row["key"]: _load_meeting(row, committees, people, chair_user, clock) for row in data["meetings"]}
    demo_forward_plan_load(people, clock)
    upcoming = _upcoming_load(data, committees["kcsp"], meetings["july"], clock, _officer(people))
    approval = data["minutes_approved"]
    approved, at_meeting = meetings[approval["meeting"]], meetings[approval["at_meeting"]]
    if approved.status == Meeting.Status.HELD:
        # Signed as the chair would sign on the day (signing.minutes_approve needs the meeting to have been held
        # by the clock and the chair's own account; the demo's approving meeting may lie ahead).
        chair = chairing(at_meeting)
        approved.status = Meeting.Status.MINUTES_APPROVED
        approved.minutes_approved_at_meeting = at_meeting
        approved.minutes_signed_by, approved.minutes_signed_at = chair_user, at_meeting.starts_at
        if chair is not None:
            approved.minutes_signed_by_person, approved.minutes_signed_name = chair
        approved.save()
        minutes_freeze(meeting=approved)
    _packs_request(meetings["july"])
    return upcoming


def _officer(people: dict[str, Person]) -> User | None:
    """The demo officer's account (the officer login's person in kcsp/demo_data/partnership.json)."""
    return User.objects.filter(person__in=people.values(), groups__name="officer").order_by("pk").first()


def _upcoming_load(data, committee, last, clock: DemoClock, officer: User | None) -> dict[str, Meeting]:
    """The meetings the papers point to: November's agenda (the standard items, then the standing business the
    July agenda carried) sent to the chair by the demo officer through the real "send-to-chair" step (so its
    history and the chair's page say who sent it, when, with what note, and the chair is e-mailed), and next
    March's draft, started from the standard items."""
    fields = {k: data["meetings"][-1][k] for k in ("venue_kind", "venue", "contact_name", "contact_phone")}
    fields["contact_email"] = data["meetings"][-1]["contact_email"]
    made = {}
    previous = last
    for key, starts, status in UPCOMING:
        meeting = Meeting.objects.create(
            committee=committee, starts_at=clock.meeting_at(starts), status=Meeting.Status.DRAFT, **fields
        )
        demo_mark([meeting], clock.placed_for)
        standard_items_copy(meeting=meeting, previous=previous)
        if status == Meeting.Status.WITH_CHAIR:
            _standing_items_copy(meeting, last)
            meeting = agenda_send_to_chair(meeting=meeting, user=officer, note=send_note(last))
        made[key] = previous = meeting
    return made


def send_note(last: Meeting) -> str:
    """The officer's note sending the next agenda to the chair, naming the last meeting by its month as placed
    (the papers' July meeting may land in another month)."""
    return (
        f"The standard items and the standing updates {last.date:%B}'s agenda carried; the papers follow from their "
        "leads."
    )


UPCOMING = (
    ("november", "2022-11-17T10:00", Meeting.Status.WITH_CHAIR),
    ("march_next", "2023-03-16T10:00", Meeting.Status.DRAFT),
)


def _standing_items_copy(meeting: Meeting, last: Meeting) -> None:
    """The July agenda's standing business after its standard items: the updates every KCSP meeting takes."""
    taken = {item.title for item in meeting.items.all()}
    positions = {}
    for item in meeting.items.all():
        positions[item.section] = max(positions.get(item.section, 0), item.position)
    for item in last.items.order_by("section", "position"):
        if item.title in taken or item.title.startswith("Notes of meeting") or item.section == "A":
            continue
        if "Terms of Reference" in item.title or "Violence Against Women" in item.title:
            continue  # one-off business of July
        positions[item.section] = positions.get(item.section, 0) + 1
        AgendaItem.objects.create(
            meeting=meeting,
            section=item.section,
            position=positions[item.section],
            title=item.title,
            kind=item.kind,
            purpose=item.purpose,
            restriction_reason=item.restriction_reason,
        )


def old_demo_meetings():
    """Meetings the demo loaded before issue 16 left: the papers' meetings at their own 2022 start times (unmoved)
    with no DemoRecord. That demo marked nothing, so its rows cannot be told from a user's edits of them; they are
    reported (kcsp.demo.demo_old_rows_note), never deleted or adopted here."""
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import Exists, OuterRef, Q

    from kcsp.models import DemoRecord

    data = _read(DATA)
    papers = Q(pk__in=[])
    for row in data["meetings"]:
        start = timezone.make_aware(datetime.datetime.fromisoformat(row["starts_at"]))
        papers |= Q(committee__slug=row["committee"], starts_at=start)
    kind = ContentType.objects.get_for_model(Meeting)
    marked = DemoRecord.objects.filter(content_type=kind, object_id=OuterRef("pk"))
    return Meeting.objects.filter(papers).exclude(Exists(marked)).select_related("committee").order_by("starts_at")


def _packs_request(meeting: Meeting) -> None:
    """Build the held July meeting's packs once this load commits (eagerly without a worker, kcsp.dbchoice)."""
    from .packbuild.requests import packs_request

    packs_request(meeting=meeting, delay=0)


def _read(name):
    import json
    from pathlib import Path

    return json.loads((Path(__file__).resolve().parent / "demo_data" / name).read_text(encoding="utf-8"))
