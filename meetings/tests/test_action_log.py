"""The committee's action log (meetings:action_log): every action of its minutes the reader may see, filtered by
owner, status and overdue, 25 to a page, each linking to its minute; a fixed number of queries however many."""

import datetime
import html
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kcsp import roles
from kcsp.testing import assert_queries_constant
from kcsp.tests.factories import PersonFactory
from meetings import minuting
from meetings.models import Action, AgendaItem

from .factories import CommitteeFactory, MembershipFactory
from .record_helpers import add, meeting_on, sign

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def new_action(minute, text, owner, due_on, status="open"):
    return minuting.action_save(action=Action(minute=minute, text=text, owner=owner, due_on=due_on, status=status))


def rows(response) -> list[str]:
    """The action column of each row of the log's table, in order."""
    assert response.status_code == 200
    body = response.content.decode()
    table = re.search(r'data-testid="actions">(.*?)</table>', body, re.S)
    if table is None:
        return []
    cells = re.findall(
        r"<tr class=\"govuk-table__row\">\s*<td class=\"govuk-table__cell\">(.*?)</td>", table.group(1), re.S
    )
    return [html.unescape(re.sub(r"<br>.*", "", cell, flags=re.S)).strip() for cell in cells]


@pytest.fixture
def log(make_user):
    committee = CommitteeFactory(name="Kent Community Safety Partnership", slug="kcsp")
    march, may, july = (meeting_on(committee, 2022, m, d) for m, d in ((3, 24), (5, 26), (7, 14)))
    taylor = PersonFactory(title="Mrs", initials="A", surname="Taylor")
    rivers = PersonFactory(title="Mr", initials="P", surname="Rivers")
    signed_minute = add(march, "Working Group Update")
    secret_item = AgendaItem.objects.create(
        meeting=march, section="D", position=1, title="Prevent", restriction_reason="prevent"
    )
    secret_minute = add(march, "Prevent Duty Delivery Board", item=secret_item)
    late = new_action(signed_minute, "Late report", taylor, TODAY - datetime.timedelta(days=10))
    done = new_action(signed_minute, "Finished task", rivers, TODAY - datetime.timedelta(days=30), status="done")
    secret = new_action(secret_minute, "Secret briefing", rivers, TODAY + datetime.timedelta(days=5))
    sign(march, at_meeting=july, chair=make_user(roles.CHAIR))
    draft_minute = add(may, "Community Safety Agreement")
    draft = new_action(draft_minute, "Draft follow-up", taylor, TODAY + datetime.timedelta(days=20))
    dropped = new_action(draft_minute, "Abandoned idea", rivers, TODAY + datetime.timedelta(days=40), status="dropped")
    return {
        "committee": committee,
        "url": reverse("meetings:action_log", args=[committee.slug]),
        "taylor": taylor,
        "rivers": rivers,
        "actions": {"late": late, "done": done, "secret": secret, "draft": draft, "dropped": dropped},
        "signed_minute": signed_minute,
        "may": may,
    }


def test_the_log_lists_open_actions_first_by_due_date_with_owner_status_and_a_link_to_the_minute(log, officer_client):
    response = officer_client.get(log["url"])
    assert rows(response) == ["Late report", "Secret briefing", "Draft follow-up", "Finished task", "Abandoned idea"]
    body = response.content.decode()
    assert "Overdue</strong>" in body and "Done</strong>" in body and "No longer needed</strong>" in body
    minute = log["signed_minute"]
    link = f'href="/meetings/{minute.meeting_id}/minutes/#minute-{minute.number}">Minute {minute.number}'
    assert link in body and "24 March 2022" in body
    assert "Mrs A Taylor" in body and "Mr P Rivers" in body
    assert f'href="{log["url"]}"' in officer_client.get(log["committee"].get_absolute_url()).content.decode()


