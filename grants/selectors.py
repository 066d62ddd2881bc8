"""Reads for the grant pages, each loading what its page shows in a fixed number of queries."""

from django.db.models import Prefetch

from .budget import year_summaries
from .models import Bid, BidStep, GrantYear

LIST_RELATED = ("grant_year", "applicant_organisation", "priority", "plan_item__priority", "plan_item__version__plan")


def bids_for(user, year: GrantYear, status: str = ""):
    bids = Bid.objects.visible_to(user).filter(grant_year=year).select_related(*LIST_RELATED)
    if status in Bid.Status.values:
        bids = bids.filter(status=status)
    return bids.order_by("number")


def bid_detail_queryset(user):
    return (
        Bid.objects.visible_to(user)
        .select_related(*LIST_RELATED, "created_by")
        .prefetch_related(Prefetch("steps", BidStep.objects.select_related("by")), "attachments")
    )


def funded_bids(year: GrantYear | None = None):
    """Projects approved at their year's last step (the Commissioner's, or the chair's where it was final):
    public, with outcomes once reported."""
    bids = Bid.objects.funded().select_related("grant_year", "applicant_organisation", "priority")
    if year is not None:
        bids = bids.filter(grant_year=year)
    return bids.prefetch_related("steps").order_by("-grant_year__year", "number")


def awaiting_chair():
    return (
        Bid.objects.awaiting_chair()
        .filter(grant_year__closed_on__isnull=True)
        .select_related(*LIST_RELATED)
        .prefetch_related(Prefetch("steps", BidStep.objects.select_related("by")), "attachments")
        .order_by("grant_year__year", "number")
    )


def awaiting_chair_pks():
    """The pks of the bids in the chair's queue, in its order (one light query)."""
    return (
        Bid.objects.awaiting_chair()
        .filter(grant_year__closed_on__isnull=True)
        .order_by("grant_year__year", "number")
        .values_list("pk", flat=True)
    )


def pots_by_year(years) -> dict:
    """Both pots of every year given, in one query however many years there are."""
    return {summary.year.pk: summary.pots for summary in year_summaries(years)}


def decision_minutes(user):
    """Minutes that may record the decision on a bid: the partnership's own meetings (committees
    that are no one's subgroup: the board whose chair decides bids), only those this user may read (restricted
    and DHR minutes stay out for those not entitled), newest meeting first."""
    from meetings.models import Minute

    return (
        Minute.objects.visible_to(user)
        .filter(committee__parent__isnull=True)
        .select_related("meeting", "committee")
        .order_by("-meeting__starts_at", "-number")
    )


def decided_minute(bid: Bid, user):
    """The minute that decided the bid, when there is one and this user may read it; else None."""
    if bid.decided_at_minute_id is None:
        return None
    from meetings.models import Minute

    return (
        Minute.objects.visible_to(user)
        .select_related("meeting", "committee")
        .filter(pk=bid.decided_at_minute_id)
        .first()
    )


def bids_for_plan_item(item, user) -> list[tuple]:
    """The bids that fund an action plan item (any version of it), as (bid, may_open) pairs: the bids this user
    may open, and the funded ones the year page publishes anyway; by year and number."""
    visible = Bid.objects.visible_to(user).for_plan_item(item)
    bids = (
        (visible | Bid.objects.funded().for_plan_item(item))
        .select_related("grant_year", "applicant_organisation")
        .order_by("grant_year__year", "number")
    )
    openable = set(visible.values_list("pk", flat=True))
    return [(bid, bid.pk in openable) for bid in bids]
