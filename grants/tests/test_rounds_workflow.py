"""Grant rounds as they were really run: one pot with the chair's approval final, or the split with the
Commissioner's approval after the chair's; the funded rule follows each year's own round."""

import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from grants import services
from grants.budget import pot_figures, year_summaries
from grants.forms import BidForm
from grants.models import Bid, GrantYear, Pot
from grants.workflow import STEPS, steps_for, steps_in
from kcsp import roles
from kcsp.testing import opened

from .factories import BidFactory, GrantYearFactory

pytestmark = pytest.mark.django_db
S = Bid.Status
COMMISSIONER_STEPS = {"send-to-commissioner", "commissioner-approve", "commissioner-decline"}


@pytest.fixture
def people(make_user):
    return {
        "author": make_user(roles.MEMBER),
        "officer": make_user(roles.OFFICER),
        "chair": make_user(roles.CHAIR),
    }


def one_pot_year(year=2019, **fields) -> GrantYear:
    return GrantYearFactory(
        year=year, amount_granted=Decimal("20000.00"), tactical_pot=Decimal("0"), has_tactical_pot=False,
        commissioner_step=False, **fields,
    )  # fmt: skip


def test_a_one_pot_chair_only_round_runs_end_to_end_with_no_commissioner_step(people):
    year = one_pot_year()
    assert {step.action for step in steps_in(year)} == set(STEPS) - COMMISSIONER_STEPS
    bid = BidFactory(grant_year=year, status=S.DRAFT, created_by=people["author"], amount_requested=Decimal("5000"))

    bid = services.bid_step(bid=bid, action="submit", user=people["author"])
    bid = services.bid_step(bid=bid, action="recommend", user=people["officer"])
    assert not Bid.objects.funded().filter(pk=bid.pk).exists()
    bid = services.bid_step(bid=bid, action="approve", user=people["chair"])
    assert bid.status == S.APPROVED
    assert Bid.objects.funded().filter(pk=bid.pk).exists(), "the chair's approval is final this year"
    offered = {step.action for step in steps_for(bid, people["officer"])}
    assert offered == {"start-delivery", "withdraw"}
    with pytest.raises(ValidationError, match="ends at the chair's approval"):
        services.bid_step(bid=bid, action="send-to-commissioner", user=people["officer"])

    bid = services.bid_step(bid=bid, action="start-delivery", user=people["officer"])
    assert bid.status == S.IN_DELIVERY
    bid = services.bid_step(
        bid=bid, action="complete", user=people["officer"], actual_spend=Decimal("4500"), outcomes="30 people trained"
    )
    assert [step.to_status for step in bid.steps.all()] == [S.SUBMITTED, S.RECOMMENDED, S.APPROVED, S.IN_DELIVERY,
                                                             S.COMPLETED]  # fmt: skip
    summary = year_summaries([year])[0]
    assert list(summary.pots) == [Pot.UPFRONT]
    assert (summary.funded_projects, summary.allocated, summary.spent) == (1, Decimal("4500.00"), Decimal("4500.00"))
    closed = services.year_close(year=year)
    assert closed.returned_unspent == Decimal("15500.00")


def test_a_split_year_with_the_commissioner_runs_as_before(people):
    year = GrantYearFactory(year=2023)
    assert (year.has_tactical_pot, year.commissioner_step) == (True, True)
    assert [step.action for step in steps_in(year)] == list(STEPS)
    bid = BidFactory(grant_year=year, status=S.RECOMMENDED, created_by=people["author"])
    bid = services.bid_step(bid=bid, action="approve", user=people["chair"])
    assert not Bid.objects.funded().filter(pk=bid.pk).exists(), "the Commissioner has not approved yet"
    assert {step.action for step in steps_for(bid, people["officer"])} == {"send-to-commissioner", "withdraw"}
    with pytest.raises(ValidationError, match="cannot be moved to 'In delivery'"):
        services.bid_step(bid=bid, action="start-delivery", user=people["officer"])
    bid = services.bid_step(bid=bid, action="send-to-commissioner", user=people["officer"])
    bid = services.bid_step(bid=bid, action="commissioner-approve", user=people["officer"])
    assert Bid.objects.funded().filter(pk=bid.pk).exists()
    assert set(pot_figures(year)) == {Pot.UPFRONT, Pot.TACTICAL}


