"""An outsider's attacks on the surfaces issue 15 added: each test tries, as a role not entitled, to read what it
must not (withheld and DHR titles, unpublished agreements, others' bids, e-mail addresses) or to write what it
must not (forged POSTs, hidden fields, other committees' records), and asserts it is refused."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from agreement import services as plan_services
from agreement.models import PlanItem
from agreement.tests.factories import agreement_world, unpublished_plan
from grants.tests.factories import BidFactory, GrantYearFactory
from kcsp import roles
from kcsp.locking import VERSION_FIELD
from meetings import forward_plan, services
from meetings.models import AgendaItem, ForwardPlanEntry
from meetings.tests.factories import CommitteeFactory
from meetings.tests.forward_plan_world import draft_meeting, entry_for

from .test_permission_matrix import ANONYMOUS, NO_ROLE, matrix_world, objects, sign_in, users  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db
DHR_SECRET = "Axolotl review: Adult Q"


def client_as(role, users):  # noqa: F811
    client = Client()
    if role != ANONYMOUS:
        sign_in(client, role, users[role])
    return client


def page(client, name, *args, **query) -> str:
    response = client.get(reverse(name, args=args), query)
    return response.content.decode(errors="replace")


# --- DHR title through the forward plan entry's history -------------------------------------------------------


@pytest.fixture
def fp(make_user):
    """A committee with a draft meeting, a waiting forward plan entry expected at it, and an officer's client."""
    committee = CommitteeFactory()
    draft = draft_meeting(committee)
    officer = Client()
    officer.force_login(make_user(roles.OFFICER))
    return {"committee": committee, "draft": draft, "entry": entry_for(draft), "officer": officer}


def test_an_accepted_entry_whose_item_became_dhr_never_shows_the_dhr_title_to_an_uncleared_officer(fp):
    entry, draft, officer = fp["entry"], fp["draft"], fp["officer"]
    item = forward_plan.forward_plan_entry_accept(entry=entry, meeting=draft, section="B")
    # A DHR-cleared officer later makes the item a Domestic Homicide Review item with the case in its title.
    item = AgendaItem.objects.get(pk=item.pk)
    item.restriction_reason, item.title, item.section = "dhr", DHR_SECRET, "D"
    services.agenda_item_save(item=item, old_section="B")
    for body in (
        page(officer, "meetings:forward_plan_entry", entry.pk),
        page(officer, "meetings:forward_plan", draft.committee.slug, status="all"),
        page(officer, "meetings:meeting_detail", draft.pk),
    ):
        assert "Axolotl" not in body and "Adult Q" not in body
    assert "Item D1" in page(officer, "meetings:forward_plan_entry", entry.pk)


# --- Unpublished agreements -----------------------------------------------------------------------------------


def test_an_unpublished_agreements_plan_never_reaches_the_public_even_once_a_version_is_published(make_user):
    plan = unpublished_plan()
    agreement, version = plan.agreement, plan.versions.get()
    priority = agreement.priorities.get()
    item = PlanItem(version=version, priority=priority, objective="Secret objective Quokka", actions="Do it")
    plan_services.plan_item_save(item=item, lead_organisations=[], themes=[])
    try:
        version = plan_services.version_publish(version=version)
    except ValidationError:  # a refusal is the right answer too
        return
    item = version.items.get()
    for role in (ANONYMOUS, NO_ROLE, roles.MEMBER):
        client = Client()
        if role != ANONYMOUS:
            client.force_login(make_user(None if role == NO_ROLE else role))
        for name, args in (
            ("agreement:version_detail", [version.pk]),
            ("agreement:item_detail", [item.pk]),
            ("agreement:plan_export", [version.pk, "csv"]),
            ("agreement:plan_export", [version.pk, "xlsx"]),
            ("agreement:plan_pdf", [version.pk]),
            ("agreement:exception_report", [version.pk]),
            ("agreement:agreement_detail", [agreement.year]),
            ("agreement:agreement_list", []),
            ("search:search", []),
        ):
            response = client.get(reverse(name, args=args), {"q": "quokka"} if name == "search:search" else {})
            assert b"Quokka" not in response.content, (role, name, response.status_code)


def test_a_bid_form_never_offers_the_priorities_or_items_of_an_unpublished_agreement(make_user):
    plan = unpublished_plan()
    agreement, version = plan.agreement, plan.versions.get()
    priority = agreement.priorities.get()
    priority.name = "Hidden priority Wombat"
    priority.save()
    item = PlanItem(version=version, priority=priority, objective="Secret objective Quokka", actions="Do it")
    plan_services.plan_item_save(item=item, lead_organisations=[], themes=[])
    plan_services.version_publish(version=version)
    year = GrantYearFactory(year=agreement.year)
    member = Client()
    member.force_login(make_user(roles.MEMBER))
    body = page(member, "grants:bid_create", year.year)
    assert "Wombat" not in body and "Quokka" not in body


