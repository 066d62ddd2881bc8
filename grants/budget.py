"""What each pot holds, what is drawn from it and what is left, summed by the database in exact pence."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Case, Count, DecimalField, F, Q, Sum, Value, When
from django.db.models.functions import Coalesce

from .models import ZERO, Bid, GrantYear, Pot, funded_q

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
    single: bool = False  # the year holds the whole grant in this one pot

    @property
    def label(self) -> str:
        return "Grant (one pot)" if self.single else Pot(self.pot).label

    @property
    def allocated(self) -> Decimal:
        return self.drawn + self.awaiting

    @property
    def remaining(self) -> Decimal:
        return self.size - self.allocated


def _pot(year: GrantYear, pot: str, sums: dict) -> PotFigures:
    return PotFigures(
        pot=pot,
        size=year.pot_size(pot),
        drawn=sums.get(f"{pot}_drawn", ZERO),
        awaiting=sums.get(f"{pot}_awaiting", ZERO),
        locked=pot == Pot.TACTICAL and year.tactical_locked,
        single=not year.has_tactical_pot,
    )


def pot_figures(year: GrantYear, *, exclude: Bid | None = None) -> dict[str, PotFigures]:
    """The year's pots (both, or the one pot of a one-pot year) in one query; `exclude` leaves out the bid
    being decided."""
    bids = Bid.objects.filter(grant_year=year)
    if exclude is not None:
        bids = bids.exclude(pk=exclude.pk)
    aggregates = {}
    for pot in year.pots:
        aggregates[f"{pot}_drawn"] = _sum(COST, Q(pot=pot, status__in=Bid.DRAWING))
        aggregates[f"{pot}_awaiting"] = _sum("amount_requested", Q(pot=pot, status=S.RECOMMENDED))
    sums = bids.aggregate(**aggregates)
    return {pot: _pot(year, pot, sums) for pot in year.pots}


@dataclass(frozen=True)
class YearSummary:
    """The grant-year figures as the working group's report gives them.

    allocated: money approved at the year's deciding step and on (the funded bids, at actual spend once
    completed); awaiting_chair: recommended, waiting for the chair; awaiting_commissioner: endorsed by the
    chair, waiting for the Commissioner (years with that step); remaining: what no bid has claimed yet.
    All in pounds as Decimal.
    """

    year: GrantYear
    pots: dict
    applications_received: int
    amount_applied_for: Decimal
    spent: Decimal
    funded_projects: int
    allocated: Decimal
    awaiting_commissioner: Decimal

    @property
    def total_available(self) -> Decimal:
        return sum((figures.size for figures in self.pots.values()), ZERO)

    @property
    def awaiting_chair(self) -> Decimal:
        return sum((figures.awaiting for figures in self.pots.values()), ZERO)

    @property
    def remaining(self) -> Decimal:
        return self.total_available - sum((figures.allocated for figures in self.pots.values()), ZERO)

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
            funded=Count("pk", filter=funded_q()),
            allocated=_sum(COST, funded_q()),
            awaiting_commissioner=_sum(
                "amount_requested", Q(grant_year__commissioner_step=True, status__in=Bid.AWAITING_COMMISSIONER)
            ),
            **{f"{pot}_drawn": _sum(COST, Q(pot=pot, status__in=Bid.DRAWING)) for pot in Pot.values},
            **{f"{pot}_awaiting": _sum("amount_requested", Q(pot=pot, status=S.RECOMMENDED)) for pot in Pot.values},
        )
    }
    summaries = []
    for year in years:
        row = counts.get(year.pk, {})
        pots = {pot: _pot(year, pot, row) for pot in year.pots}
        summaries.append(
            YearSummary(
                year=year,
                pots=pots,
                applications_received=row.get("received", 0),
                amount_applied_for=row.get("applied", ZERO),
                spent=row.get("spent", ZERO),
                funded_projects=row.get("funded", 0),
                allocated=row.get("allocated", ZERO),
                awaiting_commissioner=row.get("awaiting_commissioner", ZERO),
            )
        )
    return summaries


def totals(summaries: list[YearSummary]) -> dict:
    """The across-years row of the summary table."""
    return {
        "applications_received": sum(s.applications_received for s in summaries),
        "total_available": sum((s.total_available for s in summaries), ZERO),
        "allocated": sum((s.allocated for s in summaries), ZERO),
        "awaiting_chair": sum((s.awaiting_chair for s in summaries), ZERO),
        "spent": sum((s.spent for s in summaries), ZERO),
        "returned": sum((s.year.returned_unspent for s in summaries), ZERO),
    }
