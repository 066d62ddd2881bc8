"""Officers create, edit, retire and bring back indicators; others read or are refused; history field by field."""

from decimal import Decimal

import pytest
from django.test import Client

from agreement import selectors
from agreement.models import Indicator, IndicatorValue
from kcsp import roles

from .factories import agreement_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return agreement_world()


@pytest.fixture
def officer(make_user):
    client = Client()
    client.force_login(make_user(roles.OFFICER, full_name="Olive Officer"))
    return client


@pytest.fixture
def member(make_user):
    client = Client()
    client.force_login(make_user(roles.MEMBER))
    return client


def form(**fields) -> dict:
    return {
        "name": "Road casualties",
        "unit": "people",
        "frequency": "quarterly",
        "rule": "lower_is_better",
        "tolerance_percent": "5",
        "source": "Safer Roads for Kent Partnership",
        **fields,
    }


def test_officer_creates_an_indicator_under_a_priority_from_the_agreements_indicators(world, officer):
    year = world["agreement"].year
    listing = officer.get(f"/agreement/{year}/indicators/").content.decode()
    assert f"/agreement/{year}/indicators/new/" in listing and "Domestic abuse incidents" in listing
    page = officer.get(f"/agreement/{year}/indicators/new/?priority={world['second'].pk}")
    assert page.status_code == 200
    response = officer.post(f"/agreement/{year}/indicators/new/", form(priority=world["second"].pk))
    assert response.status_code == 302
    indicator = Indicator.objects.get(name="Road casualties")
    assert (indicator.priority, indicator.unit, indicator.rule) == (world["second"], "people", "lower_is_better")
    detail = officer.get(indicator.get_absolute_url()).content.decode()
    assert "Lower is better: a value is flagged when it is more than 5% above the same period last year." in detail
    assert "Created: Road casualties" in detail and "Olive Officer" in detail


def test_bad_input_names_the_rule_and_keeps_what_was_typed(world, officer):
    url = f"/agreement/{world['agreement'].year}/indicators/new/"
    page = officer.post(url, form(priority=world["first"].pk, unit="", tolerance_percent="ten", name="Kept name"))
    body = page.content.decode()
    assert page.status_code == 200 and "govuk-error-summary" in body
    assert "Enter the unit" in body and "Enter the tolerance as a number" in body and "Kept name" in body
    other = agreement_world()
    refused = officer.post(url, form(priority=other["first"].pk)).content.decode()
    assert "Select a valid choice" in refused
    assert not Indicator.objects.filter(name__in=["Kept name", "Road casualties"]).exists()


def test_edit_is_shown_field_by_field_in_the_history(world, officer):
    indicator = world["indicator"]
    url = f"/agreement/indicators/{indicator.pk}/edit/"
    page = officer.get(url).content.decode()
    assert 'name="record_version"' in page
    data = form(priority=indicator.priority_id, name=indicator.name, frequency="monthly", tolerance_percent="15")
    data["record_version"] = officer.get(url).context["form"].initial["record_version"]
    assert officer.post(url, data).status_code == 302
    indicator.refresh_from_db()
    assert indicator.tolerance_percent == Decimal(15)
    detail = officer.get(indicator.get_absolute_url()).content.decode()
    assert "Tolerance percent: 10% → 15%" in detail
    assert "Rule it is judged by: A change either way → Lower is better: flag a rise" in detail
    assert "Unit: incidents → people" in detail


def test_a_monthly_indicator_with_values_in_other_months_cannot_become_quarterly(world, officer):
    indicator = world["indicator"]
    IndicatorValue.objects.create(indicator=indicator, period_start="2022-05-01", value=5)
    url = f"/agreement/indicators/{indicator.pk}/edit/"
    data = form(priority=indicator.priority_id, name=indicator.name)
    data["record_version"] = officer.get(url).context["form"].initial["record_version"]
    body = officer.post(url, data).content.decode()
    assert "cannot be made quarterly" in body and "May 2022" in body
    indicator.refresh_from_db()
    assert indicator.frequency == "monthly"


