"""Bids as rows: the officers' CSV/XLSX of a year's bids, and 360Giving rows of funded grants for publication."""

import csv
import io

from django.conf import settings
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from kcsp.spreadsheets import row_safe

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

# The 360Giving Data Standard's column titles for the fields a published grant needs.
GIVING_COLUMNS = [
    "Identifier",
    "Title",
    "Description",
    "Currency",
    "Amount Awarded",
    "Award Date",
    "Recipient Org:Identifier",
    "Recipient Org:Name",
    "Funding Org:Identifier",
    "Funding Org:Name",
    "Grant Programme:Title",
]


def bid_rows(year: GrantYear, bids) -> list[list]:
    """Rows with typed text made safe for spreadsheets (no cell can start a formula)."""
    rows = []
    for bid in bids:
        rows.append(
            row_safe(
                [
                    bid.reference,
                    bid.title,
                    bid.applicant_organisation.name,
                    f"{bid.contact_name} <{bid.contact_email}>",
                    bid.priority.name if bid.priority else "",
                    bid.plan_item.number if bid.plan_item else "",
                    bid.get_pot_display(),
                    bid.amount_requested,
                    bid.total_cost,
                    bid.match_funding,
                    bid.match_funding_source,
                    bid.get_status_display(),
                    bid.actual_spend if bid.actual_spend is not None else "",
                    "; ".join(bid.outcome_lines),
                ]
            )
        )
    return rows


def bids_csv(year: GrantYear, bids) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(BID_COLUMNS)
    writer.writerows(
        [[f"{cell:.2f}" if hasattr(cell, "quantize") else cell for cell in row] for row in bid_rows(year, bids)]
    )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def bids_xlsx(year: GrantYear, bids) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = f"Bids {year.label.replace('/', '-')}"
    sheet.append(BID_COLUMNS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in bid_rows(year, bids):
        sheet.append(row)
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if hasattr(cell.value, "quantize"):
                cell.number_format = '"£"#,##0.00'
    sheet.freeze_panes = "A2"
    for letter, width in zip("ABCDEFGHIJKLMN", (16, 40, 30, 30, 30, 10, 20, 14, 14, 14, 30, 26, 14, 40), strict=True):
        sheet.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def award_date(bid: Bid):
    """The date of final approval: the Commissioner's, else the chair's."""
    dates = {step.to_status: step.at for step in bid.steps.all()}
    when = dates.get(Bid.Status.COMMISSIONER_APPROVED) or dates.get(Bid.Status.APPROVED)
    return when.date().isoformat() if when else ""


def giving_rows(bids) -> list[list[str]]:
    prefix = settings.GRANTS_360_PREFIX
    rows = []
    for bid in bids:
        amount = bid.actual_spend if bid.status == Bid.Status.COMPLETED else bid.amount_requested
        rows.append(
            row_safe(
                [
                    f"{prefix}-{bid.grant_year.year}-{bid.number:02d}",
                    bid.title,
                    bid.description,
                    "GBP",
                    f"{amount:.2f}",
                    award_date(bid),
                    f"{prefix}-org-{bid.applicant_organisation_id}",
                    bid.applicant_organisation.name,
                    settings.GRANTS_FUNDER_ID,
                    settings.GRANTS_FUNDER_NAME,
                    f"Crime Reduction Grant {bid.grant_year.label}",
                ]
            )
        )
    return rows


def giving_csv(bids) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(GIVING_COLUMNS)
    writer.writerows(giving_rows(bids))
    return buffer.getvalue().encode("utf-8")
