"""factory_boy factories for the grant: a year, and bids placed straight into any status."""

from decimal import Decimal

import factory

from grants.models import Bid, GrantYear, Pot
from kcsp.tests.factories import OrganisationFactory


class GrantYearFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GrantYear
        django_get_or_create = ("year",)

    year = 2022
    amount_granted = Decimal("39661.00")
    tactical_pot = Decimal("13220.00")


class BidFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Bid

    grant_year = factory.SubFactory(GrantYearFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Project {n}")
    description = "A project for the partnership."
    applicant_organisation = factory.SubFactory(OrganisationFactory)
    contact_name = "Project contact"
    contact_email = "contact@partner.example"
    amount_requested = Decimal("1000.00")
    total_cost = factory.LazyAttribute(lambda bid: bid.amount_requested)
    pot = Pot.UPFRONT
    status = Bid.Status.SUBMITTED
    actual_spend = factory.LazyAttribute(
        lambda bid: bid.amount_requested if bid.status == Bid.Status.COMPLETED else None
    )
    created_by = None


def grants_world(*, member_user, year: int = 2022, tmp_upload=None) -> dict:
    """A grant year with a member's draft and submitted bids, a recommended bid, a bid the chair has approved
    (decided_bid) and an attachment."""
    from django.core.files.base import ContentFile
    from django.utils import timezone

    from grants.models import BidAttachment, BidStep
    from meetings.tests.factories import PDF_BYTES

    grant_year = GrantYearFactory(year=year)
    draft = BidFactory(grant_year=grant_year, status=Bid.Status.DRAFT, created_by=member_user)
    submitted = BidFactory(grant_year=grant_year, status=Bid.Status.SUBMITTED, created_by=member_user)
    recommended = BidFactory(grant_year=grant_year, status=Bid.Status.RECOMMENDED, created_by=member_user)
    decided = BidFactory(grant_year=grant_year, status=Bid.Status.APPROVED, created_by=member_user)
    BidStep.objects.create(
        bid=decided,
        from_status=Bid.Status.RECOMMENDED,
        to_status=Bid.Status.APPROVED,
        by=member_user,
        at=timezone.now(),
    )
    attachment = BidAttachment.objects.create(
        bid=submitted,
        title="Business case",
        file=ContentFile(PDF_BYTES, name="case.pdf"),
        original_name="case.pdf",
        file_kind="pdf",
        uploaded_by=member_user,
    )
    return {
        "grant_year": grant_year,
        "draft_bid": draft,
        "submitted_bid": submitted,
        "recommended_bid": recommended,
        "decided_bid": decided,
        "bid_attachment": attachment,
    }
