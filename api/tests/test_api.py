"""The JSON API against its OpenAPI schema, and who sees what through it (public, each role's token)."""

import datetime

import pytest
from django.test import Client
from django.urls import get_resolver
from django.utils import timezone
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from api.models import ApiToken
from api.schema import COLLECTIONS, openapi
from kcsp import roles
from meetings.tests.factories import AgendaItemFactory, committee_business, published_meeting

pytestmark = pytest.mark.django_db
BASE = "/api/v1"
PUBLIC = "public"


def validator_for(component: str):
    document = openapi("http://testserver/api/v1")
    registry = Registry().with_resource("urn:kcsp", Resource.from_contents(document, default_specification=DRAFT202012))
    return Draft202012Validator(
        {"$ref": f"urn:kcsp#/components/schemas/{component}"}, registry=registry, format_checker=FormatChecker()
    )


def check(response, component: str) -> dict:
    assert response.status_code == 200, response.content
    body = response.json()
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator_for(component).iter_errors(body)]
    assert not errors, errors
    return body


@pytest.fixture
def world(make_user, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    users = {role: make_user(role) for role in roles.ALL_ROLES}
    users["no role"] = make_user()
    business = committee_business(member_user=users[roles.MEMBER])
    tokens = {name: ApiToken.issue(user=user, name="test")[1] for name, user in users.items()}
    return {"users": users, "tokens": tokens, **business}


def get(path, token=None, **params):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return Client().get(f"{BASE}{path}", params, **headers)


def all_rows(path, token=None) -> list[dict]:
    return get(path, token).json()["data"]


def test_every_list_and_object_matches_the_schema_for_the_public_and_a_token(world):
    for token in (None, world["tokens"][roles.OFFICER]):
        check(get("/", token), "System")
        for part, (component, _, _) in COLLECTIONS.items():
            page = check(get(f"/{part}/", token), f"{component}Page")
            assert page["data"], f"{part} has rows to check"
            for row in page["data"]:
                assert row["id"].startswith(f"http://testserver{BASE}/{part}/")
                check(
                    Client().get(row["id"], **({"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {})), component
                )


def test_the_schema_describes_exactly_the_api_urls():
    document = openapi("x")
    api_patterns = {
        "/" + str(p.pattern).replace("<str:pk>", "{id}")
        for p in get_resolver().url_patterns
        if getattr(p, "namespace", None) == "api"
        for p in p.url_patterns
    }
    assert set(document["paths"]) == {p if p != "/" else "/" for p in api_patterns}


# role -> (sees the restricted item, sees the DHR item)
MATRIX = {
    PUBLIC: False,
    "no role": False,
    roles.ADMIN: False,
    roles.MEMBER: True,  # sits on the committee
    roles.OFFICER: True,
    roles.CHAIR: True,
    roles.DHR_CLEARED: True,
}


@pytest.mark.parametrize("who", list(MATRIX))
def test_restricted_items_and_papers_only_for_the_entitled_and_dhr_for_nobody(world, who):
    token = None if who == PUBLIC else world["tokens"][who]
    items = {row["name"] for row in all_rows("/agendaitem/", token)}
    papers = {row["name"] for row in all_rows("/paper/", token)}
    files = {row["fileName"] for row in all_rows("/file/", token)}
    entitled = MATRIX[who]
    assert ("Prevent update" in items) is entitled
    assert ("Prevent report" in papers) is entitled and ("prevent.pdf" in files) is entitled
    assert "DHR update" not in items and "DHR case briefing" not in papers
    assert "Action plan update" in items
    restricted = world["restricted_item"].pk
    assert get(f"/agendaitem/{restricted}", token).status_code == (200 if entitled else 404)
    assert get(f"/agendaitem/{world['dhr_item'].pk}", token).status_code == 404
    count = get("/agendaitem/", token).json()["pagination"]["totalElements"]
    assert count == len(items)


def test_a_non_public_committee_is_seen_by_its_members_only(world, make_user):
    hidden = published_meeting(committee__is_public=False)
    AgendaItemFactory(meeting=hidden, section="B", position=1, title="Steering business")
    assert "Steering business" not in {r["name"] for r in all_rows("/agendaitem/")}
    assert "Steering business" in {r["name"] for r in all_rows("/agendaitem/", world["tokens"][roles.OFFICER])}
    assert hidden.committee.name not in {r["name"] for r in all_rows("/organization/")}


def test_bad_and_revoked_tokens_are_refused(world):
    assert get("/meeting/", "kcsp_nonsense").status_code == 401
    response = Client().get(f"{BASE}/meeting/", HTTP_AUTHORIZATION="Basic abc")
    assert response.status_code == 401 and response["WWW-Authenticate"].startswith("Bearer")
    user = world["users"][roles.MEMBER]
    row, token = ApiToken.issue(user=user, name="x")
    assert get("/meeting/", token).status_code == 200
    assert ApiToken.objects.get(pk=row.pk).last_used_at is not None
    row.revoked_at = timezone.now()
    row.save()
    assert get("/meeting/", token).status_code == 401
    user.is_active = False
    user.save()
    assert get("/meeting/", world["tokens"][roles.MEMBER]).status_code == 401


def test_dates_carry_their_time_zone_and_persons_no_contact_details(world):
    meeting = get(f"/meeting/{world['published'].pk}").json()
    start = datetime.datetime.fromisoformat(meeting["start"])
    assert start.utcoffset() is not None and start == world["published"].starts_at
    for person in all_rows("/person/"):
        assert not {"email", "phone"} & set(person)


def test_pages_of_fifty_with_links_keeping_the_filters(world):
    meeting = published_meeting()
    for n in range(1, 61):
        AgendaItemFactory(meeting=meeting, section="B", position=n)
    first = check(get("/agendaitem/", meeting=meeting.pk), "AgendaItemPage")
    assert first["pagination"] == {"totalElements": 60, "elementsPerPage": 50, "currentPage": 1, "totalPages": 2}
    second = check(Client().get(first["links"]["next"]), "AgendaItemPage")
    assert len(second["data"]) == 10 and f"meeting={meeting.pk}" in first["links"]["next"]
    assert get("/agendaitem/", page=3).status_code == 404
    assert get("/agendaitem/", meeting="x").status_code == 400
    assert get("/file/nonsense").status_code == 404


def test_odd_page_numbers_and_ids_are_not_found_rather_than_errors(client):
    assert client.get("/api/v1/meeting/?page=abc").status_code == 404
    assert client.get("/api/v1/meeting/%C2%B2").status_code == 404
    assert client.get("/api/v1/meeting/?organization=%C2%B2").status_code == 400


def test_a_cancelled_meeting_and_an_item_in_a_committee_section_beyond_d_match_the_schema(make_user):
    """Sections run A to Z (a committee's own), and a meeting called off says so, with its end and last change."""
    from meetings import changes
    from meetings.models import CommitteeSection

    meeting = published_meeting(starts_at=timezone.now() + datetime.timedelta(days=30))
    CommitteeSection.objects.create(committee=meeting.committee, letter="E", heading="Any other business")
    AgendaItemFactory(meeting=meeting, section="E", position=1, title="Any other business")
    item = check(get("/agendaitem/", meeting=meeting.pk), "AgendaItemPage")["data"]
    assert [row["number"] for row in item if row["number"].startswith("E")] == ["E1"]
    for row in item:
        check(Client().get(row["id"]), "AgendaItem")
    before = check(get(f"/meeting/{meeting.pk}"), "Meeting")
    assert before["cancelled"] is False
    changes.meeting_cancel(meeting=meeting, user=make_user(roles.OFFICER), reason="No business")
    after = check(get(f"/meeting/{meeting.pk}"), "Meeting")
    assert after["cancelled"] is True
    assert after["modified"] > before["modified"]
    assert after["end"] > after["start"]


def test_restricted_objects_and_the_pages_holding_them_carry_the_marking_and_public_ones_do_not(world):
    """Issue 20: restricted material leaving through the API carries "OFFICIAL-SENSITIVE" and the handling line."""
    from kcsp.marking import handling_line, marking_line

    token = world["tokens"][roles.OFFICER]
    assert "OFFICIAL-SENSITIVE" in marking_line() and handling_line() in marking_line()
    for part, restricted_name in (("agendaitem", "Prevent update"), ("paper", "Prevent report")):
        page = check(get(f"/{part}/", token), COLLECTIONS[part][0] + "Page")
        assert page["protectiveMarking"] == marking_line()
        for row in page["data"]:
            assert ("protectiveMarking" in row) is (row["name"] == restricted_name), row
            detail = check(get(row["id"].removeprefix(f"http://testserver{BASE}"), token), COLLECTIONS[part][0])
            assert detail.get("protectiveMarking") == row.get("protectiveMarking")
    files = {row["fileName"]: row for row in all_rows("/file/", token)}
    assert files["prevent.pdf"]["protectiveMarking"] == marking_line()
    assert not [name for name, row in files.items() if name != "prevent.pdf" and "protectiveMarking" in row]
    public = get("/agendaitem/").json()
    assert "protectiveMarking" not in public and not any("protectiveMarking" in row for row in public["data"])
