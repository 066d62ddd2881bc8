"""Walking tests for GOV.UK form patterns on every form page (issue 16, "Polish that users notice").

- Every date a form asks for is the one GOV.UK date field (kcsp.dates.GovDateField): no Django DateField,
  DateInput or crispy-forms-gds DateInputField is left; an impossible date gets GOV.UK's message and the
  wrong box highlighted, never Python's own text and never a server error.
- Every error summary link goes to an input on the page (radios: the first radio; dates: the first wrong box).
- No radio offers Django's "---------".
"""

import re

import pytest
from django import forms

from kcsp.dates import PARTS, GovDateField
from kcsp.locking import VERSION_FIELD

from .test_every_page import allowed_role, url_for
from .test_forms_fuzz import GET_FORMS, count_rows, form_routes
from .test_permission_matrix import (  # noqa: F401  (fixtures)
    ROUTES,
    clients,
    matrix_world,
    objects,
    users,
)

pytestmark = pytest.mark.django_db
SUMMARY = re.compile(r'<div class="govuk-error-summary".*?</ul>', re.S)
LINK = re.compile(r'href="#([^"]+)"')
IDS = re.compile(r'\sid="([^"]+)"')
RADIO_LABELS = re.compile(r'class="govuk-label govuk-radios__label"[^>]*>\s*([^<]*?)\s*<', re.S)
PYTHON_WORDS = ("out of range", "must be in 1..12", "Enter a valid date", "invalid literal", "year 0 ")
IMPOSSIBLE = [  # (day, month, year), the boxes GOV.UK's message must highlight, the message's end
    (("31", "2", "2023"), ["day"], "must be a real date"),
    (("14", "13", "2023"), ["month"], "must be a real date"),
    (("x", "7", "2023"), ["day"], "must be a real date"),
    (("14", "7", "27"), ["year"], "must include a year with 4 numbers"),
    (("14", "", "2023"), ["month"], "must include a month"),
    (("14", "7", "1066"), ["year"], "must be between"),
]


def form_pages(objects, clients):  # noqa: F811
    """(route name, url, client, form, html) of every page that shows a form, as a role allowed to use it."""
    for name, route in form_routes():
        client = clients[allowed_role(route)]
        url = url_for(name, route, objects)
        page = client.get(url)
        form = page.context.get("form") if page.status_code == 200 and page.context else None
        if form is not None:
            yield name, url, client, form, page.content.decode()


def wrong_boxes(html: str, key: str) -> list[str]:
    """The parts of date `key` drawn with govuk-input--error."""
    found = []
    for part in PARTS:
        tag = re.search(rf'<input[^>]*\bid="id_{re.escape(key)}_{part}"[^>]*>', html)
        assert tag, f"no {part} box for {key}"
        if "govuk-input--error" in tag.group(0):
            found.append(part)
    return found


def test_every_date_is_the_gov_uk_date_field_and_impossible_dates_get_its_messages(objects, clients):  # noqa: F811
    dated = []
    for name, url, client, form, _html in form_pages(objects, clients):
        for field_name, field in form.fields.items():
            if field.widget.is_hidden or field.disabled:  # a disabled date (a signed meeting's) takes no typing
                continue
            assert not isinstance(field, forms.DateField | forms.DateTimeField), f"{name}.{field_name}: old date"
            assert not isinstance(field.widget, forms.DateInput | forms.DateTimeInput), f"{name}.{field_name}"
            assert type(field).__name__ != "DateInputField", f"{name}.{field_name}: crispy's date field"
            if not isinstance(field, GovDateField):
                continue
            dated.append(f"{name}.{field_name}")
            key = form.add_prefix(field_name)
            for typed, parts, message in IMPOSSIBLE:
                data = {f"{key}_{part}": value for part, value in zip(PARTS, typed, strict=True)}
                if VERSION_FIELD in form.fields:  # an edit page refuses a post without its record version
                    data[VERSION_FIELD] = form[VERSION_FIELD].value()
                before = count_rows()
                response = client.get(url, data) if name in GET_FORMS else client.post(url, data)
                assert response.status_code == 200, f"{name}: {response.status_code} for {typed}"
                html = response.content.decode()
                assert message in html, f"{name}.{field_name}: {typed} not answered '{message}'"
                assert not any(words in html for words in PYTHON_WORDS), f"{name}: Python's words for {typed}"
                assert wrong_boxes(html, key) == parts, f"{name}.{field_name}: {typed} highlights the wrong box"
                assert f'href="#id_{key}_{parts[0]}"' in html, f"{name}: the summary links to the wrong box"
                assert count_rows() == before
    assert len(dated) >= 20, dated
    for must in ("meetings:meeting_create.date", "meetings:meeting_reschedule.date", "search:search.date_from"):
        assert must in dated, f"{must} not walked: {dated}"


def test_every_error_summary_link_goes_to_an_input_on_the_page_and_no_radio_offers_dashes(objects, clients):  # noqa: F811
    summaries = 0
    for name, url, client, form, html in form_pages(objects, clients):
        assert "---------" not in RADIO_LABELS.findall(html), f"{name}: a radio offers ---------"
        if name in GET_FORMS or not any(f.required and not f.widget.is_hidden for f in form.fields.values()):
            continue  # nothing refused by an empty post (and a post with nothing to fill in would act)
        response = client.post(url, {})
        if response.status_code != 200:
            continue
        page = response.content.decode()
        summary = SUMMARY.search(page)
        if not summary:
            continue
        summaries += 1
        ids = set(IDS.findall(page))
        for anchor in LINK.findall(summary.group(0)):
            assert anchor in ids, f"{name}: the error summary links to #{anchor}, which is not on the page"
            tag = re.search(rf'<(input|select|textarea)\b[^>]*\bid="{re.escape(anchor)}"', page)
            assert tag, f"{name}: #{anchor} is not an input"
    assert summaries >= 20
