"""The OParl API against its generated OpenAPI document, and who sees what through it (public, each role)."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from api.models import ApiToken
from api.resources import RESOURCES
from kcsp import roles
from meetings.tests.factories import AgendaItemFactory, committee_business, published_meeting

from .oparl_checks import error_problems, list_problems, oparl_problems

pytestmark = pytest.mark.django_db
BASE = "/api/v1"
PUBLIC = "public"
MARKING = "kcsp:protectiveMarking"


@pytest.fixture(scope="module")
def document():
    return SchemaGenerator().get_schema(request=None, public=True)


def check(document, response, component: str) -> dict:
    """The response is 200 and its body valid against the generated document's component."""
    assert response.status_code == 200, response.content
    body = response.json()
    registry = Registry().with_resource("urn:kcsp", Resource.from_contents(document, default_specification=DRAFT202012))
    validator = Draft202012Validator(
        {"$ref": f"urn:kcsp#/components/schemas/{component}"}, registry=registry, format_checker=FormatChecker()
    )
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(body)]
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


def all_rows(path, token=None, **params) -> list[dict]:
    return get(path, token, **params).json()["data"]


def conforms(body: dict, type_name: str, *, page: bool = False) -> dict:
    """The body conforms to OParl 1.1 (our own checker, api/tests/oparl_checks.py)."""
    problems = list_problems(body, type_name) if page else oparl_problems(body, type_name)
    assert not problems, problems
    return body


@pytest.mark.parametrize("who", [PUBLIC, roles.OFFICER, roles.MEMBER, roles.DHR_CLEARED])
def test_every_list_and_object_matches_the_generated_document_and_oparl(world, document, who):
    token = None if who == PUBLIC else world["tokens"][who]
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    conforms(check(document, get("/", token), "System"), "System")
    conforms(check(document, get("/body/", token), "PaginatedBodyList"), "Body", page=True)
    body = conforms(check(document, get("/body/kcsp", token), "Body"), "Body")
    assert body["legislativeTerm"] and body["kcsp:calendar"].endswith("/meetings/meetings.ics")
    for name, resource in RESOURCES.items():
        page = check(document, get(f"/{name}/", token), f"Paginated{resource.oparl_type}List")
        conforms(page, resource.oparl_type, page=True)
        assert page["data"], f"{name} has rows to check"
        for row in page["data"]:
            assert row["id"].startswith(f"http://testserver{BASE}/{name}/")
            conforms(check(document, Client().get(row["id"], **headers), resource.oparl_type), resource.oparl_type)


def test_errors_are_problem_details_oparl_error_objects_and_as_documented(world, document):
    answers = (
        get("/meeting/999999"),
        get("/meeting/", modified_since="x"),
        get("/meeting/", "kcsp_no"),
        get("/no/such/list/"),
        get("/meeting/", created_since="2026-02-01T00:00:00Z", created_until="2026-01-01T00:00:00Z"),
        get("/meeting/", modified_since="2026-12-01"),  # a date without its time and offset
    )
    for response in answers:
        assert response["Content-Type"] == "application/problem+json"
        problems = error_problems(response.json(), response.status_code)
        assert not problems, problems
        operation = document["paths"]["/api/v1/meeting/"]["get"]["responses"]
        assert str(response.status_code) in operation, response.status_code
        response.status_code, status = 200, response.status_code  # check() reads a 200: the body is what counts
        check(document, response, "Problem")
        assert status in (400, 401, 404)


def test_the_meeting_carries_its_venue_invitation_minutes_and_calendar(world):
    from meetings.models import Meeting

    meeting = Meeting.objects.get(pk=world["published"].pk)
    meeting.venue = "Council Chamber, Sessions House, Maidstone"
    meeting.save()
    token = world["tokens"][roles.OFFICER]
    body = get(f"/meeting/{meeting.pk}", token).json()
    location = body["location"]
    assert (location["room"], location["streetAddress"], location["locality"]) == (
        "Council Chamber",
        "Sessions House",
        "Maidstone",
    )
    assert body["location"]["id"].endswith(f"/location/{meeting.pk}")
    assert body["kcsp:calendar"].endswith(f"/meetings/{meeting.pk}/meeting.ics")
    assert Client().get(body["kcsp:calendar"]).status_code == 200
    packs = [f for f in body.get("auxiliaryFile", []) if "Restricted pack" in f["fileName"]]
    assert packs and packs[0]["kcsp:protectiveMarking"]
    assert "auxiliaryFile" not in get(f"/meeting/{meeting.pk}").json()  # the public: no restricted pack
    membership = get(f"/membership/{world['membership'].pk}").json()
    partner = Client().get(membership["onBehalfOf"]).json()
    assert partner["type"].endswith("/Organization") and partner["name"] == world["membership"].organisation.name
    assert partner["organizationType"] == "institution" and membership["id"] in partner["membership"]