# --- Grants: deciding minutes and the plan item's bid list ----------------------------------------------------


def test_an_uncleared_officer_cannot_forge_a_dhr_minute_as_a_bids_deciding_minute(make_user):
    from grants.models import Bid, BidStep
    from meetings.models import Minute
    from meetings.tests.factories import AgendaItemFactory, held_meeting

    meeting = held_meeting(committee=CommitteeFactory())
    dhr_item = AgendaItemFactory(meeting=meeting, section="D", title=DHR_SECRET, restriction_reason="dhr")
    minute = Minute.objects.create(meeting=meeting, item=dhr_item, number=7, title=DHR_SECRET, text="RESOLVED")
    bid = BidFactory(status=Bid.Status.APPROVED, created_by=make_user(roles.MEMBER))
    BidStep.objects.create(
        bid=bid, from_status="recommended", to_status="approved", by=make_user(roles.CHAIR), at=timezone.now()
    )
    officer = Client()
    officer.force_login(make_user(roles.OFFICER))
    url = reverse("grants:bid_minute", args=[bid.pk])
    form = officer.get(url)
    assert DHR_SECRET not in form.content.decode()
    data = {"decided_at_minute": minute.pk, VERSION_FIELD: form.context["form"].initial[VERSION_FIELD]}
    answer = officer.post(url, data)
    assert answer.status_code == 200 and "Choose a minute from the list" in answer.content.decode()
    bid.refresh_from_db()
    assert bid.decided_at_minute_id is None


def test_the_plan_items_bid_list_shows_no_one_elses_unfunded_bid(make_user):
    from grants.models import Bid

    world = agreement_world()
    item = world["published_item"]
    year = GrantYearFactory(year=world["agreement"].year, commissioner_step=False)  # the chair's approval funds
    writer, other = make_user(roles.MEMBER), make_user(roles.MEMBER)
    for status in (Bid.Status.DRAFT, Bid.Status.SUBMITTED, Bid.Status.DECLINED, Bid.Status.REJECTED):
        BidFactory(grant_year=year, status=status, created_by=writer, plan_item=item, title=f"Hidden {status} Numbat")
    BidFactory(grant_year=year, status=Bid.Status.APPROVED, plan_item=item, title="Funded Bilby", created_by=other)
    for user in (None, make_user(), other):
        client = Client()
        if user is not None:
            client.force_login(user)
        body = page(client, "agreement:item_detail", item.pk)
        assert "Numbat" not in body
        assert "Funded Bilby" in body
    mine = Client()
    mine.force_login(writer)
    assert page(mine, "agreement:item_detail", item.pk).count("Numbat") == 4


# --- People's e-mail addresses --------------------------------------------------------------------------------


def test_no_member_or_outsider_reads_a_persons_email_address(make_user):
    from kcsp.tests.factories import PersonFactory

    person = PersonFactory(email="secret.person@partner.example", surname="Dibbler")
    for role in (None, "", roles.MEMBER, roles.CHAIR):
        client = Client()
        if role is not None:
            client.force_login(make_user(role or None))
        for body in (
            page(client, "person_list", q="Dibbler"),
            page(client, "person_detail", person.pk),
            page(client, "organisation_detail", person.organisation.pk),
            page(client, "organisation_list"),
            client.get("/api/v1/person/").content.decode(),
            client.get(f"/api/v1/person/{person.pk}/").content.decode(),
            page(client, "search:search", q="Dibbler"),
        ):
            assert "secret.person" not in body, role


# --- Forward plan: other committees' meetings, forged fields --------------------------------------------------


