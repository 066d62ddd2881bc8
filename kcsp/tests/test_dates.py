"""The GOV.UK date field (kcsp.dates), error summary links and radio options (kcsp.forms), without a database."""

import datetime

import pytest
from django import forms
from django.template import Context, Template
from django.utils import timezone

from kcsp.dates import date_field
from kcsp.forms import GdsFormMixin, error_anchor, radio_choices


class Dated(GdsFormMixin, forms.Form):
    date = date_field("Date of the meeting")
    agreed = date_field("Date agreed", required=False, past=True)
    kind = forms.ChoiceField(
        label="Kind", choices=[("", "---------"), ("a", "A"), ("b", "B")], widget=forms.RadioSelect
    )
    optional = forms.ChoiceField(
        label="Optional", choices=[("", "---------"), ("a", "A")], required=False, widget=forms.RadioSelect
    )
    themes = forms.MultipleChoiceField(label="Themes", choices=[("x", "X")], widget=forms.CheckboxSelectMultiple)
    time = forms.TimeField(label="Start time")


def posted(day="14", month="7", year="2022", **more):
    return {
        "date_day": day,
        "date_month": month,
        "date_year": year,
        "kind": "a",
        "themes": ["x"],
        "time": "10:00",
    } | more


def refused(**typed) -> tuple[str, tuple, str]:
    form = Dated(posted(**typed))
    assert not form.is_valid()
    [message] = form.errors["date"]
    return message, form.fields["date"].widget.error_parts, error_anchor(form["date"])


def test_a_whole_date_is_a_date():
    form = Dated(posted())
    assert form.is_valid(), form.errors
    assert form.cleaned_data["date"] == datetime.date(2022, 7, 14) and form.cleaned_data["agreed"] is None


@pytest.mark.parametrize(
    "typed, message, parts",
    [
        ({"day": "", "month": "", "year": ""}, "Enter the date of the meeting", ("day", "month", "year")),
        ({"month": ""}, "Date of the meeting must include a month", ("month",)),
        ({"day": "", "year": ""}, "Date of the meeting must include a day and year", ("day", "year")),
        ({"day": "31", "month": "2", "year": "2023"}, "Date of the meeting must be a real date", ("day",)),
        ({"day": "29", "month": "2", "year": "2023"}, "Date of the meeting must be a real date", ("day",)),
        ({"month": "13"}, "Date of the meeting must be a real date", ("month",)),
        ({"day": "0", "month": "0"}, "Date of the meeting must be a real date", ("day", "month")),
        ({"day": "fourteen"}, "Date of the meeting must be a real date", ("day",)),
        ({"month": "-1"}, "Date of the meeting must be a real date", ("month",)),
        ({"year": "27"}, "Date of the meeting must include a year with 4 numbers", ("year",)),
        ({"year": "0027"}, "Date of the meeting must include a year with 4 numbers", ("year",)),
        ({"year": "20222"}, "Date of the meeting must include a year with 4 numbers", ("year",)),
        ({"year": "1999"}, "Date of the meeting must be between 2000 and", ("year",)),
        ({"year": "9999"}, "Date of the meeting must be between 2000 and", ("year",)),
    ],
)
def test_gov_uk_messages_and_the_part_that_is_wrong(typed, message, parts):
    said, wrong, anchor = refused(**typed)
    assert said.startswith(message)
    assert wrong == parts
    assert anchor == f"id_date_{parts[0]}", "the error summary links to the first wrong box"


def test_the_year_range_moves_with_today_and_a_past_rule_says_so():
    ahead = timezone.localdate().year + 10
    assert refused(year=str(ahead + 1))[0] == f"Date of the meeting must be between 2000 and {ahead}"
    assert Dated(posted(year=str(ahead))).is_valid()
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    form = Dated(posted(agreed_day=tomorrow.day, agreed_month=tomorrow.month, agreed_year=tomorrow.year))
    assert form.errors["agreed"] == ["Date agreed must be today or in the past"]
    assert form.fields["agreed"].widget.error_parts == ("day", "month", "year")
    form = Dated(posted(agreed_day="3"))
    assert form.errors["agreed"] == ["Date agreed must include a month and year"], "an optional date typed in part"


def test_the_wrong_box_is_drawn_with_the_error_style_and_the_boxes_keep_what_was_typed():
    form = Dated(posted(day="31", month="2", year="2023"))
    form.is_valid()
    html = str(form["date"])
    assert 'id="id_date_day"' in html and 'name="date_day"' in html and 'inputmode="numeric"' in html
    day = html[html.index('id="id_date_day"') - 200 : html.index('id="id_date_day"') + 100]
    assert "govuk-input--error" in day and 'value="31"' in day
    month = html[html.index('id="id_date_month"') - 200 : html.index('id="id_date_month"') + 100]
    assert "govuk-input--error" not in month
    assert '<label class="govuk-label govuk-date-input__label" for="id_date_day">Day</label>' in html
    assert ' label="' not in html


def test_error_summary_links_go_to_the_first_radio_box_and_date_part():
    form = Dated({"date_day": "31", "date_month": "2", "date_year": "2023"})
    assert not form.is_valid()
    html = Template("{% load crispy_forms_gds %}{% error_summary form %}").render(Context({"form": form}))
    assert '<a href="#id_date_day">Date of the meeting must be a real date</a>' in html
    assert 'href="#id_kind_1"' in html and 'href="#id_themes_1"' in html and 'href="#id_time"' in html
    page = Template("{% load crispy_forms_tags %}{% crispy form %}").render(Context({"form": form}))
    for anchor in ("id_kind_1", "id_themes_1", "id_time", "id_date_day"):
        assert f'id="{anchor}"' in page, anchor


def test_radios_never_offer_dashes_and_time_inputs_are_styled():
    form = Dated()
    assert radio_choices(form["kind"]) == [("a", "A"), ("b", "B")]
    assert radio_choices(form["optional"]) == [("", "None"), ("a", "A")]
    page = Template("{% load crispy_forms_tags %}{% crispy form %}").render(Context({"form": form}))
    assert "---------" not in page
    time = page[page.index('id="id_time"') - 200 : page.index('id="id_time"')]
    assert 'class="govuk-input govuk-input--width-5"' in time


def test_the_hint_gives_an_example_in_this_year():
    from django.utils import timezone

    from kcsp.dates import date_field

    assert str(date_field("Date of the meeting").help_text) == f"For example, 14 7 {timezone.localdate().year}"
    assert date_field("Date of death", help_text="For example, 3 2 2024").help_text == "For example, 3 2 2024"