def test_legislative_terms_run_april_to_march_and_name_the_year_agreement():
    from agreement.models import Agreement

    Agreement.objects.create(year=2024, title="Kent Community Safety Agreement 2024/25", is_published=True)
    published_meeting(starts_at=datetime.datetime(2023, 5, 4, 10, tzinfo=datetime.UTC))
    terms = {row["name"]: row for row in all_rows("/legislativeterm/")}
    assert {"2023/24", "2024/25"} <= set(terms)
    assert terms["2024/25"]["startDate"] == "2024-04-01" and terms["2024/25"]["endDate"] == "2025-03-31"
    assert terms["2024/25"]["keyword"] == ["Community Safety Agreement 2024/25"]
    assert "keyword" not in terms["2023/24"]
    assert get("/legislativeterm/2024").json()["name"] == "2024/25"
    assert get("/legislativeterm/1999").status_code == 404


def test_a_minuted_item_gives_its_resolution(world):
    item = conforms(get(f"/agendaitem/{world['minute'].item_id}", world["tokens"][roles.OFFICER]).json(), "AgendaItem")
    assert item["resolutionText"] == "RESOLVED that the update be noted." and item["result"] == "Resolved"


def test_the_document_describes_every_api_url(document):
    from django.urls import get_resolver

    api = next(p for p in get_resolver().url_patterns if getattr(p, "namespace", None) == "api")
    paths = {"/api/v1/" + str(p.pattern).replace("<str:pk>", "{id}") for p in api.url_patterns}
    assert paths - {"/api/v1/openapi.json", "/api/v1/docs/", "/api/v1/^(?P<rest>.*)$"} == set(document["paths"])


