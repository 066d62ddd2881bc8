"""Test data for Domestic Homicide Reviews: cases at known stages with their action plans, money and files."""

import datetime
from decimal import Decimal

from django.core.files.base import ContentFile

from dhr.models import (
    ActionUpdate,
    AgencyAction,
    AgendaLink,
    Case,
    CaseCost,
    CaseDocument,
    FundingContribution,
    FundingYear,
    Recommendation,
    TimescaleRule,
)
from dhr.services import case_due_dates_refresh
from kcsp.tests.factories import OrganisationFactory
from meetings.tests.factories import PDF_BYTES

SECRET_PSEUDONYM = "Zephyrine"


def make_case(**fields) -> Case:
    defaults = {
        "pseudonym": SECRET_PSEUDONYM,
        "year": 2023,
        "csp_area": "swale",
        "notified_on": datetime.date(2023, 1, 31),
    }
    case = Case.objects.create(**(defaults | fields))
    return case_due_dates_refresh(case=case)


def dhr_world(*, user, dhr_item=None) -> dict:
    """An overdue case with an action plan, a published listed case with its report, money, a file and a rule."""
    organisation = OrganisationFactory(name="Test Police")
    case = make_case(
        status=Case.Status.DRAFTED,
        decision=Case.Decision.MET,
        decision_on=datetime.date(2023, 2, 20),
        victim_summary="Secret victim detail",
    )
    recommendation = Recommendation.objects.create(case=case, number=1, level="local", text="Secret recommendation")
    action = AgencyAction.objects.create(
        recommendation=recommendation,
        organisation=organisation,
        owner="Inspector Test",
        action="Secret action",
        set_on=datetime.date(2023, 6, 1),
        due_on=datetime.date(2023, 12, 31),
    )
    ActionUpdate.objects.create(
        action=action, given_on=datetime.date(2023, 7, 1), text="Begun", status="in_progress", recorded_by=user
    )
    CaseCost.objects.create(
        case=case, kind="chair_fee", amount=Decimal("1000.00"), incurred_on=datetime.date(2023, 5, 1)
    )
    document = CaseDocument(
        case=case, title="Secret terms of reference", file_kind="pdf", original_name="tor.pdf", uploaded_by=user
    )
    document.file.save("tor.pdf", ContentFile(PDF_BYTES), save=False)
    document.save()
    year = FundingYear.objects.create(starts_in=2023)
    FundingContribution.objects.create(funding_year=year, organisation=organisation, amount_agreed=Decimal("500.00"))
    listed = make_case(
        pseudonym="Listedname",
        year=2019,
        status=Case.Status.PUBLISHED,
        notified_on=datetime.date(2019, 3, 1),
        decision=Case.Decision.MET,
        decision_on=datetime.date(2019, 3, 20),
        submitted_on=datetime.date(2019, 9, 1),
        published_on=datetime.date(2021, 6, 1),
        is_listed_publicly=True,
        victim_summary="Never public",
    )
    listed.published_report.save("report.pdf", ContentFile(b"%PDF-1.4 published"), save=True)
    link = None
    if dhr_item is not None:
        link = AgendaLink.objects.create(item=dhr_item, include_update_paper=True)
        link.cases.set([case])
    rule = TimescaleRule.objects.get(key=TimescaleRule.Key.DECISION)
    return {
        "dhr_case": case,
        "dhr_recommendation": recommendation,
        "dhr_action": action,
        "dhr_document": document,
        "dhr_funding_year": year,
        "dhr_rule": rule,
        "dhr_listed": listed,
        "dhr_link": link,
    }