def test_a_forward_plan_entry_cannot_be_moved_edited_or_accepted_into_another_committees_meeting(fp):
    entry, officer = fp["entry"], fp["officer"]
    elsewhere = draft_meeting(CommitteeFactory())
    moved = officer.post(reverse("meetings:forward_plan_move", args=[entry.pk]), {"meeting": elsewhere.pk})
    assert moved.status_code == 200
    edit_url = reverse("meetings:forward_plan_edit", args=[entry.pk])
    version = officer.get(edit_url).context["form"].initial[VERSION_FIELD]
    forged = {
        "title": "Serious Violence Duty update",
        "purpose": "decision",
        "lead_text": "Mr M Powell",
        "expected_meeting": elsewhere.pk,
        "restriction_reason": "",
        "committee": elsewhere.committee.pk,
        "status": "on_agenda",
        "agenda_item": "1",
        VERSION_FIELD: version,
    }
    assert officer.post(edit_url, forged).status_code == 200
    forged["expected_meeting"] = fp["draft"].pk  # valid apart from the forged extras
    assert officer.post(edit_url, forged).status_code == 302
    accept = reverse("meetings:forward_plan_accept", args=[elsewhere.pk, entry.pk])
    assert officer.post(accept, {f"entry-{entry.pk}-section": "B"}).status_code == 404
    entry.refresh_from_db()
    assert entry.committee_id == fp["committee"].pk and entry.expected_meeting_id == fp["draft"].pk
    assert entry.status == "planned" and entry.agenda_item_id is None
    assert not elsewhere.items.exists()


def test_a_forward_plan_entry_refuses_dhr_business_and_survives_hostile_input(fp):
    officer = fp["officer"]
    url = reverse("meetings:forward_plan_create", args=[fp["committee"].slug])
    base = {"title": "Plan", "purpose": "decision", "lead_text": "Lead", "expected_meeting": fp["draft"].pk}
    for extra in (
        {"restriction_reason": "dhr"},
        {"title": "Domestic Homicide Review: Adult Q"},
        {"month": "2022-02-30", "expected_meeting": ""},
        {"month": "99999-01-01", "expected_meeting": ""},
        {"expected_meeting": "99999999999999999999"},
        {"lead_person": "-1"},
        {"title": "🦫" * 400},
    ):
        answer = officer.post(url, {**base, **extra})
        assert answer.status_code == 200, extra
    assert ForwardPlanEntry.objects.filter(committee=fp["committee"]).count() == 1
    assert officer.post(url, {**base, "title": "x\x00y"}).status_code == 302  # typed text is cleaned of NULs
    assert ForwardPlanEntry.objects.filter(title="xy").exists()


# --- DHR public title: only the cleared, only its own page ------------------------------------------------------


def test_an_officer_cannot_set_a_dhr_items_public_title_through_any_form(make_user, fp):
    from meetings.tests.factories import AgendaItemFactory, published_meeting

    meeting = published_meeting(committee=fp["committee"])
    dhr = AgendaItemFactory(meeting=meeting, section="D", title=DHR_SECRET, restriction_reason="dhr")
    restricted = AgendaItemFactory(meeting=meeting, section="D", title="Prevent case", restriction_reason="prevent")
    officer = fp["officer"]
    assert officer.post(reverse("meetings:item_public_title", args=[dhr.pk]), {"public_title": "X"}).status_code == 404
    edit = reverse("meetings:item_edit", args=[restricted.pk])
    version = officer.get(edit).context["form"].initial[VERSION_FIELD]
    data = {
        "section": "D",
        "title": "Prevent case",
        "kind": restricted.kind,
        "purpose": "",
        "restriction_reason": "prevent",
        "public_title": "Forged public title",
        VERSION_FIELD: version,
    }
    officer.post(edit, data)
    restricted.refresh_from_db()
    assert restricted.public_title == ""
    # Making the item a DHR item through the edit form does not carry a public title either.
    version = officer.get(edit).context["form"].initial[VERSION_FIELD]
    officer.post(edit, {**data, "restriction_reason": "dhr", VERSION_FIELD: version})
    restricted.refresh_from_db()
    assert restricted.public_title == ""
    body = Client().get(meeting.get_absolute_url()).content.decode()
    assert "Axolotl" not in body and "Forged" not in body


def test_the_meeting_cancelled_notice_names_no_restricted_item(make_user, fp, django_capture_on_commit_callbacks):
    from kcsp.tests.factories import PersonFactory
    from meetings.tests.factories import AgendaItemFactory, MembershipFactory, published_meeting

    meeting = published_meeting(committee=fp["committee"])
    AgendaItemFactory(meeting=meeting, section="D", title=DHR_SECRET, restriction_reason="dhr")
    AgendaItemFactory(meeting=meeting, section="D", title="Pangolin case", restriction_reason="personal")
    MembershipFactory(committee=fp["committee"], person=PersonFactory(email="m@partner.example"))
    with django_capture_on_commit_callbacks(execute=True):
        answer = fp["officer"].post(reverse("meetings:meeting_cancel", args=[meeting.pk]), {"reason": "Not quorate"})
    assert answer.status_code == 302
    assert mail.outbox, "the members are told"
    for message in mail.outbox:
        text = message.subject + message.body + "".join(str(a[0]) for a in getattr(message, "alternatives", []))
        assert "Axolotl" not in text and "Pangolin" not in text