def test_each_reader_sees_only_the_actions_of_minutes_they_may_read(log, make_user):
    public = Client().get(log["url"])
    assert rows(public) == ["Late report", "Finished task"], "the public: signed minutes, unrestricted items"
    member_user = make_user(roles.MEMBER)
    MembershipFactory(committee=log["committee"], person=PersonFactory(user=member_user))
    member = Client()
    member.force_login(member_user)
    assert set(rows(member.get(log["url"]))) == {
        "Late report",
        "Secret briefing",
        "Draft follow-up",
        "Finished task",
        "Abandoned idea",
    }
    hidden = CommitteeFactory(is_public=False, slug="hidden")
    assert Client().get(reverse("meetings:action_log", args=[hidden.slug])).status_code == 404
    assert Client().get(reverse("meetings:action_log", args=["no-such-committee"])).status_code == 404


def test_the_filters_narrow_by_owner_status_and_overdue_and_keep_what_was_chosen(log, officer_client):
    url = log["url"]
    assert rows(officer_client.get(url, {"owner": log["taylor"].pk})) == ["Late report", "Draft follow-up"]
    assert rows(officer_client.get(url, {"status": "done"})) == ["Finished task"]
    assert rows(officer_client.get(url, {"status": "dropped"})) == ["Abandoned idea"]
    assert rows(officer_client.get(url, {"overdue": "on"})) == ["Late report"]
    both = officer_client.get(url, {"owner": log["rivers"].pk, "status": "open"})
    assert rows(both) == ["Secret briefing"]
    body = both.content.decode()
    assert f'<option value="{log["rivers"].pk}" selected>' in body and '<option value="open" selected>' in body
    assert "1 action matches these filters" in html.unescape(re.sub(r"<[^>]+>|\s+", " ", body).replace("  ", " "))

    none = officer_client.get(url, {"owner": log["taylor"].pk, "status": "dropped"})
    assert rows(none) == [] and "No actions match these filters." in none.content.decode()
    wrong = officer_client.get(url, {"owner": "999999", "status": "nonsense"})
    body = wrong.content.decode()
    assert wrong.status_code == 200 and "There is a problem" in body
    assert "Select an owner from the list" in body and "Select a status from the list" in body
    assert len(rows(wrong)) == 5, "a filter that is not offered is named and left out"


def test_the_log_has_an_empty_state(officer_client):
    committee = CommitteeFactory(slug="quiet")
    body = html.unescape(officer_client.get(reverse("meetings:action_log", args=[committee.slug])).content.decode())
    assert "No actions have been recorded in this committee's minutes that you may read." in body
    assert 'data-testid="actions"' not in body and "govuk-pagination" not in body


def test_the_log_is_paginated_25_to_a_page_keeping_the_filters(log, officer_client):
    minute = add(log["may"], "Many actions")
    for n in range(30):
        new_action(minute, f"Task {n:02d}", log["taylor"], TODAY + datetime.timedelta(days=100 + n))
    first = officer_client.get(log["url"], {"owner": log["taylor"].pk, "status": "open"})
    assert len(rows(first)) == 25
    body = first.content.decode()
    assert "govuk-pagination" in body and "Page 1 of 2" in body
    assert f"?owner={log['taylor'].pk}&amp;status=open&amp;page=2" in body, "the next page keeps the filters"
    second = officer_client.get(log["url"], {"owner": log["taylor"].pk, "status": "open", "page": 2})
    assert rows(second) == [f"Task {n:02d}" for n in range(23, 30)]


def test_the_log_makes_the_same_number_of_queries_however_many_actions(log, officer_client, make_user):
    committee = log["committee"]

    def grow():
        for month in (9, 10):
            meeting = meeting_on(committee, 2022, month, 20)
            minute = add(meeting, f"Minute of month {month}")
            for n in range(4):
                new_action(minute, f"Grown {month}-{n}", PersonFactory(), TODAY + datetime.timedelta(days=n))

    assert_queries_constant(officer_client, log["url"], grow)
    assert_queries_constant(Client(), log["url"], grow)
