"""What each pot holds, what is drawn from it and what is left, summed by the database in exact pence."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Case, Count, DecimalField, F, Q, Sum, Value, When
from django.db.models.functions import Coalesce

from .models import ZERO, Bid, GrantYear, Pot

S = Bid.Status
COST = Case(
    When(status=S.COMPLETED, then=F("actual_spend")),
    default=F("amount_requested"),
    output_field=DecimalField(max_digits=12, decimal_places=2),
)


def _sum(expression, condition) -> Sum:
    return Coalesce(
        Sum(expression, filter=condition), Value(ZERO), output_field=DecimalField(max_digits=12, decimal_places=2)
    )


@dataclass(frozen=True)
class PotFigures:
    pot: str
    size: Decimal
    drawn: Decimal  # endorsed by the chair or later, at actual spend once completed
    awaiting: Decimal  # recommended by the working group, waiting for the chair
    locked: bool

    @property
    def label(self) -> str:
        return Pot(self.pot).label

    @property
    def allocated(self) -> Decimal:
        return self.drawn + self.awaiting

    @property
    def remaining(self) -> Decimal:
        return self.size - self.allocated


def pot_figures(year: GrantYear, *, exclude: Bid | None = None) -> dict[str, PotFigures]:
    """Both pots of the year in one query; `exclude` leaves out the bid being decided."""
    bids = Bid.objects.filter(grant_year=year)
    if exclude is not None:
        bids = bids.exclude(pk=exclude.pk)
    aggregates = {}
    for pot in Pot.values:
        aggregates[f"{pot}_drawn"] = _sum(COST, Q(pot=pot, status__in=Bid.DRAWING))
        aggregates[f"{pot}_awaiting"] = _sum("amount_requested", Q(pot=pot, status=S.RECOMMENDED))
    sums = bids.aggregate(**aggregates)
    return {
        pot: PotFigures(
            pot=pot,
            size=year.pot_size(pot),
            drawn=sums[f"{pot}_drawn"],
            awaiting=sums[f"{pot}_awaiting"],
            locked=pot == Pot.TACTICAL and year.tactical_locked,
        )
        for pot in Pot.values
    }


@dataclass(frozen=True)
class YearSummary:
    """The grant-year figures as the working group's report gives them."""

    year: GrantYear
    pots: dict
    applications_received: int
    amount_applied_for: Decimal
    spent: Decimal
    funded_projects: int

    @property
    def total_available(self) -> Decimal:
        return sum((figures.size for figures in self.pots.values()), ZERO)

    @property
    def allocated(self) -> Decimal:
        return sum((figures.allocated for figures in self.pots.values()), ZERO)

    @property
    def remaining(self) -> Decimal:
        return self.total_available - self.allocated

    @property
    def underspend(self) -> Decimal:
        """What the year will hand back if nothing more is spent: returned once the year is closed."""
        return self.year.returned_unspent if self.year.is_closed else self.total_available - self.spent


def year_summaries(years) -> list[YearSummary]:
    """Every year's summary with two queries however many years and bids there are."""
    years = list(years)
    counts = {
        row["grant_year"]: row
        for row in Bid.objects.filter(grant_year__in=years)
        .values("grant_year")
        .annotate(
            received=Count("pk", filter=~Q(status=S.DRAFT)),
            applied=_sum("amount_requested", ~Q(status=S.DRAFT)),
            spent=_sum("actual_spend", Q(status=S.COMPLETED)),
            funded=Count("pk", filter=Q(status__in=Bid.FUNDED)),
            **{f"{pot}_drawn": _sum(COST, Q(pot=pot, status__in=Bid.DRAWING)) for pot in Pot.values},
            **{f"{pot}_awaiting": _sum("amount_requested", Q(pot=pot, status=S.RECOMMENDED)) for pot in Pot.values},
        )
    }
    summaries = []
    for year in years:
        row = counts.get(year.pk, {})
        pots = {
            pot: PotFigures(
                pot=pot,
                size=year.pot_size(pot),
                drawn=row.get(f"{pot}_drawn", ZERO),
                awaiting=row.get(f"{pot}_awaiting", ZERO),
                locked=pot == Pot.TACTICAL and year.tactical_locked,
            )
            for pot in Pot.values
        }
        summaries.append(
            YearSummary(
                year=year,
                pots=pots,
                applications_received=row.get("received", 0),
                amount_applied_for=row.get("applied", ZERO),
                spent=row.get("spent", ZERO),
                funded_projects=row.get("funded", 0),
            )
        )
    return summaries


def totals(summaries: list[YearSummary]) -> dict:
    """The across-years row of the summary table."""
    return {
        "applications_received": sum(s.applications_received for s in summaries),
        "total_available": sum((s.total_available for s in summaries), ZERO),
        "allocated": sum((s.allocated for s in summaries), ZERO),
        "spent": sum((s.spent for s in summaries), ZERO),
        "returned": sum((s.year.returned_unspent for s in summaries), ZERO),
    }
