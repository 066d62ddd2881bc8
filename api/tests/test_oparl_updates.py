"""OParl's update mechanism (sections 2-05 and 2-08): date filters on every list, deleted objects kept at their
URLs with deleted: true and listed once when modified_since asks; and the API's rate limits and reader page."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from api.models import ApiToken, DeletedObject
from api.resources import RESOURCES
from kcsp import roles
from meetings.tests.factories import AgendaItemFactory, published_meeting

pytestmark = pytest.mark.django_db
BASE = "/api/v1"


def get(path, token=None, **params):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return Client().get(f"{BASE}{path}", params, **headers)


def stamp(moment: datetime.datetime) -> str:
    return moment.isoformat()


def test_every_list_takes_the_four_date_filters_and_refuses_a_bad_one():
    published_meeting()
    later = stamp(timezone.now() + datetime.timedelta(days=1))
    earlier = stamp(timezone.now() - datetime.timedelta(days=1))
    for name in ["body", *RESOURCES]:
        for parameter in ("created_since", "created_until", "modified_since", "modified_until"):
            assert get(f"/{name}/", **{parameter: earlier}).status_code == 200, (name, parameter)
            bad = get(f"/{name}/", **{parameter: "last tuesday"})
            assert bad.status_code == 400 and parameter in bad.json()["errors"], (name, parameter)
        assert get(f"/{name}/", created_since=later).json()["data"] == [], name


def test_modified_since_finds_what_changed_and_created_filters_what_is_new():
    meeting = published_meeting()
    old = AgendaItemFactory(meeting=meeting, section="B", position=1, title="Old item")
    cut = timezone.now()
    new = AgendaItemFactory(meeting=meeting, section="B", position=2, title="New item")
    names = lambda **p: {row["name"] for row in get("/agendaitem/", **p).json()["data"]}  # noqa: E731
    assert names(created_since=stamp(cut)) == {"New item"}
    assert names(created_until=stamp(cut)) == {"Old item"}
    assert names(modified_since=stamp(cut)) == {"New item"}
    old.title = "Old item, renamed"
    old.save()
    assert names(modified_since=stamp(cut)) == {"New item", "Old item, renamed"}
    assert names(modified_until=stamp(cut)) == set()
    created = get(f"/agendaitem/{new.pk}").json()["created"]
    assert datetime.datetime.fromisoformat(created) >= cut


def test_a_new_agendas_standard_items_are_dated_when_they_were_made_and_found_by_modified_since():
    from meetings.agenda_setup import standard_items_copy

    meeting = published_meeting()
    meeting.committee.standard_items.create(section="B", position=9, title="Standing item: lemur welfare")
    cut = timezone.now()
    made = standard_items_copy(meeting=meeting, previous=None)
    rows = get("/agendaitem/", modified_since=stamp(cut)).json()["data"]
    assert len(rows) == len(made) and "Standing item: lemur welfare" in {row["name"] for row in rows}
    for row in rows:  # not the 2020 floor of rows without history
        assert datetime.datetime.fromisoformat(row["created"]) >= cut, row
        assert datetime.datetime.fromisoformat(row["modified"]) >= cut, row


def test_a_deleted_item_stays_at_its_url_and_is_listed_once_only_when_modified_since_asks(make_user):
    meeting = published_meeting()
    keep = AgendaItemFactory(meeting=meeting, section="B", position=1, title="Kept")
    gone = AgendaItemFactory(meeting=meeting, section="B", position=2, title="Withdrawn item")
    gone_pk = gone.pk
    before = get(f"/agendaitem/{gone_pk}").json()
    cut = timezone.now()
    gone.delete()
    answer = get(f"/agendaitem/{gone_pk}")
    assert answer.status_code == 200
    body = answer.json()
    assert body == {
        "id": before["id"],
        "type": "https://schema.oparl.org/1.1/AgendaItem",
        "created": before["created"],
        "modified": body["modified"],
        "deleted": True,
    }
    assert datetime.datetime.fromisoformat(body["modified"]) >= cut
    plain = get("/agendaitem/").json()["data"]
    assert [row["name"] for row in plain] == ["Kept"]
    since = get("/agendaitem/", modified_since=stamp(cut)).json()["data"]
    assert [row.get("deleted") for row in since] == [True] and since[0]["id"] == before["id"]
    assert "Withdrawn" not in str(since)  # no title, no text: nothing of what it said
    embedded = get(f"/meeting/{meeting.pk}").json()["agendaItem"]
    assert [row["name"] for row in embedded] == ["Kept"]  # embedded objects are never deleted ones (2-05)
    assert keep.pk != gone_pk


def test_a_deleted_restricted_item_is_not_announced_to_the_public_but_is_to_an_officer(make_user):
    meeting = published_meeting()
    item = AgendaItemFactory(meeting=meeting, section="D", position=1, title="Prevent", restriction_reason="prevent")
    dhr = AgendaItemFactory(meeting=meeting, section="D", position=2, title="DHR", restriction_reason="dhr")
    cut = stamp(timezone.now())
    pks = (item.pk, dhr.pk)
    item.delete()
    dhr.delete()
    officer = ApiToken.issue(user=make_user(roles.OFFICER), name="t")[1]
    assert get(f"/agendaitem/{pks[0]}").status_code == 404
    assert get("/agendaitem/", modified_since=cut).json()["data"] == []
    assert get(f"/agendaitem/{pks[0]}", officer).json()["deleted"] is True
    assert len(get("/agendaitem/", officer, modified_since=cut).json()["data"]) == 1
    assert not DeletedObject.objects.filter(oparl_type="agendaitem", key=str(pks[1])).exists()  # DHR: no trace
    assert get(f"/agendaitem/{pks[1]}", officer).status_code == 404


def test_a_deleted_meeting_leaves_its_meeting_location_items_and_papers_deleted():
    from meetings.models import Paper

    meeting = published_meeting()
    item = AgendaItemFactory(meeting=meeting, section="B", position=1)
    paper = Paper.objects.create(item=item, format="written", subject="Report")
    cut = stamp(timezone.now())
    meeting_pk = meeting.pk
    meeting.delete()
    for name, pk in (("meeting", meeting_pk), ("location", meeting_pk), ("agendaitem", item.pk), ("paper", paper.pk),
                     ("consultation", paper.pk)):  # fmt: skip
        assert get(f"/{name}/{pk}").json()["deleted"] is True, name
        assert [row["deleted"] for row in get(f"/{name}/", modified_since=cut).json()["data"]] == [True], name


def test_the_rate_limit_answers_429_as_a_problem(settings):
    from django.core.cache import cache

    cache.clear()
    settings.API_RATES = {"anon": "3/minute", "user": "3/minute"}
    answers = [get("/").status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    limited = get("/")
    assert limited["Content-Type"] == "application/problem+json" and limited.json()["status"] == 429
    assert int(limited["Retry-After"]) > 0
    cache.clear()


def test_the_reader_page_serves_swagger_ui_from_our_static_files_under_our_csp(client):
    page = client.get("/api/v1/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower() and "<script>" not in html  # no inline script: CSP script-src 'self'
    policy = page["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    script = client.get("/api/v1/docs/?script=")
    assert script.status_code == 200 and "openapi.json" in script.content.decode()
    document = client.get("/api/v1/openapi.json")
    assert document.status_code == 200 and document.json()["openapi"].startswith("3.1")


@pytest.mark.parametrize("name", ["meeting", "agendaitem", "paper", "organization", "person", "membership"])
def test_a_page_costs_the_same_queries_however_many_rows_it_holds(name, django_assert_max_num_queries):
    from kcsp.tests.factories import PersonFactory
    from meetings.models import Paper
    from meetings.tests.factories import MembershipFactory

    def grow(n):
        for _ in range(n):
            meeting = published_meeting()
            item = AgendaItemFactory(meeting=meeting, section="B", position=1)
            Paper.objects.create(item=item, format="written", subject="Report")
            MembershipFactory(committee=meeting.committee, person=PersonFactory())

    grow(2)
    with django_assert_max_num_queries(1000) as few:
        get(f"/{name}/")
    grow(12)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(get(f"/{name}/").json()["data"]) >= 14


def test_any_web_page_may_read_the_api_from_its_scripts():
    """OParl 2-06: CORS. Tokens, never cookies, so "*" opens nothing a visitor is signed in to."""
    answer = get("/meeting/")
    assert answer["Access-Control-Allow-Origin"] == "*"
    preflight = Client().options(
        f"{BASE}/meeting/", HTTP_ORIGIN="https://www.kent.gov.uk", HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET"
    )
    assert preflight.status_code == 200 and preflight["Access-Control-Allow-Origin"] == "*"
    assert "Authorization" in preflight["Access-Control-Allow-Headers"]


def test_a_meeting_is_modified_when_its_agenda_changes_but_not_by_what_the_reader_cannot_see(make_user):
    meeting = published_meeting()
    item = AgendaItemFactory(meeting=meeting, section="B", position=1, title="Plan")
    dhr = AgendaItemFactory(meeting=meeting, section="D", position=1, title="DHR", restriction_reason="dhr")
    cut = stamp(timezone.now())
    dhr.title = "DHR renamed"
    dhr.save()
    assert get("/meeting/", modified_since=cut).json()["data"] == []  # a DHR item's change moves nothing
    item.title = "Plan, renamed"
    item.save()
    changed = get("/meeting/", modified_since=cut).json()["data"]
    assert [row["agendaItem"][0]["name"] for row in changed] == ["Plan, renamed"]
    later = stamp(timezone.now())
    item.delete()
    assert len(get("/meeting/", modified_since=later).json()["data"]) == 1  # its agenda lost an item


def test_members_learn_nothing_of_what_went_from_a_draft_they_never_saw(make_user):
    from kcsp.tests.factories import PersonFactory
    from meetings.tests.factories import MeetingFactory, MembershipFactory

    member = make_user(roles.MEMBER)
    draft = MeetingFactory()
    MembershipFactory(committee=draft.committee, person=PersonFactory(user=member))
    item = AgendaItemFactory(meeting=draft, section="B", position=1)
    cut, pk = stamp(timezone.now()), item.pk
    item.delete()
    token = ApiToken.issue(user=member, name="t")[1]
    officer = ApiToken.issue(user=make_user(roles.OFFICER), name="t")[1]
    assert get(f"/agendaitem/{pk}", token).status_code == 404
    assert get("/agendaitem/", token, modified_since=cut).json()["data"] == []
    assert get(f"/agendaitem/{pk}", officer).json()["deleted"] is True


def test_a_venue_is_read_as_room_street_town_and_postcode():
    meeting = published_meeting(venue="Council Chamber, Sessions House, County Road, Maidstone ME14 1XQ")
    location = get(f"/location/{meeting.pk}").json()
    assert (location["room"], location["streetAddress"], location["locality"], location["postalCode"]) == (
        "Council Chamber",
        "Sessions House, County Road",
        "Maidstone",
        "ME14 1XQ",
    )
    online = get(f"/location/{published_meeting(venue_kind='online', venue='Microsoft Teams').pk}").json()
    assert online["description"] == "Online: Microsoft Teams" and "room" not in online


def test_dates_are_in_london_time_and_items_link_their_consultation_and_the_public_no_sign_in_page(make_user):
    from meetings.models import Paper

    meeting = published_meeting(starts_at=datetime.datetime(2026, 7, 2, 9, tzinfo=datetime.UTC))
    item = AgendaItemFactory(meeting=meeting, section="B", position=1)
    paper = Paper.objects.create(item=item, format="written", subject="Report")
    body = get(f"/agendaitem/{item.pk}").json()
    assert body["consultation"].endswith(f"/consultation/{paper.pk}")
    assert get(f"/meeting/{meeting.pk}").json()["start"] == "2026-07-02T10:00:00+01:00"
    created = datetime.datetime.fromisoformat(body["created"])
    assert created.utcoffset() == timezone.localtime(created).utcoffset()
    assert "web" not in get(f"/organization/{meeting.committee_id}").json()
    officer = ApiToken.issue(user=make_user(roles.OFFICER), name="t")[1]
    assert get(f"/organization/{meeting.committee_id}", officer).json()["web"].endswith("/")


def test_an_anonymised_person_is_modified_so_syncing_clients_replace_the_name(make_user):
    from kcsp.retention import PersonRecords
    from kcsp.tests.factories import PersonFactory
    from meetings.tests.factories import MembershipFactory

    person = PersonFactory(surname="Brinson")
    MembershipFactory(person=person)
    cut = stamp(timezone.now())
    PersonRecords().anonymise(person.pk)
    rows = get("/person/", modified_since=cut).json()["data"]
    assert [row["id"].rsplit("/", 1)[1] for row in rows] == [str(person.pk)]
    assert "Brinson" not in str(rows)
