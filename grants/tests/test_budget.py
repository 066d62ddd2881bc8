"""Budget guards at the exact penny, the locked tactical pot, money released, and two approvals racing."""

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from grants import services
from grants.budget import pot_figures
from grants.models import Bid, Pot
from kcsp import roles

from .factories import BidFactory, GrantYearFactory

S = Bid.Status


@pytest.fixture
def year(db):
    """£3,000 granted, £1,000 tactical: £2,000 up front, of which £1,500 is already approved."""
    year = GrantYearFactory(year=2030, amount_granted=Decimal("3000.00"), tactical_pot=Decimal("1000.00"))
    return year


@pytest.fixture
def people(make_user):
    return {role: make_user(role) for role in (roles.OFFICER, roles.CHAIR, roles.MEMBER)}


def bid(year, people, amount, status=S.RECOMMENDED, pot=Pot.UPFRONT):
    return BidFactory(
        grant_year=year, amount_requested=Decimal(amount), status=status, pot=pot, created_by=people[roles.MEMBER]
    )


@pytest.mark.django_db
def test_approval_that_uses_the_last_penny_passes(year, people):
    bid(year, people, "1500.00", S.APPROVED)
    last = bid(year, people, "500.00")
    services.bid_step(bid=last, action="approve", user=people[roles.CHAIR])
    assert pot_figures(year)[Pot.UPFRONT].remaining == Decimal("0.00")


@pytest.mark.django_db
def test_approval_one_penny_over_is_refused_with_the_figures(year, people):
    bid(year, people, "1500.00", S.APPROVED)
    over = bid(year, people, "500.01")
    with pytest.raises(ValidationError) as refused:
        services.bid_step(bid=over, action="approve", user=people[roles.CHAIR])
    message = refused.value.messages[0]
    assert "asks for £500.01 from the up-front allocation" in message
    assert "only £500.00 is left: £2,000.00 in the pot, £1,500.00 already approved" in message
    assert Bid.objects.get(pk=over.pk).status == S.RECOMMENDED
    assert not over.steps.exists()


@pytest.mark.django_db
def test_recommending_counts_bids_already_waiting_for_the_chair(year, people):
    bid(year, people, "1500.00", S.APPROVED)
    bid(year, people, "400.00", S.RECOMMENDED)
    fits = bid(year, people, "100.00", S.SUBMITTED)
    services.bid_step(bid=fits, action="recommend", user=people[roles.OFFICER])
    over = bid(year, people, "0.01", S.SUBMITTED)
    with pytest.raises(ValidationError, match="only £0.00 is left.*£2,000.00 already approved or recommended"):
        services.bid_step(bid=over, action="recommend", user=people[roles.OFFICER])


@pytest.mark.django_db
def test_refunds_and_roll_over_add_to_the_up_front_pot(year, people):
    bid(year, people, "1500.00", S.APPROVED)
    year.refunds_received, year.rolled_over = Decimal("10.00"), Decimal("0.01")
    year.save()
    services.bid_step(bid=bid(year, people, "510.01"), action="approve", user=people[roles.CHAIR])


@pytest.mark.django_db
def test_a_locked_tactical_pot_gives_nothing_more(year, people):
    services.tactical_pot_lock(year=year, locked=True, reason="The Commissioner closed access on 25 February")
    tactical = bid(year, people, "1.00", pot=Pot.TACTICAL)
    with pytest.raises(ValidationError, match="tactical pot is locked.*25 February"):
        services.bid_step(bid=tactical, action="approve", user=people[roles.CHAIR])
    with pytest.raises(ValidationError, match="Enter why"):
        services.tactical_pot_lock(year=year, locked=True, reason="")
    services.tactical_pot_lock(year=year, locked=False)
    services.bid_step(bid=tactical, action="approve", user=people[roles.CHAIR])


@pytest.mark.django_db
def test_withdrawal_and_a_cheaper_completion_release_money(year, people):
    big = bid(year, people, "1500.00", S.APPROVED)
    waiting = bid(year, people, "1000.00")
    with pytest.raises(ValidationError):
        services.bid_step(bid=waiting, action="approve", user=people[roles.CHAIR])
    services.bid_step(bid=big, action="withdraw", user=people[roles.OFFICER], reason="Could not take place")
    services.bid_step(bid=waiting, action="approve", user=people[roles.CHAIR])
    figures = pot_figures(year)[Pot.UPFRONT]
    assert (figures.drawn, figures.remaining) == (Decimal("1000.00"), Decimal("1000.00"))
    in_delivery = bid(year, people, "1000.00", S.IN_DELIVERY)
    services.bid_step(
        bid=in_delivery, action="complete", user=people[roles.OFFICER], actual_spend=Decimal("600.40"), outcomes="Done"
    )
    assert pot_figures(year)[Pot.UPFRONT].remaining == Decimal("399.60")


@pytest.mark.django_db
def test_the_tactical_pot_is_at_most_a_third(year):
    from django.db import IntegrityError, transaction

    year.tactical_pot = Decimal("1000.01")
    with pytest.raises(ValidationError, match="at most a third of the grant: £1,000.00"):
        year.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        year.save()


@pytest.mark.django_db
def test_closing_the_year_returns_what_was_not_spent(year, people):
    open_bid = bid(year, people, "100.00", S.IN_DELIVERY)
    with pytest.raises(ValidationError, match="1 bid is still open"):
        services.year_close(year=year)
    services.bid_step(
        bid=open_bid, action="complete", user=people[roles.OFFICER], actual_spend=Decimal("99.99"), outcomes="Done"
    )
    closed = services.year_close(year=year)
    assert closed.returned_unspent == Decimal("2900.01")
    with pytest.raises(ValidationError, match="already closed"):
        services.year_close(year=year)


@pytest.mark.django_db(transaction=True)
def test_two_approvals_racing_for_the_last_funds_exactly_one_succeeds(year, people):
    """Two chairs press Approve at the same moment on bids that each fit alone but not together."""
    bid(year, people, "1500.00", S.APPROVED)
    first, second = bid(year, people, "300.00"), bid(year, people, "300.00")
    chair = people[roles.CHAIR]
    start = threading.Barrier(2)
    outcomes = {}

    def approve(target):
        try:
            start.wait()
            services.bid_step(bid=target, action="approve", user=chair)
            outcomes[target.pk] = "approved"
        except ValidationError as error:
            outcomes[target.pk] = error.messages[0]
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=(target,)) for target in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcome == "approved" for outcome in outcomes.values()) == [False, True]
    refused = next(outcome for outcome in outcomes.values() if outcome != "approved")
    assert "only £200.00 is left" in refused
    assert Bid.objects.filter(status=S.APPROVED).count() == 2
    assert pot_figures(year)[Pot.UPFRONT].drawn == Decimal("1800.00")