def test_funded_means_approved_at_the_last_step_that_year_has(people):
    chair_only, with_commissioner = one_pot_year(2018), GrantYearFactory(year=2024)
    bids = {
        (year.year, status): BidFactory(grant_year=year, status=status, created_by=people["author"])
        for year in (chair_only, with_commissioner)
        for status in (S.RECOMMENDED, S.APPROVED, S.WITH_COMMISSIONER, S.COMMISSIONER_APPROVED, S.IN_DELIVERY)
        if year.commissioner_step or status not in (S.WITH_COMMISSIONER, S.COMMISSIONER_APPROVED)
    }
    funded = set(Bid.objects.funded().values_list("pk", flat=True))
    assert funded == {
        bids[2018, S.APPROVED].pk,
        bids[2018, S.IN_DELIVERY].pk,
        bids[2024, S.COMMISSIONER_APPROVED].pk,
        bids[2024, S.IN_DELIVERY].pk,
    }
    assert all(bid.is_funded == (bid.pk in funded) for bid in bids.values())
    assert chair_only.funded_statuses == (S.APPROVED, S.IN_DELIVERY, S.COMPLETED)
    by_year = {summary.year.year: summary for summary in year_summaries([chair_only, with_commissioner])}
    assert (by_year[2018].funded_projects, by_year[2024].funded_projects) == (2, 2)
    assert by_year[2024].awaiting_commissioner == Decimal("2000.00")
    assert by_year[2018].awaiting_commissioner == Decimal("0.00")


def test_a_one_pot_year_has_no_tactical_pot_anywhere(people):
    year = one_pot_year()
    bid = BidFactory.build(grant_year=year, pot=Pot.TACTICAL, created_by=people["author"], number=1)
    with pytest.raises(ValidationError, match="held in one pot"):
        bid.full_clean()
    form = BidForm(grant_year=year, viewer=people["author"])
    assert "pot" not in form.fields
    assert form.instance.pot == Pot.UPFRONT
    assert "pot" in BidForm(grant_year=GrantYearFactory(year=2025), viewer=people["author"]).fields
    with pytest.raises(ValidationError, match="no tactical pot to lock"):
        services.tactical_pot_lock(year=year, locked=True, reason="Closed")
    year.tactical_pot = Decimal("100")
    with pytest.raises(ValidationError, match="has no tactical pot"):
        year.full_clean()
    officer = Client()
    officer.force_login(people["officer"])
    assert officer.get(reverse("grants:tactical_lock", args=[2019])).status_code == 404
    page = officer.get(reverse("grants:year_detail", args=[2019])).content.decode()
    assert "Lock the tactical pot" not in page and "Tactical pot" not in page
    assert "One pot; the chair&#x27;s approval is final" in page


def _year_form(**values) -> dict:
    data = {
        "year": "2017",
        "amount_granted": "20000",
        "pot_model": "one",
        "tactical_pot": "",
        "final_approval": "chair",
        "refunds_received": "0",
        "rolled_over": "0",
    }
    return {**data, **values}