# role -> sees the restricted item (the DHR item: nobody)
MATRIX = {
    PUBLIC: False,
    "no role": False,
    roles.ADMIN: False,
    roles.DPO: False,
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
    files = {row.get("fileName") for row in all_rows("/file/", token)}
    entitled = MATRIX[who]
    assert ("Prevent update" in items) is entitled
    assert ("Prevent report" in papers) is entitled and ("prevent.pdf" in files) is entitled
    assert "DHR update" not in items and "DHR case briefing" not in papers
    assert "Action plan update" in items
    restricted = world["restricted_item"].pk
    assert get(f"/agendaitem/{restricted}", token).status_code == (200 if entitled else 404)
    assert get(f"/agendaitem/{world['dhr_item'].pk}", token).status_code == 404
    meeting = get(f"/meeting/{world['published'].pk}", token).json()
    embedded = {row["name"] for row in meeting["agendaItem"]}
    assert ("Prevent update" in embedded) is entitled and "DHR update" not in embedded
    assert get("/agendaitem/", token).json()["pagination"]["totalElements"] == len(items)


def test_a_non_public_committee_is_seen_by_its_members_only(world):
    hidden = published_meeting(committee__is_public=False)
    AgendaItemFactory(meeting=hidden, section="B", position=1, title="Steering business")
    assert "Steering business" not in {r["name"] for r in all_rows("/agendaitem/")}
    assert "Steering business" in {r["name"] for r in all_rows("/agendaitem/", world["tokens"][roles.OFFICER])}
    assert hidden.committee.name not in {r["name"] for r in all_rows("/organization/")}
    assert get(f"/location/{hidden.pk}").status_code == 404


def test_bad_and_revoked_tokens_are_refused_as_problems(world):
    response = get("/meeting/", "kcsp_nonsense")
    assert response.status_code == 401 and response["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == 401 and response.json()["type"] == "https://schema.oparl.org/1.1/Error"
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
        assert datetime.datetime.fromisoformat(person["created"]).utcoffset() is not None


def test_pages_of_fifty_with_links_keeping_the_filters(world, document):
    meeting = published_meeting()
    for n in range(1, 61):
        AgendaItemFactory(meeting=meeting, section="B", position=n)
    first = check(document, get("/agendaitem/", meeting=meeting.pk), "PaginatedAgendaItemList")
    assert first["pagination"] == {"totalElements": 60, "elementsPerPage": 50, "currentPage": 1, "totalPages": 2}
    second = check(document, Client().get(first["links"]["next"]), "PaginatedAgendaItemList")
    assert len(second["data"]) == 10 and f"meeting={meeting.pk}" in first["links"]["next"]
    assert "next" not in second["links"] and second["links"]["prev"] == first["links"]["self"]
    assert len(get("/agendaitem/", meeting=meeting.pk, limit=20).json()["data"]) == 20
    assert get("/agendaitem/", page=3).status_code == 404
    bad = get("/agendaitem/", meeting="x")
    assert bad.status_code == 400 and "meeting" in bad.json()["errors"]
    assert get("/file/nonsense").status_code == 404


def test_odd_page_numbers_ids_and_dates_are_problems_not_errors(client):
    assert client.get("/api/v1/meeting/?page=abc").status_code in (400, 404)
    assert client.get("/api/v1/meeting/%C2%B2").status_code == 404
    assert client.get("/api/v1/meeting/?organization=%C2%B2").status_code == 400
    response = client.get("/api/v1/meeting/?modified_since=yesterday")
    assert response.status_code == 400 and "modified_since" in response.json()["errors"]


def test_a_cancelled_meeting_says_so_with_its_end_and_last_change(make_user, document):
    from meetings import changes
    from meetings.models import CommitteeSection

    meeting = published_meeting(starts_at=timezone.now() + datetime.timedelta(days=30))
    CommitteeSection.objects.create(committee=meeting.committee, letter="E", heading="Any other business")
    AgendaItemFactory(meeting=meeting, section="E", position=1, title="Any other business")
    items = check(document, get("/agendaitem/", meeting=meeting.pk), "PaginatedAgendaItemList")["data"]
    assert [row["number"] for row in items if row["number"].startswith("E")] == ["E1"]
    before = check(document, get(f"/meeting/{meeting.pk}"), "Meeting")
    assert before["cancelled"] is False
    changes.meeting_cancel(meeting=meeting, user=make_user(roles.OFFICER), reason="No business")
    after = check(document, get(f"/meeting/{meeting.pk}"), "Meeting")
    assert after["cancelled"] is True and after["modified"] > before["modified"]
    assert after["end"] > after["start"]


def test_restricted_objects_and_the_pages_holding_them_carry_the_marking_and_public_ones_do_not(world):
    """Issue 20: restricted material leaving through the API carries "OFFICIAL-SENSITIVE" and the handling line,
    as the vendor property kcsp:protectiveMarking (OParl 3-00)."""
    from kcsp.marking import handling_line, marking_line

    token = world["tokens"][roles.OFFICER]
    assert "OFFICIAL-SENSITIVE" in marking_line() and handling_line() in marking_line()
    for part, restricted_name in (("agendaitem", "Prevent update"), ("paper", "Prevent report")):
        page = get(f"/{part}/", token).json()
        assert page[MARKING] == marking_line()
        for row in page["data"]:
            assert (MARKING in row) is (row["name"] == restricted_name), row
            detail = Client().get(row["id"], HTTP_AUTHORIZATION=f"Bearer {token}").json()
            assert detail.get(MARKING) == row.get(MARKING)
    meeting = get(f"/meeting/{world['published'].pk}", token).json()
    assert meeting[MARKING] == marking_line()  # it embeds the restricted item
    files = {row["fileName"]: row for row in all_rows("/file/", token)}
    assert files["prevent.pdf"][MARKING] == marking_line()
    restricted = {name for name in files if name == "prevent.pdf" or "Restricted" in name}
    assert {name for name, row in files.items() if MARKING in row} == restricted
    assert all("sha1Checksum" not in files[name] and "size" not in files[name] for name in restricted)
    public = get("/agendaitem/").json()
    assert MARKING not in public and not any(MARKING in row for row in public["data"])
    assert MARKING not in get(f"/meeting/{world['published'].pk}").json()


def api_links(value, found: set) -> set:
    """Every URL under the API in an answer, however deep (ids, links, list URLs, files' URLs)."""
    if isinstance(value, dict):
        for key, inner in value.items():
            if key not in ("links",):  # a page's own paging links: followed by the paging tests
                api_links(inner, found)
    elif isinstance(value, list):
        for inner in value:
            api_links(inner, found)
    elif isinstance(value, str) and value.startswith(f"http://testserver{BASE}/"):
        found.add(value)
    return found


@pytest.mark.parametrize("who", [PUBLIC, roles.MEMBER, roles.OFFICER])
def test_every_link_in_every_answer_resolves_for_the_same_reader(world, who):
    """No dangling link: what an answer points to, its reader may open (a hidden parent body, a restricted paper's
    consultation, a file: each either there for them or not named at all)."""
    from meetings.tests.factories import CommitteeFactory

    hidden = CommitteeFactory(is_public=False)
    world["committee"].parent = hidden
    world["committee"].save()
    token = None if who == PUBLIC else world["tokens"][who]
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    seen, todo, broken = set(), {f"http://testserver{BASE}/"}, []
    while todo:
        url = todo.pop()
        seen.add(url)
        response = Client().get(url, **headers)
        if response.status_code != 200:
            broken.append(f"{url}: {response.status_code}")
            continue
        if response["Content-Type"].startswith("application/json"):
            todo |= api_links(response.json(), set()) - seen
    assert not broken, broken
    assert len(seen) > 20
