"""Reads for the grant pages, each loading what its page shows in a fixed number of queries."""

from django.db.models import Prefetch

from .budget import year_summaries
from .models import Bid, BidStep, GrantYear

LIST_RELATED = ("grant_year", "applicant_organisation", "priority", "plan_item__priority")


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
    """Projects the Commissioner approved: public, with outcomes once reported."""
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


def pots_by_year(years) -> dict:
    """Both pots of every year given, in one query however many years there are."""
    return {summary.year.pk: summary.pots for summary in year_summaries(years)}
