"""A world with something waiting for each role (kcsp/home_lists.py), dated relative to today."""

import datetime

from django.core.files.base import ContentFile
from django.utils import timezone

from kcsp.financial_year import year_and_quarter
from kcsp.tests.factories import OrganisationFactory, PersonFactory


def home_world(*, officer, chair, member, dhr_user=None, extra: int = 0, tag: str = "") -> dict:
    """One of each waiting thing (and `extra` more of the growable ones, for the query-count tests); `tag` tells
    a second world's committee and organisation apart."""
    from agreement.models import Priority
    from grants.models import Bid
    from grants.tests.factories import BidFactory, GrantYearFactory
    from meetings.models import Action, Minute, OfficeTerm, Pack, TermsOfReference
    from meetings.packbuild.manifest import contents_record, holding
    from meetings.tests.factories import (
        PDF_BYTES,
        AgendaItemFactory,
        CommitteeFactory,
        MeetingFactory,
        MembershipFactory,
        chaired_by,
        held_meeting,
        published_meeting,
    )

    now, today = timezone.now(), timezone.localdate()
    days = datetime.timedelta(days=1)
    committee = CommitteeFactory(name=f"Home Committee{tag}", slug=f"home-committee{tag}")
    chair_person = getattr(chair, "person", None) or PersonFactory(user=chair, surname="Chairperson")
    OfficeTerm.objects.create(
        committee=committee, person=chair_person, office="chair", starts_on=datetime.date(2020, 1, 1)
    )
    organisation = OrganisationFactory(name=f"Home Partner{tag}")
    member_person = getattr(member, "person", None) or PersonFactory(
        user=member, organisation=organisation, surname="Memberperson"
    )
    MembershipFactory(committee=committee, person=member_person, organisation=organisation)
    world = {"committee": committee, "organisation": organisation, "member_person": member_person}
    world["draft"] = MeetingFactory(committee=committee, starts_at=now + 30 * days)
    world["with_chair"] = MeetingFactory(committee=committee, status="with_chair", starts_at=now + 40 * days)
    published = world["published"] = published_meeting(committee=committee, starts_at=now + 20 * days)
    item = AgendaItemFactory(meeting=published, section="B", position=1, title="Action plan update")
    pack = Pack(meeting=published, kind="public", status="ready", page_count=1, built_at=now)
    pack.file.save("pack.pdf", ContentFile(PDF_BYTES))
    contents_record(pack, [holding(item)])
    world["pack"] = pack
    world["failed_pack"] = Pack.objects.create(
        meeting=published, kind="supplementary", status="failed", failure="The converter timed out"
    )
    world["held_empty"] = held_meeting(committee=committee, starts_at=now - 10 * days)
    held_written = world["held_written"] = held_meeting(committee=committee, starts_at=now - 60 * days)
    minute = Minute.objects.create(meeting=held_written, number=1, title="Welcome", text="Noted.", blocks=[])
    chaired_by(world["held_empty"], chair)  # the later held meeting the chair chaired: may approve held_written's
    world["action"] = Action.objects.create(
        minute=minute, text="Send the report", owner=member_person, due_on=today - 5 * days
    )
    TermsOfReference.objects.create(committee=committee, agreed_on=today - 400 * days, text="Terms")
    grant_year = GrantYearFactory(year=2031)
    world["submitted_bid"] = BidFactory(grant_year=grant_year, status=Bid.Status.SUBMITTED, created_by=member)
    world["recommended_bid"] = BidFactory(grant_year=grant_year, status=Bid.Status.RECOMMENDED, created_by=member)
    year, _quarter = year_and_quarter(today)
    existing = Priority.objects.filter(agreement__year=year, position=1).first()
    world["priority"] = existing or _plan(year, organisation, now)
    for n in range(extra):
        MeetingFactory(committee=committee, starts_at=now + (31 + n) * days)
        MeetingFactory(committee=committee, status="with_chair", starts_at=now + (41 + n) * days)
        Action.objects.create(minute=minute, text=f"More {n}", owner=member_person, due_on=today - 5 * days)
        BidFactory(grant_year=grant_year, status=Bid.Status.SUBMITTED, created_by=member)
        BidFactory(grant_year=grant_year, status=Bid.Status.RECOMMENDED, created_by=member)
        later = published_meeting(committee=committee, starts_at=now + (21 + n) * days)
        more = Pack(meeting=later, kind="public", status="ready", page_count=1, built_at=now)
        more.file.save("pack.pdf", ContentFile(PDF_BYTES))
    if dhr_user is not None:
        world.update(dhr_things(dhr_user, today, extra))
    return world


def _plan(year, organisation, now):
    """This financial year's published plan: an item the organisation leads and one it does not, no updates."""
    from agreement import services as plan_services
    from agreement.models import ActionPlan, PlanItem, PlanVersion, Priority
    from agreement.tests.factories import AgreementFactory

    agreement = AgreementFactory(year=year)
    priority = Priority.objects.create(agreement=agreement, position=1, name="Domestic Abuse")
    version = PlanVersion.objects.create(plan=ActionPlan.objects.create(agreement=agreement))
    item = PlanItem(version=version, priority=priority, objective="Refresh the website", timescale="Ongoing")
    plan_services.plan_item_save(item=item, lead_organisations=[organisation], themes=[])
    other = PlanItem(version=version, priority=priority, objective="Someone else's item", timescale="Ongoing")
    plan_services.plan_item_save(item=other, lead_organisations=[], themes=[])
    # Published as version_publish leaves it, without queueing the plan's PDF (not what these tests are about).
    PlanVersion.objects.filter(pk=version.pk).update(status="published", number=1, published_at=now)
    return priority


def dhr_things(user, today, extra: int = 0, year: int = 2023) -> dict:
    from dhr.models import AgencyAction, Recommendation
    from dhr.tests.factories import make_case

    case = make_case(year=year, notified_on=today - datetime.timedelta(days=200))  # decision due after 1 month: overdue
    recommendation = Recommendation.objects.create(case=case, number=1, level="local", text="Secret recommendation")
    for n in range(1 + extra):
        action = AgencyAction.objects.create(
            recommendation=recommendation,
            organisation=OrganisationFactory(),
            owner="Inspector Test",
            action=f"Secret late action {n}",
            set_on=today - datetime.timedelta(days=100),
            due_on=today - datetime.timedelta(days=10),
        )
    for n in range(extra):
        make_case(pseudonym=f"Extra{n}", year=year, notified_on=today - datetime.timedelta(days=200))
    return {"case": case, "agency_action": action}
