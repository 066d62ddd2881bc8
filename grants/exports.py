"""Bids as rows: the officers' CSV/XLSX of a year's bids, and funded grants in the 360Giving Data Standard for
publication, as CSV (its spreadsheet column titles) and JSON (its data package), both from giving_record."""

import json
from datetime import date
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from kcsp.exports import Sheet, table_csv, table_xlsx
from kcsp.identifiers import giving_identifier
from kcsp.text import text_safe

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

# The 360Giving Data Standard's fields a published grant of ours carries: (JSON path in the standard's schema,
# 360-giving-schema.json, and the column title its spreadsheet template gives it). A path's "/0/" is the first (and
# here only) member of a list: the standard's CSV titles roll a list's first member up into "Recipient Org:..." etc.
GIVING_FIELDS = [
    ("id", "Identifier"),
    ("title", "Title"),
    ("description", "Description"),
    ("currency", "Currency"),
    ("amountAppliedFor", "Amount Applied For"),
    ("amountAwarded", "Amount Awarded"),
    ("awardDate", "Award Date"),
    ("plannedDates/0/startDate", "Planned Dates:Start Date"),
    ("plannedDates/0/endDate", "Planned Dates:End Date"),
    ("recipientOrganization/0/id", "Recipient Org:Identifier"),
    ("recipientOrganization/0/name", "Recipient Org:Name"),
    ("recipientOrganization/0/charityNumber", "Recipient Org:Charity Number"),
    ("recipientOrganization/0/companyNumber", "Recipient Org:Company Number"),
    ("fundingOrganization/0/id", "Funding Org:Identifier"),
    ("fundingOrganization/0/name", "Funding Org:Name"),
    ("grantProgramme/0/title", "Grant Programme:Title"),
    ("dateModified", "Last modified"),
    ("dataSource", "Data Source"),
]
GIVING_COLUMNS = [title for _, title in GIVING_FIELDS]
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


def _published_text(value: str) -> str:
    """Typed text as both files publish it: control characters made safe, line endings as \\n (kcsp.text)."""
    return text_safe(value or "").replace("\r\n", "\n").replace("\r", "\n")


def giving_record(bid: Bid) -> dict:
    """One funded bid as a 360Giving grant in the standard's JSON shape, the one source of both files.

    Values stay typed: money as Decimal pounds (amountAwarded is the actual spend once completed, else what was
    asked), dates as datetime.date (awardDate: see award_date; plannedDates: the grant year, 1 April to
    31 March, the project was funded for), dateModified as an RFC 3339 local date-time string; None for a value
    the bid does not have (a charity number it has not got, an award date never recorded)."""
    amount = bid.actual_spend if bid.status == Bid.Status.COMPLETED else bid.amount_requested
    organisation = bid.applicant_organisation
    year = bid.grant_year
    return {
        "id": f"{settings.GRANTS_360_PREFIX}-{year.year}-{bid.number:02d}",
        "title": _published_text(bid.title),
        "description": _published_text(bid.description),
        "currency": "GBP",
        "amountAppliedFor": bid.amount_requested.quantize(PENNY),
        "amountAwarded": amount.quantize(PENNY),
        "awardDate": award_date(bid),
        "plannedDates": [{"startDate": date(year.year, 4, 1), "endDate": date(year.year + 1, 3, 31)}],
        "recipientOrganization": [
            {
                "id": recipient_identifier(organisation),
                "name": _published_text(organisation.name),
                "charityNumber": "".join(organisation.charity_number.split()) or None,
                "companyNumber": "".join(organisation.company_number.split()).upper() or None,
            }
        ],
        "fundingOrganization": [{"id": settings.GRANTS_FUNDER_ID, "name": settings.GRANTS_FUNDER_NAME}],
        "grantProgramme": [{"title": f"Crime Reduction Grant {year.label}"}],
        "dateModified": timezone.localtime(bid.updated_at).isoformat(timespec="seconds"),
        "dataSource": settings.SITE_URL.rstrip("/") + year.get_absolute_url(),
    }


def record_value(record: dict, path: str):
    """The value at a GIVING_FIELDS path ("recipientOrganization/0/id") of a giving_record; None if absent."""
    value = record
    for step in path.split("/"):
        try:
            value = value[int(step)] if step.isdigit() else value.get(step)
        except (IndexError, AttributeError):
            return None
        if value is None:
            return None
    return value


def giving_rows(bids) -> list[list]:
    """One 360Giving row per funded bid, in GIVING_COLUMNS order, read from giving_record: the JSON's values."""
    return [[record_value(record, path) for path, _ in GIVING_FIELDS] for record in map(giving_record, bids)]


def giving_csv(bids) -> bytes:
    """Funded grants in 360Giving columns; no byte-order mark, as the data is read by programs."""
    return table_csv(GIVING_COLUMNS, giving_rows(bids), bom=False)


def _json_value(value):
    """A giving_record value as JSON holds it: money as a number (never a string: the standard's amounts are
    numbers), dates as YYYY-MM-DD; None, "" and what holds nothing else left out."""
    if isinstance(value, dict):
        kept = {key: _json_value(item) for key, item in value.items()}
        return {key: item for key, item in kept.items() if item not in (None, "", [], {})}
    if isinstance(value, list):
        return [item for item in map(_json_value, value) if item not in (None, "", [], {})]
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def giving_package(bids) -> dict:
    """The 360Giving data package {"grants": [grant, ...]} (360-giving-package-schema.json), one grant per funded
    bid, from the same giving_record as the CSV."""
    return {"grants": [_json_value(giving_record(bid)) for bid in bids]}


def giving_json(bids) -> bytes:
    """giving_package as UTF-8 JSON text, indented for people reading it."""
    return json.dumps(giving_package(bids), ensure_ascii=False, indent=2).encode("utf-8")
