"""The committee chooses how decisions print: its wording and lettering apply to draft minutes, never to signed."""

import pytest

from kcsp import roles
from kcsp.testing import opened
from meetings import minuting
from meetings.models import AgendaItem, Minute
from meetings.tests.factories import CommitteeFactory, held_meeting

pytestmark = pytest.mark.django_db

TEXT = "1. The report was introduced.\n\nRESOLVED that the partnership\na) note the report;\nb) agree the plan."


def test_a_change_of_style_reprints_draft_minutes_and_is_made_on_the_committee_page(client, make_user):
    committee = CommitteeFactory()
    meeting = held_meeting(committee=committee)
    item = AgendaItem.objects.create(meeting=meeting, section="B", position=1, title="Plan")
    minute = minuting.minute_add(minute=Minute(meeting=meeting, item=item, title="Plan", text=TEXT))
    decision = minute.blocks[-1]
    assert (decision["wording"], [p["label"] for p in decision["parts"]]) == ("RESOLVED that", ["(a)", "(b)"])
    client.force_login(make_user(roles.OFFICER))
    url = f"/meetings/committees/{committee.slug}/edit/"
    page = client.get(url)
    data = {name: page.context["form"][name].value() for name in page.context["form"].fields}
    data = {k: "" if v is None else v for k, v in data.items()}
    response = client.post(
        url, opened(client, url, {**data, "resolution_wording": "Agreed:", "resolution_label_style": "(i)"})
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    minute.refresh_from_db()
    decision = minute.blocks[-1]
    assert (decision["wording"], [p["label"] for p in decision["parts"]]) == ("Agreed:", ["(i)", "(ii)"])
    page = client.get(f"/meetings/{meeting.pk}/minutes/").content.decode()
    assert "Agreed:" in page and "(ii)" in page and "RESOLVED that" not in page


def test_a_blank_wording_is_refused_with_the_rule(client, make_user):
    committee = CommitteeFactory()
    client.force_login(make_user(roles.OFFICER))
    url = f"/meetings/committees/{committee.slug}/edit/"
    page = client.get(url)
    data = {name: page.context["form"][name].value() for name in page.context["form"].fields}
    data = {k: "" if v is None else v for k, v in data.items()}
    response = client.post(url, opened(client, url, {**data, "resolution_wording": "  "}))
    assert response.status_code == 200 and "how the minutes introduce a decision" in response.content.decode()
