"""The value grid: all or nothing, changed cells only with history, quarterly cells, the grid lock, query counts."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from agreement.indicator_forms import cell_name
from agreement.models import Indicator, IndicatorValue
from kcsp import roles

from .factories import agreement_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    world = agreement_world()
    year = world["agreement"].year
    world["grid"] = f"/agreement/{year}/indicators/values/"
    world["quarterly"] = Indicator.objects.create(
        priority=world["second"], name="People killed or seriously injured", unit="people", frequency="quarterly"
    )
    IndicatorValue.objects.create(indicator=world["indicator"], period_start=datetime.date(year, 4, 1), value=120)
    return world


def officer_client(make_user, name="Olive Officer"):
    client = Client()
    client.force_login(make_user(roles.OFFICER, full_name=name))
    return client


def opened(client, url) -> dict:
    """The grid's form as the page shows it: every cell's text and the version."""
    form = client.get(url).context["form"]
    return {name: form[name].value() or "" for name in form.fields} | {"record_version": form.initial["record_version"]}


def test_the_grid_shows_the_financial_year_and_quarterly_rows_only_take_quarter_starts(world, make_user):
    officer, year = officer_client(make_user), world["agreement"].year
    page = officer.get(world["grid"])
    form = page.context["form"]
    monthly, quarterly = world["indicator"], world["quarterly"]
    assert [f"{m:%b %Y}" for m in page.context["months"]][:1] == [f"Apr {year}"]
    assert f"{page.context['months'][-1]:%b %Y}" == f"Mar {year + 1}"
    assert sum(1 for name in form.fields if name.startswith(f"v{monthly.pk}-")) == 12
    assert sorted(name for name in form.fields if name.startswith(f"v{quarterly.pk}-")) == sorted(
        cell_name(quarterly.pk, datetime.date(y, m, 1)) for y, m in ((year, 4), (year, 7), (year, 10), (year + 1, 1))
    )
    assert form[cell_name(monthly.pk, datetime.date(year, 4, 1))].value() == "120"
    assert officer.get(f"{world['grid']}?financial_year={year - 1}").status_code == 200
    assert officer.get(f"{world['grid']}?financial_year={year - 2}").status_code == 404


def test_saving_writes_changed_cells_only_each_with_history(world, make_user):
    officer, year = officer_client(make_user), world["agreement"].year
    data = opened(officer, world["grid"])
    april, may = (
        cell_name(world["indicator"].pk, datetime.date(year, 4, 1)),
        cell_name(world["indicator"].pk, datetime.date(year, 5, 1)),
    )
    july = cell_name(world["quarterly"].pk, datetime.date(year, 7, 1))
    before = IndicatorValue.history.count()
    response = officer.post(world["grid"], {**data, may: "1,234.5", july: "42"})
    assert response.status_code == 302
    assert IndicatorValue.history.count() == before + 2, "the unchanged April value is not written again"
    assert IndicatorValue.objects.get(indicator=world["quarterly"]).value == 42
    assert IndicatorValue.objects.get(
        indicator=world["indicator"], period_start=datetime.date(year, 5, 1)
    ).value == Decimal("1234.5")
    data = opened(officer, world["grid"])
    assert officer.post(world["grid"], {**data, april: ""}).status_code == 302
    assert not IndicatorValue.objects.filter(
        indicator=world["indicator"], period_start=datetime.date(year, 4, 1)
    ).exists()
    detail = officer.get(world["indicator"].get_absolute_url()).content.decode()
    assert (
        f"Value for May {year} recorded: 1234.5" in detail and f"Value for April {year} removed (it was 120)" in detail
    )


def test_one_bad_cell_saves_nothing_and_names_the_indicator_and_period(world, make_user):
    officer, year = officer_client(make_user), world["agreement"].year
    data = opened(officer, world["grid"])
    may = cell_name(world["indicator"].pk, datetime.date(year, 5, 1))
    june = cell_name(world["indicator"].pk, datetime.date(year, 6, 1))
    july = cell_name(world["quarterly"].pk, datetime.date(year, 7, 1))
    count = IndicatorValue.objects.count()
    response = officer.post(world["grid"], {**data, may: "15", june: "twelve", july: "1.234"})
    body = response.content.decode()
    assert response.status_code == 200 and "govuk-error-summary" in body
    assert f"Enter the value for Domestic abuse incidents in June {year} as a number" in body
    assert "The value for People killed or seriously injured in Q2" in body and "at most 2 decimal places" in body
    assert 'value="twelve"' in body and 'value="15"' in body, "what was typed is kept"
    assert IndicatorValue.objects.count() == count


def test_a_quarterly_indicator_refuses_a_month_that_is_not_a_quarter_start(world, make_user):
    from agreement.indicator_grid import GridRefused, indicator_values_save

    agreement, year = world["agreement"], world["agreement"].year
    with pytest.raises(GridRefused) as refused:
        indicator_values_save(
            agreement=agreement,
            year=year,
            cells={
                (world["quarterly"].pk, datetime.date(year, 5, 1)): "3",
                (world["indicator"].pk, datetime.date(year, 5, 1)): "4",
            },
        )
    assert "a quarterly indicator takes one value a quarter" in " ".join(refused.value.messages)
    assert not IndicatorValue.objects.filter(period_start=datetime.date(year, 5, 1)).exists()


def test_a_stale_grid_is_refused_and_keeps_both_peoples_work(world, make_user):
    first, second = officer_client(make_user, "First Officer"), officer_client(make_user, "Second Officer")
    year = world["agreement"].year
    first_data, second_data = opened(first, world["grid"]), opened(second, world["grid"])
    may = cell_name(world["indicator"].pk, datetime.date(year, 5, 1))
    june = cell_name(world["indicator"].pk, datetime.date(year, 6, 1))
    july = cell_name(world["quarterly"].pk, datetime.date(year, 7, 1))
    assert first.post(world["grid"], {**first_data, may: "10", july: "7"}).status_code == 302
    refused = second.post(world["grid"], {**second_data, may: "11", june: "20"})
    body = refused.content.decode()
    assert refused.status_code == 200 and "Someone else changed this grid" in body
    assert 'data-testid="record-changed"' in body and f"Domestic abuse incidents, May {year}" in body
    assert "You and First Officer both changed Domestic abuse incidents, May" in body
    assert not IndicatorValue.objects.filter(period_start=datetime.date(year, 6, 1)).exists(), "nothing saved"
    kept = refused.context["form"]
    assert kept[may].value() == "11" and kept[june].value() == "20"
    assert kept[july].value() == "7", "a cell the second officer left alone shows the saved value"
    again = {name: kept[name].value() or "" for name in kept.fields}
    assert second.post(world["grid"], again).status_code == 302, "saving again (deliberately) goes through"
    values = {v.period_start.month: v.value for v in IndicatorValue.objects.filter(period_start__year__gte=year)}
    assert values[5] == 11 and values[6] == 20 and values[7] == 7


def test_the_grid_takes_the_same_queries_for_2_or_10_indicators(world, make_user):
    officer, year = officer_client(make_user), world["agreement"].year

    def counted(method, **extra):
        with CaptureQueriesContext(connection) as queries:
            response = getattr(officer, method)(world["grid"], **extra)
        assert response.status_code in (200, 302)
        return len(queries)

    def post_one_change():
        data = opened(officer, world["grid"])
        cell = cell_name(world["indicator"].pk, datetime.date(year, 8, 1))
        return counted("post", data={**data, cell: str(len(data))})

    counted("get")
    small_get, small_post = counted("get"), post_one_change()
    for n in range(8):
        indicator = Indicator.objects.create(priority=world["first"], name=f"Indicator {n}", unit="crimes")
        IndicatorValue.objects.create(indicator=indicator, period_start=datetime.date(year, 4, 1), value=n)
    large_get, large_post = counted("get"), post_one_change()
    assert Indicator.objects.active().filter(priority__agreement=world["agreement"]).count() == 10
    assert (large_get, large_post) == (small_get, small_post)


def test_digits_int_cannot_read_are_refused_not_a_server_error(world, make_user):
    """str.isdigit() accepts superscripts ("²") that int() refuses: the pages check ASCII digits."""
    officer, year = officer_client(make_user), world["agreement"].year
    assert officer.get(f"{world['grid']}?financial_year=²").status_code == 404
    assert officer.get(f"/agreement/{year}/indicators/new/?priority=²").status_code == 200
    data = opened(officer, world["grid"])
    head = data["record_version"].partition(".")[0]
    response = officer.post(world["grid"], {**data, "record_version": f"{head}x.²"})
    assert response.status_code == 200