def test_retire_with_a_reason_leaves_the_exception_report_and_unretire_brings_it_back(world, officer, member):
    indicator, agreement = world["indicator"], world["agreement"]
    assert [i for i, _ in selectors.flagged_indicators(agreement)] == [indicator]
    url = f"/agreement/indicators/{indicator.pk}/retire/"
    assert "Retire this indicator?" in officer.get(url).content.decode()
    empty = officer.post(url, {"reason": "  "}).content.decode()
    assert "Enter why the indicator is being retired" in empty
    assert officer.post(url, {"reason": "Replaced by a new measure"}).status_code == 302
    indicator.refresh_from_db()
    assert indicator.retired and indicator.retired_at and indicator.retired_reason == "Replaced by a new measure"
    assert selectors.flagged_indicators(agreement) == []
    report = member.get(f"/agreement/versions/{world['published_version'].pk}/exceptions/").content.decode()
    assert "Domestic abuse incidents" not in report
    detail = member.get(indicator.get_absolute_url()).content.decode()
    assert "Retired on" in detail and "Replaced by a new measure" in detail and "Status: In use → Retired" not in detail
    assert indicator.values.count() == 2, "its values are kept"
    again = officer.post(url, {"reason": "Twice"})
    assert "already retired" in again.content.decode()
    assert officer.post(f"/agreement/indicators/{indicator.pk}/unretire/").status_code == 302
    indicator.refresh_from_db()
    assert not indicator.retired and indicator.retired_at is None
    assert [i for i, _ in selectors.flagged_indicators(agreement)] == [indicator]
    history = officer.get(indicator.get_absolute_url()).content.decode()
    assert "Retired: In use → Retired" in history and "Reason for retiring: Replaced by a new measure" in history
    assert "Retired: Retired → In use" in history


def test_a_retirement_meanwhile_refuses_the_edit_form(world, officer):
    indicator = world["indicator"]
    url = f"/agreement/indicators/{indicator.pk}/edit/"
    version = officer.get(url).context["form"].initial["record_version"]
    officer.post(f"/agreement/indicators/{indicator.pk}/retire/", {"reason": "Gone"})
    data = form(priority=indicator.priority_id, name=indicator.name, frequency="monthly", record_version=version)
    body = officer.post(url, data).content.decode()
    assert "Someone else changed this" in body
    indicator.refresh_from_db()
    assert indicator.retired and indicator.unit == "incidents"


def test_members_read_indicators_but_cannot_change_them(world, member):
    indicator, year = world["indicator"], world["agreement"].year
    listing = member.get(f"/agreement/{year}/indicators/")
    assert listing.status_code == 200 and "Outside range" in listing.content.decode()
    assert "Add an indicator" not in listing.content.decode()
    for url in (
        f"/agreement/{year}/indicators/new/",
        f"/agreement/{year}/indicators/values/",
        f"/agreement/{year}/indicators/import/",
        f"/agreement/indicators/{indicator.pk}/edit/",
        f"/agreement/indicators/{indicator.pk}/retire/",
        f"/agreement/indicators/{indicator.pk}/unretire/",
    ):
        assert member.get(url).status_code == 403, url
        assert member.post(url, {"reason": "x"}).status_code == 403, url
    assert not Indicator.objects.get(pk=indicator.pk).retired


def test_an_unpublished_agreements_indicators_are_for_officers_only(world, officer, member):
    agreement = world["agreement"]
    agreement.is_published = False
    agreement.save()
    assert member.get(f"/agreement/{agreement.year}/indicators/").status_code == 404
    assert member.get(world["indicator"].get_absolute_url()).status_code == 404
    assert officer.get(world["indicator"].get_absolute_url()).status_code == 200


def test_agreement_page_links_to_the_indicators_and_hides_retired_ones(world, officer):
    agreement = world["agreement"]
    Indicator.objects.create(
        priority=world["second"], name="Old measure", unit="people", retired=True, retired_at="2022-01-01T00:00Z"
    )
    page = officer.get(agreement.get_absolute_url()).content.decode()
    assert f"/agreement/{agreement.year}/indicators/" in page and "Domestic abuse incidents" in page
    assert "Old measure" not in page
    listing = officer.get(f"/agreement/{agreement.year}/indicators/").content.decode()
    assert "Old measure" in listing and "Retired" in listing


def test_a_single_value_keeps_to_the_indicators_periods_and_not_to_a_retired_one(world, officer):
    quarterly = Indicator.objects.create(priority=world["second"], name="KSI", unit="people", frequency="quarterly")
    url = f"/agreement/indicators/{quarterly.pk}/values/new/"
    data = {"period_start_day": "1", "period_start_month": "5", "period_start_year": "2022", "value": "9"}
    assert "This indicator is quarterly" in officer.post(url, data).content.decode()
    assert officer.post(url, {**data, "period_start_month": "7"}).status_code == 302
    assert quarterly.values.get().history.get().history_user.get_full_name() == "Olive Officer"
    officer.post(f"/agreement/indicators/{quarterly.pk}/retire/", {"reason": "Replaced"})
    assert officer.get(url).status_code == 404


def test_the_indicator_page_gives_its_rule_once_and_figures_without_trailing_zeros(world, officer):
    indicator = world["indicator"]
    Indicator.objects.filter(pk=indicator.pk).update(rule="higher_is_better")
    IndicatorValue.objects.create(indicator=indicator, period_start="2022-05-01", value=Decimal("34.00"))
    body = officer.get(indicator.get_absolute_url()).content.decode()
    assert body.count("Higher is better") == 1
    assert ">34<" in body and "34.00" not in body and ">100<" in body and "E+" not in body
    listing = officer.get(f"/agreement/{world['agreement'].year}/indicators/").content.decode()
    assert "E+" not in listing and ".00" not in listing
