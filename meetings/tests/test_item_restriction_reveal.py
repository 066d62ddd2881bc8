"""The agenda item form asks "Is the item restricted?" and reveals the reason, note and withheld title under "Yes"
(GOV.UK conditional reveal: all shown without JavaScript, and the server decides from the answer)."""

import pytest
from django import forms
from django.template import Context, Template

from meetings.forms import AgendaItemForm
from meetings.models import AgendaItem, Meeting

from .factories import MeetingFactory

pytestmark = pytest.mark.django_db


def item_data(**more) -> dict:
    return {"section": "B", "title": "Late item", "kind": "verbal", "purpose": "", "description": ""} | more


def drawn(form) -> str:
    return Template("{% load crispy_forms_tags %}{% crispy form %}").render(Context({"form": form}))


def test_the_reason_is_revealed_under_yes_and_shown_without_javascript():
    form = AgendaItemForm(instance=AgendaItem(meeting=MeetingFactory(status=Meeting.Status.DRAFT)))
    html = drawn(form)
    yes = html[html.index('id="id_restricted_1"') - 150 : html.index('id="id_restricted_1"') + 200]
    assert 'data-aria-controls="conditional_restricted_1"' in yes and 'value="yes"' in yes
    assert 'id="id_restricted_2"' in html and "checked" in html[html.index('id="id_restricted_2"') - 150 :][:300]
    reveal = html[html.index('id="conditional_restricted_1"') :]
    reveal = reveal[: reveal.index('id="id_restricted_2"')]
    assert 'name="restriction_reason"' in reveal and 'name="restriction_note"' in reveal
    assert 'name="title_withheld"' in reveal
    assert "Not restricted" not in html and "---------" not in html
    # hidden only by GOV.UK Frontend's script (.govuk-frontend-supported): without it the reason is on the page
    assert 'class="govuk-radios__conditional govuk-radios__conditional--hidden"' in html
    assert 'data-module="govuk-radios"' in html


def test_yes_needs_a_reason_and_no_ignores_what_is_hidden_under_yes():
    meeting = MeetingFactory(status=Meeting.Status.DRAFT)
    form = AgendaItemForm(data=item_data(restricted="yes"), instance=AgendaItem(meeting=meeting))
    assert form.errors["restriction_reason"] == ["Select why the item is restricted"]
    assert 'href="#id_restriction_reason"' in Template("{% load crispy_forms_gds %}{% error_summary form %}").render(
        Context({"form": form})
    )
    hidden = {"restriction_reason": "exploitation", "restriction_note": "Named victims", "title_withheld": "on"}
    form = AgendaItemForm(data=item_data(restricted="no", **hidden), instance=AgendaItem(meeting=meeting))
    assert form.is_valid(), form.errors
    assert not form.instance.is_restricted and not form.instance.restriction_note
    assert not form.instance.title_withheld
    form = AgendaItemForm(data=item_data(restricted="yes", **hidden), instance=AgendaItem(meeting=meeting))
    assert form.is_valid(), form.errors
    assert form.instance.restriction_reason == "exploitation" and form.instance.title_withheld


def test_a_restricted_item_opens_with_yes_chosen():
    meeting = MeetingFactory(status=Meeting.Status.DRAFT)
    item = AgendaItem(meeting=meeting, section="C", title="Quokka", restriction_reason="personal")
    html = drawn(AgendaItemForm(instance=item))
    assert "checked" in html[html.index('id="id_restricted_1"') - 150 :][:300]


def test_an_items_action_links_are_a_separated_list_each_naming_its_item(officer_client):
    """GOV.UK summary-list actions: one list item per action, with visually hidden context, never run together."""
    from lxml import html

    from meetings import services

    meeting = MeetingFactory(status=Meeting.Status.DRAFT)
    for title in ("First", "Second"):
        services.agenda_item_save(item=AgendaItem(meeting=meeting, section="B", title=title))
    tree = html.fromstring(officer_client.get(meeting.get_absolute_url()).content)
    lists = tree.xpath('//ul[contains(@class, "govuk-summary-list__actions-list")]')
    assert len(lists) == 2
    first = [" ".join(li.text_content().split()) for li in lists[0].xpath("./li")]
    assert first == ["Edit B1", "Move down B1", "Remove B1"]
    hidden = lists[1].xpath('.//span[@class="govuk-visually-hidden"]')
    assert [" ".join(span.text_content().split()) for span in hidden] == ["B2", "B2", "B2"]


def test_the_restricted_question_is_asked_once_with_the_lock_version_still_drawn():
    """The layout's ConditionalRadios draws "restricted"; it is not drawn a second time (duplicate ids and a
    second unanswered question), while the hidden record version the view adds after the layout still is."""
    from kcsp.locking import VERSION_FIELD

    form = AgendaItemForm(instance=AgendaItem(meeting=MeetingFactory(status=Meeting.Status.DRAFT)))
    form.fields[VERSION_FIELD] = forms.CharField(required=False, widget=forms.HiddenInput)
    html = drawn(form)
    assert html.count("Is the item restricted?") == 1
    assert html.count('id="id_restricted_1"') == 1 and html.count('id="id_restricted_hint"') == 1
    assert f'name="{VERSION_FIELD}"' in html
