"""Bids as rows: the officers' CSV/XLSX of a year's bids, and 360Giving rows of funded grants for publication."""

from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings

from kcsp.exports import Sheet, table_csv, table_xlsx
from kcsp.identifiers import giving_identifier

from .models import Bid, GrantYear

BID_COLUMNS = [
    "Reference",
    "Project title",
    "Applicant organisation",
    "Contact",
    "Priority",
    "Action plan item",
    "Pot",
    "Amount requested (£)",
    "Total project cost (£)",
    "Match funding (£)",
    "Match funding source",
    "Status",
    "Actual spend (£)",
    "Outcomes",
]

# The 360Giving Data Standard's column titles (its spreadsheet template) for the fields a published grant needs.
GIVING_COLUMNS = [
    "Identifier",
    "Title",
    "Description",
    "Currency",
    "Amount Awarded",
    "Award Date",
    "Recipient Org:Identifier",
    "Recipient Org:Name",
    "Recipient Org:Charity Number",
    "Recipient Org:Company Number",
    "Funding Org:Identifier",
    "Funding Org:Name",
    "Grant Programme:Title",
]
# The partnership's dates are Kent's: a decision at 23:30 UTC in British Summer Time is made the next day.
LOCAL = ZoneInfo("Europe/London")


MONEY_COLUMNS = (7, 8, 9, 12)
PENNY = Decimal("0.01")


def bid_rows(year: GrantYear, bids) -> list[list]:
    """One row per bid in BID_COLUMNS order: money as Decimal pounds, the rest as typed (kcsp.exports guards it)."""
    rows = []
    for bid in bids:
        rows.append(
            [
                bid.reference,
                bid.title,
                bid.applicant_organisation.name,
                f"{bid.contact_name} <{bid.contact_email}>",
                bid.priority.name if bid.priority else "",
                bid.plan_item.number if bid.plan_item else "",
                bid.pot_label,
                bid.amount_requested,
                bid.total_cost,
                bid.match_funding,
                bid.match_funding_source,
                bid.get_status_display(),
                bid.actual_spend,
                "; ".join(bid.outcome_lines),
            ]
        )
    return rows


def _pence(row: list) -> list:
    return [value.quantize(PENNY) if isinstance(value, Decimal) else value for value in row]


def bids_csv(year: GrantYear, bids) -> bytes:
    return table_csv(BID_COLUMNS, [_pence(row) for row in bid_rows(year, bids)])


def bids_xlsx(year: GrantYear, bids) -> bytes:
    return table_xlsx(
        Sheet(
            title=f"Bids {year.label}",
            headers=BID_COLUMNS,
            rows=bid_rows(year, bids),
            widths=(16, 40, 30, 30, 30, 10, 20, 14, 14, 14, 30, 26, 14, 40),
            number_formats={column: '"£"#,##0.00' for column in MONEY_COLUMNS},
        )
    )


def award_date(bid: Bid):
    """The date of the year's deciding step (BidStep.taken_on: the date given when it was entered after the event,
    else the UK date it was recorded): the Commissioner's approval where the year
    has that step, the chair's where the chair's was final; None if the bid never took it. Uses the bid's
    prefetched steps (the latest such step, should a decision have been taken twice)."""
    deciding = bid.grant_year.deciding_status
    steps = [step for step in bid.steps.all() if step.to_status == deciding]
    return max(steps, key=lambda step: step.at).taken_on if steps else None


def recipient_identifier(organisation) -> str:
    """The organisation's official org-id (GB-CHC-…, GB-COH-…, GB-LAE-…); the configured 360Giving prefix
    (settings.GRANTS_360_PREFIX) with the organisation's number only when it has none."""
    return giving_identifier(organisation)


def giving_rows(bids) -> list[list]:
    """One 360Giving row per funded bid, in GIVING_COLUMNS order: the amount at actual spend once completed."""
    prefix = settings.GRANTS_360_PREFIX
    rows = []
    for bid in bids:
        amount = bid.actual_spend if bid.status == Bid.Status.COMPLETED else bid.amount_requested
        organisation = bid.applicant_organisation
        rows.append(
            [
                f"{prefix}-{bid.grant_year.year}-{bid.number:02d}",
                bid.title,
                bid.description,
                "GBP",
                amount.quantize(PENNY),
                award_date(bid),
                recipient_identifier(organisation),
                organisation.name,
                "".join(organisation.charity_number.split()),
                "".join(organisation.company_number.split()).upper(),
                settings.GRANTS_FUNDER_ID,
                settings.GRANTS_FUNDER_NAME,
                f"Crime Reduction Grant {bid.grant_year.label}",
            ]
        )
    return rows


def giving_csv(bids) -> bytes:
    """Funded grants in 360Giving columns; no byte-order mark, as the data is read by programs."""
    return table_csv(GIVING_COLUMNS, giving_rows(bids), bom=False)