def test_an_officer_sets_up_a_one_pot_chair_only_round_with_no_invented_values(people):
    officer = Client()
    officer.force_login(people["officer"])
    url = reverse("grants:year_create")
    refused = officer.post(url, _year_form(tactical_pot="500")).content.decode()
    assert "A grant held in one pot has no tactical pot" in refused and 'value="500"' in refused
    refused = officer.post(url, _year_form(pot_model="split")).content.decode()
    assert "Enter the tactical pot, or choose one pot" in refused
    refused = officer.post(url, _year_form(pot_model="", final_approval="")).content.decode()
    assert "Choose whether the grant is split or held in one pot" in refused
    assert "Choose whose approval is final" in refused
    assert not GrantYear.objects.exists()

    assert officer.post(url, _year_form()).status_code == 302
    year = GrantYear.objects.get(year=2017)
    assert (year.has_tactical_pot, year.commissioner_step, year.tactical_pot) == (False, False, Decimal("0.00"))
    edit = reverse("grants:year_edit", args=[2017])
    assert re.search(r'value="one"\s*checked', officer.get(edit).content.decode())
    form = opened(officer, edit, _year_form(pot_model="split", tactical_pot="6000", final_approval="commissioner"))
    assert officer.post(edit, form).status_code == 302
    year.refresh_from_db()
    assert (year.has_tactical_pot, year.commissioner_step, year.tactical_pot) == (True, True, Decimal("6000.00"))
    assert year.history.count() == 2


def test_the_round_shape_cannot_change_under_bids_that_depend_on_it(people):
    year = GrantYearFactory(year=2016)
    BidFactory(grant_year=year, pot=Pot.TACTICAL, status=S.SUBMITTED, created_by=people["author"])
    year.has_tactical_pot = False
    with pytest.raises(ValidationError, match="1 bid is in the tactical pot"):
        services.year_figures_save(year=year)
    approved = BidFactory(grant_year=year, status=S.RECOMMENDED, created_by=people["author"])
    services.bid_step(bid=approved, action="approve", user=people["chair"])
    year = GrantYear.objects.get(pk=year.pk)
    year.commissioner_step = False
    with pytest.raises(ValidationError, match="can no longer change"):
        services.year_figures_save(year=year)
    assert GrantYear.objects.get(pk=year.pk).commissioner_step is True


def test_a_bid_form_offers_no_priority_of_an_unpublished_agreement_to_a_partner(people):
    """The priority choice list follows Priority.visible_to: an agreement still being drafted is the officers'."""
    from agreement.models import Agreement, Priority

    agreement = Agreement.objects.create(year=2031, title="Draft agreement 2031/32", is_published=False)
    Priority.objects.create(agreement=agreement, position=1, name="Secret draft priority")
    year = GrantYearFactory(year=2031)
    partner = BidForm(grant_year=year, viewer=people["author"])
    assert not partner.fields["priority"].queryset.exists()
    officer = BidForm(grant_year=year, viewer=people["officer"])
    assert [p.name for p in officer.fields["priority"].queryset] == ["Secret draft priority"]


def test_the_plan_item_turns_purple_only_when_the_bid_is_funded_under_its_years_rule(people):
    """In a year with the Commissioner's step the chair's approval is not final: the item is marked grant funded
    at the Commissioner's approval (the funded rule), so a bid the Commissioner refuses never marks it."""
    from agreement.tests.factories import agreement_world

    world = agreement_world()
    year = GrantYearFactory(year=world["agreement"].year, commissioner_step=True)
    items = list(world["draft_version"].items.filter(grant_funded=False)[:2])
    refused, approved = (
        BidFactory(grant_year=year, status=S.RECOMMENDED, created_by=people["author"], plan_item=item) for item in items
    )
    for bid in (refused, approved):
        services.bid_step(bid=bid, action="approve", user=people["chair"])
        services.bid_step(bid=bid, action="send-to-commissioner", user=people["officer"])
    items[0].refresh_from_db()
    assert not items[0].grant_funded, "approved by the chair, not yet funded"
    services.bid_step(bid=refused, action="commissioner-decline", user=people["officer"], reason="Out of scope")
    services.bid_step(bid=approved, action="commissioner-approve", user=people["officer"])
    for item in items:
        item.refresh_from_db()
    assert (items[0].grant_funded, items[1].grant_funded) == (False, True)
