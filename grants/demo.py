"""Demo grant years from the July 2022 working group report: 2021/22 delivered and closed, 2022/23 with the chair,
placed as the year before today's financial year and today's (kcsp/demo_clock.py); the amounts are the papers'."""

import datetime
import json
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from agreement.models import PlanVersion
from kcsp.demo_clock import DemoClock
from kcsp.demo_records import demo_mark
from kcsp.models import Organisation, User

from .models import Bid, BidStep, GrantYear, Pot

DATA_DIR = Path(__file__).resolve().parent / "demo_data"
S = Bid.Status
DELIVERED_PATH = (S.SUBMITTED, S.RECOMMENDED, S.APPROVED, S.WITH_COMMISSIONER, S.COMMISSIONER_APPROVED, S.IN_DELIVERY)
NOTE = "Recorded from the KCSP Working Group report of July 2022."


def _at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))


def _plan_items(year: int) -> dict:
    version = PlanVersion.objects.filter(plan__agreement__year=year).order_by("-pk").first()
    if version is None:
        return {}
    return {item.number: item for item in version.items.select_related("priority")}


@transaction.atomic
def demo_grants_load(clock: DemoClock) -> None:
    """Create the demo grant years for `clock`; a year a user already made is left as it is."""
    data = json.loads((DATA_DIR / "grants.json").read_text(encoding="utf-8"))
    officer = User.objects.get(email="officer@kcsp.example")
    kcc = Organisation.objects.get(name="Kent County Council")
    for row in data["years"]:
        number = clock.fy(row["year"])
        if GrantYear.objects.filter(year=number).exists():
            continue
        year = GrantYear.objects.create(
            year=number,
            amount_granted=Decimal(row["amount_granted"]),
            tactical_pot=Decimal(row["tactical_pot"]),
            tactical_locked=bool(row.get("tactical_locked_reason")),
            tactical_locked_reason=row.get("tactical_locked_reason", ""),
        )
        demo_mark([year], clock.placed_for)
        items = _plan_items(number)
        for number, bid_row in enumerate(row["bids"], start=1):
            amount = Decimal(bid_row["amount"])
            item = items.get(bid_row.get("plan_item"))
            bid = Bid.objects.create(
                grant_year=year,
                number=number,
                title=bid_row["title"],
                description=bid_row["description"],
                applicant_organisation=Organisation.objects.get(name=bid_row.get("organisation", kcc.name)),
                contact_name="Kent Community Safety Team",
                contact_email=officer.email,
                priority=item.priority if item else None,
                plan_item=item,
                amount_requested=amount,
                total_cost=Decimal(bid_row.get("total_cost", bid_row["amount"])),
                match_funding=Decimal(bid_row.get("match_funding", "0")),
                match_funding_source=bid_row.get("match_funding_source", ""),
                pot=Pot.UPFRONT,
                created_by=officer,
            )
            if "actual_spend" in bid_row:
                first, last = clock.fy_day(f"{row['year']}-04-01"), clock.fy_day(f"{row['year'] + 1}-03-31")
                _record(bid, [*DELIVERED_PATH, S.COMPLETED], officer, first, last)
                bid.actual_spend = Decimal(bid_row["actual_spend"])
                bid.outcomes = "\n".join(bid_row["outcomes"])
                bid.status = S.COMPLETED
            else:
                recommended = clock.fy_day(row["recommended_on"])
                _record(bid, [S.SUBMITTED, S.RECOMMENDED], officer, recommended, recommended)
                bid.status = S.RECOMMENDED
            bid.save()
            demo_mark([bid], clock.placed_for)
        if row.get("closed_on"):
            year.closed_on = clock.fy_day(row["closed_on"])
            spent = sum((bid.actual_spend for bid in year.bids.all()), Decimal("0.00"))
            year.returned_unspent = year.amount_granted - spent
            year.save()


def _record(bid: Bid, path, user: User, first_day: datetime.date, last_day: datetime.date) -> None:
    previous = S.DRAFT
    for index, status in enumerate(path):
        day = last_day if index == len(path) - 1 else first_day
        BidStep.objects.create(bid=bid, from_status=previous, to_status=status, by=user, at=_at(day), reason=NOTE)
        previous = status
