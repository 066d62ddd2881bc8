"""The forward plan: entries planned, edited, moved and withdrawn by officers, suggested on the right draft agenda,
accepted as agenda items, and published without withheld titles."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from kcsp import roles
from meetings import forward_plan
from meetings.models import AgendaItem, ForwardPlanEntry, Meeting

from .factories import CommitteeFactory, held_meeting, published_meeting
from .forward_plan_world import draft_meeting, entry_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan():
    committee = CommitteeFactory(name="Kent Community Safety Partnership", short_name="KCSP", slug="kcsp")
    july = held_meeting(committee=committee, starts_at=timezone.now() - datetime.timedelta(days=20))
    november = draft_meeting(committee, days=40)
    march = draft_meeting(committee, days=160)
    return {"committee": committee, "july": july, "november": november, "march": march}


def form_data(meeting=None, month="", **fields) -> dict:
    return {
        "title": "Zero Casualty Strategy Update",
        "purpose": "information",
        "lead_text": "Mr R McMullan",
        "expected_meeting": meeting.pk if meeting else "",
        "month": month,
        "restriction_reason": "",
        **fields,
    }


def month_of(meeting: Meeting) -> str:
    return forward_plan.month_start(meeting.date).isoformat()


# Create, edit, withdraw, move -------------------------------------------------------------------------------------


def test_an_officer_plans_an_item_for_a_meeting(plan, officer_client):
    url = reverse("meetings:forward_plan_create", args=["kcsp"])
    response = officer_client.post(url, form_data(plan["november"]))
    assert response.status_code == 302
    entry = ForwardPlanEntry.objects.get()
    assert (entry.committee, entry.expected_meeting, entry.status) == (plan["committee"], plan["november"], "planned")
    assert entry.expected_month == forward_plan.month_start(plan["november"].date)
    assert entry.history.count() == 1
    listing = officer_client.get(reverse("meetings:forward_plan", args=["kcsp"])).content.decode()
    assert "Zero Casualty Strategy Update" in listing and "Mr R McMullan" in listing


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"title": ""}, "title", "Enter the title of the item"),
        ({"lead_text": ""}, "lead_text", "type who leads on it"),
        ({"expected_meeting": ""}, "expected_meeting", "or the month below"),
        ({"title_withheld": "on"}, "title_withheld", "Only a restricted entry's title can be withheld"),
        ({"restriction_reason": "dhr"}, "restriction_reason", "Select why the item is restricted from the list"),
        ({"title": "DHR Osprey/2021 update"}, "title", "Domestic Homicide Review business is not planned"),
        ({"restriction_reason": "other"}, "restriction_note", "Explain why the item is restricted"),
        ({"month": "not-a-month"}, "month", "Select a month from the list"),
    ],
)
def test_bad_input_is_refused_naming_the_rule_and_keeps_what_was_typed(plan, officer_client, fields, field, message):
    data = form_data(plan["november"], **fields)
    response = officer_client.post(reverse("meetings:forward_plan_create", args=["kcsp"]), data)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert "govuk-error-summary" in response.content.decode()
    assert not ForwardPlanEntry.objects.exists()


def test_a_meeting_and_a_month_together_are_refused(plan, officer_client):
    data = form_data(plan["november"], month=month_of(plan["march"]))
    response = officer_client.post(reverse("meetings:forward_plan_create", args=["kcsp"]), data)
    assert "Choose either a meeting or a month" in " ".join(response.context["form"].errors["month"])


def test_a_meeting_of_another_committee_or_a_held_one_is_not_offered(plan, officer_client):
    other = draft_meeting(CommitteeFactory())
    url = reverse("meetings:forward_plan_create", args=["kcsp"])
    for meeting in (other, plan["july"]):
        response = officer_client.post(url, form_data(meeting))
        assert "Select a meeting from the list" in " ".join(response.context["form"].errors["expected_meeting"])
    assert not ForwardPlanEntry.objects.exists()


def test_the_services_refuse_dhr_and_other_committees_meetings(plan):
    entry = ForwardPlanEntry(
        committee=plan["committee"], title="Update", lead_text="Mr S Peerbux", restriction_reason="dhr"
    )
    with pytest.raises(ValidationError, match="Domestic Homicide Review"):
        forward_plan.forward_plan_entry_save(entry=entry)
    entry.restriction_reason, entry.expected_meeting = "", draft_meeting(CommitteeFactory())
    with pytest.raises(ValidationError, match="meeting of this committee"):
        forward_plan.forward_plan_entry_save(entry=entry)
    with pytest.raises(IntegrityError), transaction.atomic():
        ForwardPlanEntry.objects.create(
            committee=plan["committee"], title="x", lead_text="y", expected_month=datetime.date(2030, 1, 1),
            restriction_reason="dhr",
        )  # fmt: skip


def test_an_edit_is_saved_with_its_history_field_by_field(plan, officer_client):
    entry = entry_for(plan["november"])
    url = reverse("meetings:forward_plan_edit", args=[entry.pk])
    version = officer_client.get(url).context["form"].initial["record_version"]
    data = form_data(plan["november"], title="Serious Violence Duty: the partnership's response")
    response = officer_client.post(url, {**data, "record_version": version})
    assert response.status_code == 302, response.context["form"].errors
    changes = officer_client.get(reverse("meetings:forward_plan_entry", args=[entry.pk])).context["changes"]
    changed = {(c.label, c.before, c.after) for version in changes for c in version.changes}
    assert ("Title", "Serious Violence Duty update", "Serious Violence Duty: the partnership's response") in changed
    assert ("Purpose", "For Decision", "For Information") in changed


def test_withdrawing_needs_a_reason_and_then_the_entry_is_kept_but_not_suggested(plan, officer_client):
    entry = entry_for(plan["november"])
    url = reverse("meetings:forward_plan_withdraw", args=[entry.pk])
    assert "Enter why the entry is being withdrawn" in officer_client.post(url, {"reason": ""}).content.decode()
    entry.refresh_from_db()
    assert entry.status == "planned"
    assert officer_client.post(url, {"reason": "Covered by the Working Group update."}).status_code == 302
    entry.refresh_from_db()
    assert (entry.status, entry.status_reason) == ("withdrawn", "Covered by the Working Group update.")
    assert not forward_plan.suggestions_for(plan["november"]).exists()
    again = officer_client.post(url, {"reason": "Twice"}, follow=True).content.decode()
    assert "This entry was withdrawn: it cannot be withdrawn" in again
    edit_url = reverse("meetings:forward_plan_edit", args=[entry.pk])
    version = officer_client.get(edit_url).context["form"].initial["record_version"]
    edit = officer_client.post(edit_url, {**form_data(plan["november"]), "record_version": version})
    assert "This entry was withdrawn: it cannot be edited" in edit.content.decode()


def test_moving_to_another_meeting_or_a_month(plan, officer_client):
    entry = entry_for(plan["november"])
    url = reverse("meetings:forward_plan_move", args=[entry.pk])
    response = officer_client.post(url, {"meeting": plan["march"].pk, "reason": "Report not ready."})
    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.expected_meeting, entry.status, entry.status_reason) == (plan["march"], "moved", "Report not ready.")
    month = forward_plan.next_month(plan["march"].date)
    assert officer_client.post(url, {"month": month.isoformat()}).status_code == 302
    entry.refresh_from_db()
    assert (entry.expected_meeting, entry.expected_month) == (None, month)
    refused = officer_client.post(url, {})
    assert "Choose the meeting it is now expected at" in refused.content.decode()


# Suggestions on the draft agenda ---------------------------------------------------------------------------------


def test_suggestions_show_on_the_right_draft_agenda_only(plan, officer_client):
    november, march = plan["november"], plan["march"]
    for_november = entry_for(november, title="Vision Zero update")
    by_month = entry_for(november, title="Mental health annual update")
    by_month.expected_meeting, by_month.expected_month = None, forward_plan.month_start(march.date)
    by_month.save()
    early = entry_for(november, title="Prevent Duty Delivery Board", restriction_reason="prevent")
    early.expected_meeting, early.expected_month = None, forward_plan.month_start(plan["july"].date)
    early.save()  # its month began before July's meeting: July's agenda suggested it, not a later one
    assert list(forward_plan.suggestions_for(november)) == [for_november]
    assert list(forward_plan.suggestions_for(march)) == [by_month]
    page = officer_client.get(november.get_absolute_url()).content.decode()
    assert 'data-testid="forward-plan-suggestions"' in page and "Vision Zero update" in page
    assert "Mental health annual update" not in page
    assert "Vision Zero update" not in officer_client.get(march.get_absolute_url()).content.decode()


def test_suggestions_stop_once_the_chair_agrees_the_agenda_and_only_officers_see_them(plan, client, make_user):
    november = plan["november"]
    entry_for(november, title="Vision Zero update")
    client.force_login(make_user(roles.CHAIR))
    assert "Vision Zero update" not in client.get(november.get_absolute_url()).content.decode()
    Meeting.objects.filter(pk=november.pk).update(status="agenda_agreed", agenda_agreed_at=timezone.now())
    november.refresh_from_db()
    assert not forward_plan.suggestions_for(november).exists()


def test_adding_to_the_agenda_creates_the_item_and_links_it(plan, officer_client):
    november = plan["november"]
    entry = entry_for(november, purpose="information", title="Vision Zero update")
    page = officer_client.get(november.get_absolute_url()).content.decode()
    assert f'name="entry-{entry.pk}-section"' in page and '<option value="C" selected>' in page
    url = reverse("meetings:forward_plan_accept", args=[november.pk, entry.pk])
    response = officer_client.post(url, {f"entry-{entry.pk}-section": "C"})
    assert response.status_code == 302
    item = AgendaItem.objects.get(meeting=november, title="Vision Zero update")
    assert (item.section, item.purpose, item.restriction_reason) == ("C", "information", "")
    entry.refresh_from_db()
    assert (entry.status, entry.agenda_item) == ("on_agenda", item)
    assert not forward_plan.suggestions_for(november).exists()
    again = officer_client.post(url, {f"entry-{entry.pk}-section": "C"}, follow=True).content.decode()
    assert "already on an agenda" in again
    assert AgendaItem.objects.filter(title="Vision Zero update").count() == 1


def test_a_restricted_entry_goes_to_section_d_by_default_and_d_is_refused_for_an_open_one(plan, officer_client):
    november = plan["november"]
    restricted = entry_for(november, title="Prevent update", restriction_reason="prevent", title_withheld=True)
    assert forward_plan.default_section(restricted) == "D"
    item = forward_plan.forward_plan_entry_accept(entry=restricted, meeting=november, section="D")
    assert (item.code, item.restriction_reason) == ("D1", "prevent")
    open_entry = entry_for(november, title="Working Group update", purpose="decision")
    assert forward_plan.default_section(open_entry) == "B"
    with pytest.raises(ValidationError, match="Section D holds restricted items only"):
        forward_plan.forward_plan_entry_accept(entry=open_entry, meeting=november, section="D")


def test_adding_is_refused_once_the_agenda_is_agreed_or_published(plan, officer_client):
    published = published_meeting(committee=plan["committee"], starts_at=timezone.now() + datetime.timedelta(days=9))
    entry = entry_for(published)
    url = reverse("meetings:forward_plan_accept", args=[published.pk, entry.pk])
    page = officer_client.post(url, {f"entry-{entry.pk}-section": "B"}, follow=True).content.decode()
    assert "only while the agenda is a draft" in page
    assert not published.items.filter(title=entry.title).exists()
    put_off = reverse("meetings:forward_plan_put_off", args=[published.pk, entry.pk])
    assert "only while the agenda is a draft" in officer_client.post(put_off, follow=True).content.decode()


def test_not_this_meeting_moves_it_on_to_the_next_meeting_or_month(plan, officer_client):
    november, march = plan["november"], plan["march"]
    entry = entry_for(november)
    url = reverse("meetings:forward_plan_put_off", args=[november.pk, entry.pk])
    assert f"the meeting on {march.date:%-d %B %Y}" in officer_client.get(url).content.decode()
    assert officer_client.post(url).status_code == 302
    entry.refresh_from_db()
    assert (entry.expected_meeting, entry.status) == (march, "moved")
    assert list(forward_plan.suggestions_for(march)) == [entry]
    forward_plan.forward_plan_entry_put_off(entry=entry, meeting=march)
    entry.refresh_from_db()
    assert (entry.expected_meeting, entry.expected_month) == (None, forward_plan.next_month(march.date))


def test_a_cancelled_or_postponed_meeting_takes_no_entries_and_is_not_the_previous_meeting(plan):
    november, march = plan["november"], plan["march"]
    Meeting.objects.filter(pk=march.pk).update(status=Meeting.Status.CANCELLED)
    march.refresh_from_db()
    entry = entry_for(november)
    forward_plan.forward_plan_entry_put_off(entry=entry, meeting=november)
    entry.refresh_from_db()
    assert entry.expected_meeting is None  # not moved onto the cancelled meeting
    with pytest.raises(ValidationError, match="cancelled: choose another"):
        forward_plan.forward_plan_entry_move(entry=entry, meeting=march, month=None, reason="Try")
    Meeting.objects.filter(pk=november.pk).update(status=Meeting.Status.POSTPONED)
    assert march.previous_meeting() == plan["july"]


# The public forward plan ------------------------------------------------------------------------------------------


@pytest.fixture
def published_plan(plan):
    november = plan["november"]
    entry_for(november, title="Vision Zero update", lead_text="Mr R McMullan")
    entry_for(november, title="Prevent Duty Delivery Board Update", restriction_reason="prevent")
    entry_for(november, title="Operation Nightjar", restriction_reason="personal", title_withheld=True)
    withdrawn = entry_for(november, title="Dropped business")
    forward_plan.forward_plan_entry_withdraw(entry=withdrawn, reason="No longer needed")
    return plan


@pytest.mark.parametrize("role", [None, roles.MEMBER, roles.OFFICER, roles.CHAIR])
def test_the_public_page_never_shows_a_withheld_title_whoever_reads_it(published_plan, client, make_user, role):
    if role:
        client.force_login(make_user(role))
    page = client.get(reverse("meetings:forward_plan_public", args=["kcsp"])).content.decode()
    assert "Vision Zero update" in page and "Mr R McMullan" in page
    assert "Prevent Duty Delivery Board Update" in page  # a restricted title is published unless withheld
    assert "Operation Nightjar" not in page and "Restricted item" in page
    assert page.count("Restricted: the press and public are likely to be excluded") == 2
    assert "Dropped business" not in page and "No longer needed" not in page


def test_the_withheld_title_reaches_no_search_result_nor_api(published_plan, client):
    assert "Operation Nightjar" not in client.get(reverse("search:search"), {"q": "Nightjar"}).content.decode()
    assert "Nightjar" not in client.get("/api/v1/meeting/").content.decode()


def test_a_non_public_body_has_no_public_forward_plan(plan, client):
    plan["committee"].is_public = False
    plan["committee"].save()
    assert client.get(reverse("meetings:forward_plan_public", args=["kcsp"])).status_code == 404
    assert "forward-plan/kcsp" not in client.get(reverse("meetings:calendar")).content.decode()


def test_the_calendar_links_the_public_forward_plan(plan, client):
    page = client.get(reverse("meetings:calendar")).content.decode()
    assert reverse("meetings:forward_plan_public", args=["kcsp"]) in page


# Permissions ------------------------------------------------------------------------------------------------------


def officer_pages(plan) -> list[str]:
    entry = entry_for(plan["november"])
    return [
        reverse("meetings:forward_plan", args=["kcsp"]),
        reverse("meetings:forward_plan_create", args=["kcsp"]),
        reverse("meetings:forward_plan_entry", args=[entry.pk]),
        reverse("meetings:forward_plan_edit", args=[entry.pk]),
        reverse("meetings:forward_plan_withdraw", args=[entry.pk]),
        reverse("meetings:forward_plan_move", args=[entry.pk]),
        reverse("meetings:forward_plan_accept", args=[plan["november"].pk, entry.pk]),
        reverse("meetings:forward_plan_put_off", args=[plan["november"].pk, entry.pk]),
    ]


def test_officers_open_every_forward_plan_page_and_every_other_role_is_refused(plan, client, make_user):
    pages = officer_pages(plan)
    client.force_login(make_user(roles.OFFICER))
    assert [client.get(url).status_code for url in pages] == [200] * len(pages)
    for role in (roles.MEMBER, roles.CHAIR, roles.DHR_CLEARED, roles.ADMIN, None):
        client.force_login(make_user(role))
        assert {client.get(url).status_code for url in pages} == {403}, role
        assert {client.post(url).status_code for url in pages} == {403}, role
    client.logout()
    assert all(client.get(url)["Location"].startswith(reverse("login")) for url in pages)
    assert ForwardPlanEntry.objects.get().status == "planned"


def test_the_list_filters_by_status_and_names_a_bad_filter(plan, officer_client):
    entry_for(plan["november"], title="Waiting one")
    gone = entry_for(plan["november"], title="Withdrawn one")
    forward_plan.forward_plan_entry_withdraw(entry=gone, reason="Not needed")
    url = reverse("meetings:forward_plan", args=["kcsp"])
    page = officer_client.get(url).content.decode()
    assert "Waiting one" in page and "Withdrawn one" not in page
    page = officer_client.get(url, {"status": "withdrawn"}).content.decode()
    assert "Withdrawn one" in page and "Waiting one" not in page
    bad = officer_client.get(url, {"status": "nonsense"})
    assert bad.status_code == 200 and "Select what to show from the list" in bad.content.decode()


def test_a_long_plan_is_paginated(plan, officer_client):
    for n in range(30):
        entry_for(plan["november"], title=f"Entry {n:02}")
    url = reverse("meetings:forward_plan", args=["kcsp"])
    first = officer_client.get(url).content.decode()
    assert "Page 1 of 2" in first and "Entry 29" not in first
    assert "Entry 29" in officer_client.get(url, {"page": 2}).content.decode()


def test_the_suggestions_cost_the_same_queries_however_many_there_are(plan, officer_client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from kcsp.tests.factories import PersonFactory

    url = plan["november"].get_absolute_url()
    counts = []
    for n in (1, 10):
        for _ in range(n):
            entry_for(plan["november"], lead_person=PersonFactory(), lead_text="")
        with CaptureQueriesContext(connection) as queries:
            assert officer_client.get(url).content.decode().count('data-testid="suggestion"') >= n
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
