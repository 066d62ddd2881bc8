"""Issue 21's OParl API attacked as an outsider: bad input never a 500, rates not dodged, nothing betrayed."""

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from api.models import ApiToken
from api.tests.test_api import BASE, get
from kcsp import roles
from meetings.tests.factories import committee_business

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(make_user, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    users = {role: make_user(role) for role in (roles.OFFICER, roles.MEMBER, roles.DHR_CLEARED)}
    business = committee_business(member_user=users[roles.MEMBER])
    tokens = {name: ApiToken.issue(user=user, name="test")[1] for name, user in users.items()}
    return {"users": users, "tokens": tokens, **business}


@pytest.mark.parametrize("name", ["meeting", "agendaitem", "organization", "file", "paper", "legislativeterm"])
def test_a_nul_in_an_objects_key_is_404_not_500(world, name):
    response = get(f"/{name}/1%00x")
    assert response.status_code == 404, response.content


@pytest.mark.parametrize(
    "params",
    [
        {"organization": "9" * 30},
        {"meeting": "9" * 30},
        {"page": "9" * 30},
        {"limit": "9" * 30},
        {"limit": "0"},
        {"page": ["1", "2"]},
        {"modified_since": "9999-12-31T23:59:59-12:00"},
        {"modified_since": "0001-01-01T00:00:00+14:00"},
        {"created_until": "0001-01-01T00:00:00+14:00"},
        {"modified_since": "2020-01-01T00:00:00+99:00"},
        {"modified_since": "2020-01-01T00:00:00\x00"},
        {"organization": "1\x00"},
        {"modified_since": "' OR 1=1 --"},
    ],
)
@pytest.mark.parametrize("name", ["meeting", "agendaitem", "file", "membership", "paper"])
def test_odd_parameters_are_answered_never_500(world, name, params):
    response = get(f"/{name}/", **params)
    assert response.status_code in (200, 400, 404), (response.status_code, response.content[:300])


def test_the_public_rate_cannot_be_dodged_with_x_forwarded_for(settings):
    cache.clear()
    settings.API_RATES = {"anon": "2/minute", "user": "2/minute"}
    answers = [
        Client(REMOTE_ADDR="203.0.113.9").get(f"{BASE}/", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code
        for n in range(4)
    ]
    assert answers.count(429) >= 2, answers


def test_a_token_answer_is_private_and_a_public_one_holds_no_restricted_item(world):
    token = world["tokens"][roles.OFFICER]
    private = get("/agendaitem/", token)
    assert "no-store" in private["Cache-Control"] and "private" in private["Cache-Control"]
    public = get("/agendaitem/")
    assert "Prevent update" not in public.content.decode()


def test_a_members_token_loses_the_restricted_item_when_the_role_goes_or_membership_ends(world):
    token = world["tokens"][roles.MEMBER]
    assert "Prevent update" in get("/agendaitem/", token).content.decode()
    membership = world["membership"]
    membership.ends_on = timezone.localdate() - timezone.timedelta(days=1)
    membership.save()
    assert "Prevent update" not in get("/agendaitem/", token).content.decode()


def test_a_deleted_draft_meeting_is_not_announced_to_a_member_who_never_saw_it(world):
    from meetings.tests.factories import MeetingFactory

    draft = MeetingFactory(committee=world["committee"], status="draft")
    pk = draft.pk
    token = world["tokens"][roles.MEMBER]
    assert get(f"/meeting/{pk}", token).status_code == 404
    draft.delete()
    assert get(f"/meeting/{pk}", world["tokens"][roles.OFFICER]).json()["deleted"] is True
    assert get(f"/meeting/{pk}", token).status_code == 404
    since = (timezone.now() - timezone.timedelta(hours=1)).isoformat()
    listed = [row["id"] for row in get("/meeting/", token, modified_since=since).json()["data"]]
    assert not any(row.endswith(f"/meeting/{pk}") for row in listed)


def test_dhr_file_keys_are_404_for_the_cleared(world):
    from django.core.files.base import ContentFile

    from meetings.models import Appendix, Paper

    token = world["tokens"][roles.DHR_CLEARED]
    paper = Paper.objects.get(item=world["dhr_item"])
    appendix = Appendix(paper=paper, letter="A", title="Case chronology", original_name="c.pdf", file_kind="pdf")
    appendix.file.save("c.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"))
    for key in (f"appendix-{appendix.pk}", f"paper-{paper.pk}"):
        for tail in ("", "/access", "/download"):
            assert get(f"/file/{key}{tail}", token).status_code == 404
    assert "Case chronology" not in get("/file/", token).content.decode()


def test_a_token_request_leaves_the_public_page_cache_in_place(
    world, page_cache_on, django_capture_on_commit_callbacks
):
    from kcsp import pagecache

    before = pagecache._generation()
    with django_capture_on_commit_callbacks(execute=True):
        assert get("/meeting/", world["tokens"][roles.OFFICER]).status_code == 200
    assert pagecache._generation() == before  # a token's last use changes no page anyone else sees


def test_head_and_options_on_a_restricted_file_give_the_public_nothing(world):
    key = f"paper-{world['restricted_item'].papers.get().pk}"
    for tail in ("/access", "/download"):
        assert Client().head(f"{BASE}/file/{key}{tail}").status_code == 404
        options = Client().options(f"{BASE}/file/{key}{tail}")
        assert b"Prevent" not in options.content and b"%PDF" not in options.content
        sent = Client().get(f"{BASE}/file/{key}{tail}", HTTP_AUTHORIZATION=f"Bearer {world['tokens'][roles.OFFICER]}")
        assert sent.status_code == 200 and "no-store" in sent["Cache-Control"] and "private" in sent["Cache-Control"]


def test_a_member_whose_role_is_taken_away_loses_what_membership_opened(world):
    token = world["tokens"][roles.MEMBER]
    key = f"paper-{world['restricted_item'].papers.get().pk}"
    assert get(f"/file/{key}/access", token).status_code == 200
    world["users"][roles.MEMBER].groups.clear()
    assert "Prevent update" not in get("/agendaitem/", token).content.decode()
    assert get(f"/file/{key}/access", token).status_code == 404
    assert get(f"/agendaitem/{world['restricted_item'].pk}", token).status_code == 404


@pytest.mark.parametrize(
    "path,headers",
    [
        ("/meeting/?format=api", {}),
        ("/meeting/?format=xml", {}),
        ("/meeting/", {"HTTP_ACCEPT": "text/html"}),
        ("/file/paper-0/access", {}),
        ("/file/minutes-1-dhr/access", {}),
        ("/file/pack-99999999999999999/download", {}),
        ("/meeting/" + "9" * 60, {}),
        ("/organization/org-" + "9" * 30, {}),
        ("/legislativeterm/" + "9" * 30, {}),
    ],
)
def test_odd_requests_are_answered_never_500(world, path, headers):
    response = Client().get(f"{BASE}{path}", **headers)
    assert response.status_code in (200, 400, 404, 406), (response.status_code, response.content[:300])
    assert b"Prevent" not in response.content


def test_deleted_dhr_material_leaves_no_trace_even_for_officers(world):
    from meetings.models import Paper

    officer = world["tokens"][roles.OFFICER]
    item = world["dhr_item"]
    item_pk, paper_pk = item.pk, Paper.objects.get(item=item).pk
    item.delete()
    since = (timezone.now() - timezone.timedelta(hours=1)).isoformat()
    for name, key in (("agendaitem", item_pk), ("paper", paper_pk), ("consultation", paper_pk)):
        assert get(f"/{name}/{key}", officer).status_code == 404
        listed = [row["id"] for row in get(f"/{name}/", officer, modified_since=since).json()["data"]]
        assert not any(row.endswith(f"/{name}/{key}") for row in listed)


def test_failed_tokens_count_against_the_rate_limit(settings):
    cache.clear()
    settings.API_RATES = {"anon": "2/minute", "user": "2/minute"}
    client = Client(REMOTE_ADDR="203.0.113.77")
    answers = [client.get(f"{BASE}/", HTTP_AUTHORIZATION=f"Bearer kcsp_guess{n}").status_code for n in range(4)]
    assert 429 in answers, answers


def test_a_person_shows_the_public_only_their_public_memberships_and_order_skips_hidden_items(world):
    from meetings.tests.factories import AgendaItemFactory, CommitteeFactory, MembershipFactory

    hidden = CommitteeFactory(is_public=False, name="Serious Violence Steering Group")
    secret = MembershipFactory(committee=hidden, person=world["membership"].person)
    person = get(f"/person/{world['membership'].person_id}").json()
    assert [m["id"] for m in person["membership"]] == [person["membership"][0]["id"]]
    assert not person["membership"][0]["id"].endswith(f"/membership/{secret.pk}")
    assert get(f"/membership/{secret.pk}").status_code == 404
    assert hidden.name not in get("/organization/").content.decode()
    meeting = world["published"]
    AgendaItemFactory(meeting=meeting, section="B", position=2, title="Restricted in B", restriction_reason="prevent")
    AgendaItemFactory(meeting=meeting, section="B", position=3, title="Public after it")
    items = get(f"/meeting/{meeting.pk}").json()["agendaItem"]
    assert [item["order"] for item in items] == list(range(len(items)))
    assert "Restricted in B" not in {item["name"] for item in items}


def test_an_unpublished_agreement_gives_the_public_no_term(world):
    from agreement.models import Agreement

    Agreement.objects.create(year=2031, title="Draft agreement 2031/32", is_published=False)
    assert get("/legislativeterm/2031").status_code == 404
    assert "2031/32" not in get("/body/kcsp").content.decode()
    assert get("/legislativeterm/2031", world["tokens"][roles.OFFICER]).status_code == 200
