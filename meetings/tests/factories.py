"""factory_boy factories for committee business."""

import datetime

import factory
from django.utils import timezone

from kcsp.tests.factories import OrganisationFactory, PersonFactory
from meetings.models import AgendaItem, Committee, Meeting, Membership


class CommitteeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Committee

    name = factory.Sequence(lambda n: f"Committee {n}")
    slug = factory.Sequence(lambda n: f"committee-{n}")


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    committee = factory.SubFactory(CommitteeFactory)
    starts_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=30))
    contact_name = "Anna Taylor"


class AgendaItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgendaItem

    meeting = factory.SubFactory(MeetingFactory)
    section = AgendaItem.Section.DISCUSSION
    position = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Item {n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    committee = factory.SubFactory(CommitteeFactory)
    person = factory.SubFactory(PersonFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    starts_on = datetime.date(2020, 1, 1)


def published_meeting(**fields) -> Meeting:
    now = timezone.now()
    return MeetingFactory(status=Meeting.Status.PUBLISHED, agenda_agreed_at=now, published_at=now, **fields)


def held_meeting(**fields) -> Meeting:
    fields.setdefault("starts_at", timezone.now() - datetime.timedelta(days=1))
    now = timezone.now()
    return MeetingFactory(status=Meeting.Status.HELD, agenda_agreed_at=now, published_at=now, **fields)


def chaired_by(meeting: Meeting, user, capacity: str = "chair"):
    """Record `user`'s person (made if needed) in the chair of `meeting`, as the register would; returns the person."""
    from kcsp.tests.factories import PersonFactory
    from meetings.models import Attendance

    person = getattr(user, "person", None) or PersonFactory(user=user)
    Attendance.objects.update_or_create(
        meeting=meeting,
        person=person,
        defaults={"kind": "present", "capacity": capacity, "name_as_recorded": person.display_name},
    )
    return person


def signed_minutes_world(*, committee, at_meeting, chair_user, member=None, render: bool = True) -> dict:
    """A meeting of `committee`, 60 days before `at_meeting`, whose minutes `at_meeting` approved and
    `chair_user`'s person (recorded in its chair) signed, written through the services as a clerk would:
    attendance with the vice-chairman in the chair, role text and apologies; a declaration; a procedural minute
    on no item; a public minute with numbered paragraphs, a decision with lettered parts and an action; a
    restricted minute and a DHR minute ("Heron review briefing"). With `render`, the PDFs are made as the
    signing task makes them. Returns the meeting, its items and minutes, and its SignedMinutes by kind."""
    from meetings import minuting
    from meetings.models import Action, Attendance, Declaration, Minute, SignedMinutes
    from meetings.signedpdf import signed_minutes_render
    from meetings.signing import minutes_approve

    meeting = held_meeting(
        committee=committee,
        starts_at=at_meeting.starts_at - datetime.timedelta(days=60),
        venue="Sessions House, Maidstone",
    )
    rivers = PersonFactory(title="Mr", initials="J", surname="Rivers", post_nominals="OBE")
    taylor = PersonFactory(title="Mrs", initials="A", surname="Taylor")
    member = member or PersonFactory(title="Dr", initials="K", surname="Okafor")
    away = PersonFactory(title="Cllr", initials="P", surname="Lamb")
    for person, kind, capacity, role in (
        (rivers, "present", "vice_chair_in_chair", ""),
        (member, "present", "", "Kent Police"),
        (taylor, "in_attendance", "", "Community Safety Manager"),
        (away, "apologies", "", ""),
    ):
        Attendance.objects.create(
            meeting=meeting,
            person=person,
            organisation=person.organisation,
            kind=kind,
            capacity=capacity,
            role_text=role,
            name_as_recorded=person.display_name,
        )
    public_item = AgendaItemFactory(meeting=meeting, section="B", position=1, title="Community Safety Agreement")
    restricted_item = AgendaItemFactory(
        meeting=meeting, section="D", position=1, title="Prevent case review", restriction_reason="prevent"
    )
    dhr_item = AgendaItemFactory(
        meeting=meeting, section="D", position=2, title="Heron review briefing", restriction_reason="dhr"
    )
    minutes = {}
    for key, item, title, text in (
        ("procedural", None, "Chairman", "Mr Rivers, Vice-Chairman, took the chair in the absence of the Chairman."),
        (
            "public",
            public_item,
            "Community Safety Agreement",
            "The Board received the annual update on the Agreement.\n\n"
            "Members noted that anti-social behaviour had fallen by twelve per cent.\n\n"
            "RESOLVED that the update be noted, and that\n"
            "(a) the action plan be refreshed before September;\n"
            "(b) partners report progress to the next meeting.",
        ),
        ("restricted", restricted_item, "Prevent case review", "RESOLVED that the referrals report be noted."),
        (
            "dhr",
            dhr_item,
            "Heron review briefing",
            "The panel chair reported on the Heron review.\n\nRESOLVED that it be noted.",
        ),
    ):
        minutes[key] = minuting.minute_add(minute=Minute(meeting=meeting, item=item, title=title, text=text))
    action = minuting.action_save(
        action=Action(
            minute=minutes["public"], text="Refresh the action plan", owner=taylor, due_on=datetime.date(2030, 9, 1)
        )
    )
    minuting.declaration_save(
        declaration=Declaration(
            meeting=meeting,
            item=public_item,
            person=member,
            interest="Trustee of a charity funded through the Agreement",
            interest_kind="other",
        )
    )
    chaired_by(at_meeting, chair_user)
    minutes_approve(meeting=meeting, at_meeting=at_meeting, user=chair_user)
    records = {record.kind: record for record in SignedMinutes.objects.filter(meeting=meeting)}
    if render:
        records = {kind: signed_minutes_render(record=record) for kind, record in records.items()}
    meeting.refresh_from_db()
    return {
        "meeting": meeting,
        "items": {"public": public_item, "restricted": restricted_item, "dhr": dhr_item},
        "minutes": minutes,
        "action": action,
        "people": {"rivers": rivers, "taylor": taylor, "member": member},
        "records": records,
    }


def _blank_pdf() -> bytes:
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


PDF_BYTES = _blank_pdf()


def committee_business(*, member_user, chair_user=None) -> dict:
    """A committee with a published meeting (public, restricted and DHR items, papers) and a held one with minutes;
    with `chair_user`, also an earlier meeting whose minutes the held one approved and `chair_user` signed
    (signed_minutes_world: "signed", its parts' records "signed_records")."""
    from django.core.files.base import ContentFile

    from kcsp.tests.factories import PersonFactory
    from meetings.models import Action, Appendix, Attendance, Minute, Paper, PaperSection, TermsOfReference

    committee = CommitteeFactory()
    member = PersonFactory(user=member_user)
    membership = MembershipFactory(committee=committee, person=member)
    published = published_meeting(committee=committee)
    public_item = AgendaItemFactory(meeting=published, section="B", position=1, title="Action plan update")
    restricted_item = AgendaItemFactory(
        meeting=published, section="D", position=1, title="Prevent update", restriction_reason="prevent"
    )
    dhr_item = AgendaItemFactory(
        meeting=published, section="D", position=2, title="DHR update", restriction_reason="dhr"
    )
    written = Paper.objects.create(item=public_item, format="written", subject="Action plan update report")
    section = PaperSection.objects.create(paper=written, position=1, heading="Background", body="One.\n\nTwo.")
    appendix = Appendix(paper=written, letter="A", title="Action plan", original_name="plan.pdf", file_kind="pdf")
    appendix.file.save("plan.pdf", ContentFile(PDF_BYTES))
    restricted_paper = Paper(
        item=restricted_item, format="uploaded", subject="Prevent report", original_name="prevent.pdf", file_kind="pdf"
    )
    restricted_paper.file.save("prevent.pdf", ContentFile(PDF_BYTES))
    Paper.objects.create(item=dhr_item, format="written", subject="DHR case briefing")
    held = held_meeting(committee=committee)
    held_item = AgendaItemFactory(meeting=held, section="B", position=1, title="Working Group Update")
    minute = Minute.objects.create(
        meeting=held,
        item=held_item,
        number=51,
        title="Working Group Update",
        text="RESOLVED that the update be noted.",
        blocks=[
            {
                "kind": "decision",
                "number": None,
                "wording": "RESOLVED that",
                "paragraphs": ["the update be noted."],
                "parts": [],
            }
        ],
    )
    action = Action.objects.create(
        minute=minute, text="Circulate the plan", owner=member, due_on=datetime.date(2030, 1, 1)
    )
    attendance = Attendance.objects.create(
        meeting=held, person=member, organisation=membership.organisation, kind="present"
    )
    from meetings.models import Pack
    from meetings.packbuild.manifest import contents_record, holding

    restricted_pack = Pack(meeting=published, kind="restricted", status="ready", page_count=1)
    from kcsp.marking import marking_line
    from meetings.packbuild.stamp import stamp_pdf

    built = stamp_pdf(PDF_BYTES, top=(marking_line(), ""), bottom=(marking_line(), "Page 1"))
    restricted_pack.file.save("pack.pdf", ContentFile(built))  # as a build leaves it: marked, top band reserved
    contents_record(restricted_pack, [holding(restricted_item), holding(restricted_paper)])
    terms = TermsOfReference.objects.create(committee=committee, agreed_on=datetime.date(2022, 7, 14), text="Terms")
    signed = {}
    if chair_user is not None:
        held.minutes_start_number = 51  # its minute keeps its number when the earlier meeting's are written
        held.save(update_fields=["minutes_start_number"])
        world = signed_minutes_world(committee=committee, at_meeting=held, chair_user=chair_user, member=member)
        signed = {"signed": world["meeting"], "signed_records": world["records"]}
    return {
        **signed,
        "committee": committee,
        "membership": membership,
        "published": published,
        "public_item": public_item,
        "restricted_item": restricted_item,
        "dhr_item": dhr_item,
        "written_paper": written,
        "section": section,
        "appendix": appendix,
        "restricted_paper": restricted_paper,
        "held": held,
        "minute": minute,
        "action": action,
        "restricted_pack": restricted_pack,
        "attendance": attendance,
        "terms": terms,
    }


def circulated_with_amendment(business: dict) -> dict:
    """committee_business's held meeting with its draft minutes circulated and an amendment its member (who
    attended) proposed to its minute, not yet decided."""
    from meetings.models import MinuteAmendment

    held, minute = business["held"], business["minute"]
    held.minutes_circulated_at = timezone.now()
    held.save(update_fields=["minutes_circulated_at"])
    proposer = business["membership"].person
    amendment = MinuteAmendment.objects.create(
        minute=minute,
        proposed_by=proposer.user,
        proposer_name=proposer.display_name,
        based_on_text=minute.text,
        proposed_text="RESOLVED that the update be noted with thanks.",
        note="The committee thanked the working group.",
    )
    return {"amendment": amendment}
