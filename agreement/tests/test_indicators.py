"""Indicator exception rule at its boundary, the chart and table, and the exception report."""

from decimal import Decimal

import pytest
from django.test import Client

from agreement import selectors
from agreement.models import IndicatorValue
from agreement.models.indicators import is_exception
from kcsp import roles

from .factories import agreement_world


@pytest.mark.parametrize(
    ("value", "last_year", "flagged"),
    [
        (Decimal(110), Decimal(100), False),
        (Decimal("110.01"), Decimal(100), True),
        (Decimal(90), Decimal(100), False),
        (Decimal("89.99"), Decimal(100), True),
        (Decimal(500), None, False),
        (Decimal(0), Decimal(0), False),
        (Decimal(1), Decimal(0), True),
    ],
)
def test_rule_flags_only_beyond_the_tolerance(value, last_year, flagged):
    assert is_exception(value, last_year, Decimal(10)) is flagged


@pytest.mark.django_db
def test_flagged_latest_value_appears_in_the_exception_report_with_chart_and_table(make_user):
    world = agreement_world()
    member = Client()
    member.force_login(make_user(roles.MEMBER))
    indicator = world["indicator"]
    report = member.get(f"/agreement/versions/{world['published_version'].pk}/exceptions/").content.decode()
    assert "Domestic abuse incidents" in report and "against 100" in report
    page = member.get(indicator.get_absolute_url()).content.decode()
    assert "<svg" in page and 'role="img"' in page and 'data-testid="indicator-values"' in page
    assert "Outside range" in page
    IndicatorValue.objects.filter(indicator=indicator, period_start="2022-04-01").update(value=110)
    assert selectors.flagged_indicators(world["agreement"]) == []


@pytest.mark.django_db
def test_officer_adds_a_value_and_a_duplicate_period_is_refused(make_user):
    world = agreement_world()
    officer = Client()
    officer.force_login(make_user(roles.OFFICER))
    url = f"/agreement/indicators/{world['indicator'].pk}/values/new/"
    form = {"period_start_day": "1", "period_start_month": "5", "period_start_year": "2022", "value": "95"}
    assert officer.post(url, form).status_code == 302
    again = officer.post(url, form).content.decode()
    assert "There is already a value for this period" in again
    bad = officer.post(url, {**form, "period_start_month": "6", "value": "lots"}).content.decode()
    assert "Enter the value as a number" in bad
    assert world["indicator"].values.count() == 3


@pytest.mark.django_db
def test_demo_has_two_indicators_one_of_which_trips_the_rule(settings, demo_load):
    from agreement.models import Agreement, Indicator
    from kcsp.demo_clock import REFERENCE_TODAY

    settings.DEBUG = True
    demo_load(REFERENCE_TODAY)  # as `manage.py demo --today 2022-10-31`
    agreement = Agreement.objects.get(year=2022)
    assert Indicator.objects.filter(priority__agreement=agreement).count() == 2
    flagged = selectors.flagged_indicators(agreement)
    assert [indicator.name for indicator, _ in flagged] == ["Anti-social behaviour incidents recorded by Kent Police"]
