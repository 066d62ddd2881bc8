"""An outsider's attacks on the surfaces issue 15 added: each test tries, as a role not entitled, to read what it
must not (withheld and DHR titles, unpublished agreements, others' bids, e-mail addresses) or to write what it
must not (forged POSTs, hidden fields, other committees' records), and asserts it is refused."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from agreement import services as plan_services
from agreement.models import PlanItem
from agreement.tests.factories import unpublished_plan
from grants.tests.factories import GrantYearFactory
from kcsp import roles
from meetings import forward_plan, services
from meetings.models import AgendaItem
from meetings.tests.factories import CommitteeFactory
from meetings.tests.forward_plan_world import draft_meeting, entry_for

from .test_permission_matrix import ANONYMOUS, NO_ROLE, objects, sign_in, users  # noqa: F401  (fixtures)

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
