"""Importing indicator values: every row checked and previewed, unknown columns refused, all or nothing."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import Workbook

from agreement.indicator_imports import period_parse
from agreement.models import Indicator, IndicatorValue
from kcsp import roles

from .factories import agreement_world

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("text", "period", "quarter"),
    [
        ("April 2022", datetime.date(2022, 4, 1), False),
        ("Apr-22", datetime.date(2022, 4, 1), False),
        ("apr 2022", datetime.date(2022, 4, 1), False),
        ("Sept 2022", datetime.date(2022, 9, 1), False),
        ("2023-01-01 00:00:00", datetime.date(2023, 1, 1), False),  # an Excel date cell
        ("01/03/2023", datetime.date(2023, 3, 1), False),
        ("Q1 2022/23", datetime.date(2022, 4, 1), True),
        ("Q4 2022-23", datetime.date(2023, 1, 1), True),
    ],
)
def test_periods_as_the_partnership_writes_them(text, period, quarter):
    assert period_parse(text) == (period, quarter)


@pytest.mark.parametrize(
    ("text", "rule"),
    [("Spring 2022", "must be a month"), ("15/04/2022", "is a day, not a month"), ("Q1 2022/24", "financial year")],
)
def test_a_period_that_is_not_a_month_or_quarter_names_the_rule(text, rule):
    with pytest.raises(ValueError, match=rule):
        period_parse(text)


@pytest.fixture
def world():
    world = agreement_world()
    Indicator.objects.create(
        priority=world["second"], name="People killed or seriously injured", unit="people", frequency="quarterly"
    )
    return world


@pytest.fixture
def officer(make_user):
    client = Client()
    client.force_login(make_user(roles.OFFICER))
    return client


def this_year(year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, 4, 1), datetime.date(year + 1, 3, 1)


def csv_file(rows: list[list[str]]) -> SimpleUploadedFile:
    text = "\n".join(",".join(f'"{cell}"' for cell in row) for row in rows)
    return SimpleUploadedFile("values.csv", text.encode(), content_type="text/csv")


def test_a_clean_sheet_is_previewed_then_imported_all_at_once(world, officer):
    year = world["agreement"].year
    url = f"/agreement/{year}/indicators/import/"
    IndicatorValue.objects.create(indicator=world["indicator"], period_start=datetime.date(year, 4, 1), value=90)
    sheet = csv_file(
        [
            ["Indicator", "Period", "Value", "Notes"],
            ["Domestic abuse incidents", f"April {year}", "95", "Revised by Kent Police"],
            ["domestic  abuse incidents", f"May-{year % 100:02d}", "1,010", ""],
            ["People killed or seriously injured", f"Q2 {year}/{(year + 1) % 100:02d}", "41", ""],
        ]
    )
    preview = officer.post(url, {"sheet": sheet})
    body = preview.content.decode()
    assert preview.status_code == 200 and "All 3 rows are ready" in body and "90 (replaced)" in body
    assert "Import 3 values" in body and ">None<" not in body
    assert IndicatorValue.objects.filter(period_start__range=this_year(year)).count() == 1, (
        "nothing saved before confirming"
    )
    token = preview.context["token"]
    confirmed = officer.post(f"/agreement/{year}/indicators/import/confirm/", {"token": token})
    assert confirmed.status_code == 302
    values = {
        (v.indicator.name, v.period_start): (v.value, v.notes)
        for v in IndicatorValue.objects.filter(period_start__range=this_year(year))
    }
    assert values[("Domestic abuse incidents", datetime.date(year, 4, 1))] == (95, "Revised by Kent Police")
    assert values[("Domestic abuse incidents", datetime.date(year, 5, 1))][0] == 1010
    assert values[("People killed or seriously injured", datetime.date(year, 7, 1))][0] == 41
    history = officer.get(world["indicator"].get_absolute_url()).content.decode()
    assert f"Value for April {year}: 90 → 95" in history


def test_every_row_error_is_shown_and_nothing_can_be_imported(world, officer):
    year = world["agreement"].year
    Indicator.objects.create(
        priority=world["first"], name="Retired measure", unit="x", retired=True, retired_at="2022-01-01T00:00Z"
    )
    sheet = csv_file(
        [
            ["Indicator", "Period", "Value"],
            ["Domestic abuse incidents", f"April {year}", "lots"],
            ["Burglaries", f"April {year}", "5"],
            ["Retired measure", f"April {year}", "5"],
            ["People killed or seriously injured", f"May {year}", "5"],
            ["Domestic abuse incidents", f"Q1 {year}/{(year + 1) % 100:02d}", "5"],
            ["Domestic abuse incidents", f"April {year - 5}", "5"],
            ["Domestic abuse incidents", f"June {year}", "5"],
            ["Domestic abuse incidents", f"Jun-{year % 100:02d}", "6"],
            ["Domestic abuse incidents", f"July {year}", ""],
        ]
    )
    preview = officer.post(f"/agreement/{year}/indicators/import/", {"sheet": sheet})
    body = preview.content.decode()
    assert "Nothing can be imported yet" in body and not preview.context["token"]
    for rule in (
        f"Enter the value for Domestic abuse incidents in April {year} as a number",
        "Indicator &#x27;Burglaries&#x27; is not one of",
        "is retired: bring it back before importing its values",
        "is quarterly: give the quarter",
        "is monthly: give a month",
        "is outside",
        "Row 8 already gives Domestic abuse incidents for June",
        "Value is empty",
    ):
        assert rule in body, rule
    assert (
        not IndicatorValue.objects.filter(period_start__year__gte=year - 5, period_start__year__lte=year + 1)
        .exclude(period_start__in=["2021-04-01", "2022-04-01"])
        .exists()
    )


def test_unknown_or_missing_columns_are_refused_by_name(world, officer):
    url = f"/agreement/{world['agreement'].year}/indicators/import/"
    unknown = officer.post(url, {"sheet": csv_file([["Indicator", "Period", "Value", "Target"], ["a", "b", "1", "2"]])})
    assert "The sheet has columns this import does not take: Target" in unknown.content.decode()
    missing = officer.post(url, {"sheet": csv_file([["Indicator", "Value"], ["a", "1"]])})
    assert "The sheet is missing these columns: Period" in missing.content.decode()


def test_an_xlsx_with_an_excel_date_cell_is_read(world, officer):
    year = world["agreement"].year
    book = Workbook()
    book.active.append(["Indicator", "Period", "Value", "Notes"])
    book.active.append(["Domestic abuse incidents", datetime.datetime(year, 6, 1), 12.5, None])
    data = io.BytesIO()
    book.save(data)
    upload = SimpleUploadedFile("values.xlsx", data.getvalue())
    preview = officer.post(f"/agreement/{year}/indicators/import/", {"sheet": upload})
    assert preview.context["valid"], [row.errors for row in preview.context["rows"]]
    assert preview.context["rows"][0].period == datetime.date(year, 6, 1)


def test_a_confirmation_after_the_values_changed_is_refused(world, officer):
    year = world["agreement"].year
    sheet = csv_file([["Indicator", "Period", "Value"], ["Domestic abuse incidents", f"May {year}", "3"]])
    token = officer.post(f"/agreement/{year}/indicators/import/", {"sheet": sheet}).context["token"]
    IndicatorValue.objects.create(indicator=world["indicator"], period_start=datetime.date(year, 5, 1), value=4)
    response = officer.post(f"/agreement/{year}/indicators/import/confirm/", {"token": token}, follow=True)
    assert "changed after you checked the sheet" in response.content.decode()
    assert IndicatorValue.objects.get(period_start=datetime.date(year, 5, 1)).value == 4
    tampered = officer.post(f"/agreement/{year}/indicators/import/confirm/", {"token": token + "x"}, follow=True)
    assert "The preview has expired" in tampered.content.decode()


def test_a_one_row_sheet_is_spoken_of_in_the_singular(world, officer):
    year = world["agreement"].year
    sheet = csv_file([["Indicator", "Period", "Value"], ["Domestic abuse incidents", f"April {year}", "95"]])
    body = officer.post(f"/agreement/{year}/indicators/import/", {"sheet": sheet}).content.decode()
    assert "The 1 row is ready" in body and "Import 1 value<" in body and "No problems" in body
