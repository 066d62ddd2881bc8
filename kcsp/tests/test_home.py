"""The home page by role (issue 16): each role's panel shows its items, no other role sees them, counts link to
filterable paginated lists, the DHR panel only after the code and logged, the "last read" marker, query counts."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from kcsp import roles
from kcsp.financial_year import year_and_quarter
from kcsp.home_lists import LISTS
from kcsp.testing import count_queries, otp_verify
from meetings.models import PackRead
from meetings.pack_reads import pack_read_mark

from .home_world import dhr_things, home_world

pytestmark = pytest.mark.django_db

OFFICER_KEYS = [w.key for w in LISTS if w.role == roles.OFFICER]
CHAIR_KEYS = [w.key for w in LISTS if w.role == roles.CHAIR]
MEMBER_KEYS = [w.key for w in LISTS if w.role == roles.MEMBER]
DHR_KEYS = [w.key for w in LISTS if w.role == roles.DHR_CLEARED]


@pytest.fixture
def people(make_user):
    return {role: make_user(role) for role in (roles.OFFICER, roles.CHAIR, roles.MEMBER, roles.DHR_CLEARED)}


@pytest.fixture
def world(people):
    return home_world(
        officer=people[roles.OFFICER],
        chair=people[roles.CHAIR],
        member=people[roles.MEMBER],
        dhr_user=people[roles.DHR_CLEARED],
    )


def _home(client, user, verify=False):
    client.force_login(user)
    if verify:
        otp_verify(client, user)
    return client.get(reverse("home")).content.decode()


def _count(page: str, key: str) -> int:
    import re

    match = re.search(rf'data-testid="count-{key}".*?<a class="govuk-link" href="/home/{key}/">(\d+)', page, re.S)
    return int(match.group(1)) if match else -1


def test_financial_quarter():
    assert year_and_quarter(datetime.date(2026, 5, 14)) == (2026, 1)
    assert year_and_quarter(datetime.date(2026, 11, 30)) == (2026, 3)
    assert year_and_quarter(datetime.date(2027, 2, 20)) == (2026, 4)


def test_anonymous_keeps_the_public_page(client, world):
    page = client.get(reverse("home")).content.decode()
    assert "Kent Community Safety Partnership" in page and "sign in" in page
    assert "What is waiting for you" not in page


def test_officer_home_shows_each_officer_count(client, people, world):
    page = _home(client, people[roles.OFFICER])
    counts = {key: _count(page, key) for key in OFFICER_KEYS}
    assert counts == {
        "agendas-to-prepare": 1,
        "agendas-with-chair": 1,
        "packs-failed": 1,
        "minutes-to-write": 1,
        "minutes-to-circulate": 1,
        "actions-overdue": 1,
        "plan-updates": 2,
        "bids-to-record": 1,
        "terms-due": 1,
    }
    assert "Publication deadline" in page and "working days left" in page
    for key in CHAIR_KEYS + MEMBER_KEYS + DHR_KEYS:
        assert f"count-{key}" not in page


def test_chair_home(client, people, world):
    page = _home(client, people[roles.CHAIR])
    assert {key: _count(page, key) for key in CHAIR_KEYS} == {
        "agendas-to-agree": 2,  # the one sent to them and the draft of the committee they chair
        "bids-to-decide": 1,
        "minutes-to-sign": 1,
    }
    assert 'data-testid="pot-figures"' in page and "Tactical pot" in page
    # Each agenda leads to the chair's page that shows the whole agenda, to agree or return it.
    assert reverse("meetings:agenda_agree", args=[world["with_chair"].pk]) in page
    assert "Read and agree or return" in page
    for key in OFFICER_KEYS + MEMBER_KEYS + DHR_KEYS:
        assert f"count-{key}" not in page


def test_member_home(client, people, world):
    page = _home(client, people[roles.MEMBER])
    assert {key: _count(page, key) for key in MEMBER_KEYS} == {
        "my-meetings": 1,
        "new-papers": 1,
        "my-actions": 1,
        "my-plan-items": 1,  # only the item their organisation leads
    }
    assert reverse("meetings:apologies", args=[world["published"].pk]) in page
    assert "Someone else" not in page
    for key in OFFICER_KEYS + CHAIR_KEYS + DHR_KEYS:
        assert f"count-{key}" not in page


def test_dhr_panel_only_after_the_code_and_logged(client, people, world):
    from dhr.models import AccessLog

    user = people[roles.DHR_CLEARED]
    page = _home(client, user)
    assert 'data-testid="dhr-needs-code"' in page
    assert _count(page, "dhr-cases-due") == -1 and AccessLog.objects.count() == 0
    assert client.get(reverse("home_dhr_cases_due")).status_code == 404
    otp_verify(client, user)
    page = client.get(reverse("home")).content.decode()
    assert _count(page, "dhr-cases-due") == 1 and _count(page, "dhr-actions-late") == 1
    log = AccessLog.objects.get()
    assert log.user == user and "Home page" in log.what
    listing = client.get(reverse("home_dhr_actions_late")).content.decode()
    assert "Secret late action" in listing
    assert AccessLog.objects.count() == 2


@pytest.mark.parametrize("role", [roles.OFFICER, roles.CHAIR, roles.MEMBER])
def test_no_dhr_for_others_even_with_the_code(client, people, world, role):
    user = people[role]
    page = _home(client, user, verify=True)
    assert "dhr-cases-due" not in page and "Secret" not in page
    assert client.get(reverse("home_dhr_cases_due")).status_code == 404


@pytest.mark.parametrize("waiting", LISTS, ids=lambda w: w.key)
def test_each_list_only_to_its_role(client, people, world, waiting):
    for role, user in people.items():
        client.force_login(user)
        if role == roles.DHR_CLEARED:
            otp_verify(client, user)
        answer = client.get(reverse(waiting.url_name))
        expected = 200 if role == waiting.role else (404 if waiting.dhr else 403)
        assert answer.status_code == expected, (role, answer.status_code)
        client.logout()
    assert client.get(reverse(waiting.url_name)).status_code in (302, 404)


def test_counts_link_to_their_lists(client, people, world):
    page = _home(client, people[roles.OFFICER])
    for key in OFFICER_KEYS:
        assert f'href="/home/{key}/"' in page
    listing = client.get("/home/actions-overdue/").content.decode()
    assert "Send the report" in listing and "Overdue" in listing


def test_filters_keep_the_url_and_narrow(client, people, world):
    from meetings.tests.factories import CommitteeFactory, MeetingFactory

    other = CommitteeFactory(name="Other Committee")
    MeetingFactory(committee=other, starts_at=timezone.now() + datetime.timedelta(days=50))
    client.force_login(people[roles.OFFICER])
    assert client.get("/home/agendas-to-prepare/").context["paginator"].count == 2
    answer = client.get("/home/agendas-to-prepare/", {"committee": world["committee"].pk})
    assert answer.context["paginator"].count == 1 and answer.context["filtered"]
    bad = client.get("/home/agendas-to-prepare/", {"committee": "nonsense"})
    assert bad.status_code == 200 and "Select a committee from the list" in bad.content.decode()
    assert bad.context["paginator"].count == 2
    priority = client.get("/home/plan-updates/", {"priority": world["priority"].pk})
    assert priority.context["paginator"].count == 2


def test_pagination_keeps_the_filters(client, people, make_user):
    world = home_world(officer=people[roles.OFFICER], chair=people[roles.CHAIR], member=people[roles.MEMBER], extra=30)
    client.force_login(people[roles.OFFICER])
    answer = client.get("/home/agendas-to-prepare/", {"committee": world["committee"].pk})
    page = answer.content.decode()
    assert answer.context["paginator"].num_pages == 2
    assert f"?committee={world['committee'].pk}&amp;page=2" in page
    second = client.get("/home/agendas-to-prepare/", {"committee": world["committee"].pk, "page": 2})
    assert len(second.context["rows"]) == 6


def test_restricted_pack_not_counted_for_outsiders(client, people, world, make_user):
    """A restricted pack of the member's committee is new to them; a member of no committee never sees it."""
    from django.core.files.base import ContentFile

    from meetings.models import Pack
    from meetings.tests.factories import PDF_BYTES

    pack = Pack(meeting=world["published"], kind="restricted", status="ready", page_count=1, built_at=timezone.now())
    pack.file.save("r.pdf", ContentFile(PDF_BYTES))
    assert _count(_home(client, people[roles.MEMBER]), "new-papers") == 2
    outsider = make_user(roles.MEMBER)
    assert _count(_home(client, outsider), "new-papers") == 0  # not their committee: nothing waits for them
    # ... though they may still open its public pack (the count is what waits for them, not what they may read)
    client.force_login(outsider)
    assert client.get(reverse("meetings:pack_download", args=[world["published"].pk, "public"])).status_code == 200


def test_download_marks_the_pack_read(client, people, world):
    member = people[roles.MEMBER]
    client.force_login(member)
    answer = client.get(reverse("meetings:pack_download", args=[world["published"].pk, "public"]))
    assert answer.status_code == 200
    b"".join(answer.streaming_content) if answer.streaming else answer.content
    assert PackRead.objects.filter(user=member, pack=world["pack"]).exists()
    assert _count(client.get(reverse("home")).content.decode(), "new-papers") == 0
    world["pack"].built_at = timezone.now() + datetime.timedelta(seconds=1)  # rebuilt since: new again
    world["pack"].save(update_fields=["built_at"])
    assert _count(client.get(reverse("home")).content.decode(), "new-papers") == 1


def test_pack_read_mark_one_row_never_back(people, world):
    member, pack = people[roles.MEMBER], world["pack"]
    later = timezone.now() + datetime.timedelta(hours=1)
    pack_read_mark(member, pack, at=later)
    pack_read_mark(member, pack, at=later - datetime.timedelta(hours=2))
    assert PackRead.objects.get(user=member, pack=pack).read_at == later
    from django.contrib.auth.models import AnonymousUser

    assert pack_read_mark(AnonymousUser(), pack) is None


@pytest.mark.parametrize("role", [roles.OFFICER, roles.CHAIR, roles.MEMBER, roles.DHR_CLEARED])
def test_home_queries_constant(client, make_user, role):
    """Each role's home page: the same number of queries for a small world and one with 30 more of everything."""
    counts = []
    for extra in (0, 30):
        users = {r: make_user(r) for r in (roles.OFFICER, roles.CHAIR, roles.MEMBER, roles.DHR_CLEARED)}
        home_world(
            officer=users[roles.OFFICER],
            chair=users[roles.CHAIR],
            member=users[roles.MEMBER],
            dhr_user=users[roles.DHR_CLEARED] if extra == 0 else None,
        ) if extra == 0 else _grow(users, extra)
        client.force_login(users[role])
        if role == roles.DHR_CLEARED:
            otp_verify(client, users[role])
        counts.append(count_queries(client, reverse("home")))
    assert counts[0] == counts[1], counts


def _grow(users, extra):
    home_world(
        officer=users[roles.OFFICER], chair=users[roles.CHAIR], member=users[roles.MEMBER], extra=extra, tag=" 2"
    )
    dhr_things(users[roles.DHR_CLEARED], timezone.localdate(), extra, year=2024)


@pytest.mark.parametrize("key", ["agendas-to-prepare", "actions-overdue", "bids-to-record", "new-papers"])
def test_list_queries_constant(client, people, key):
    home_world(officer=people[roles.OFFICER], chair=people[roles.CHAIR], member=people[roles.MEMBER])
    role = roles.MEMBER if key == "new-papers" else roles.OFFICER
    client.force_login(people[role])
    small = count_queries(client, f"/home/{key}/")
    home_world(
        officer=people[roles.OFFICER], chair=people[roles.CHAIR], member=people[roles.MEMBER], extra=20, tag=" 2"
    )
    assert count_queries(client, f"/home/{key}/") == small


@pytest.mark.parametrize("value", ["99999999999999999999", "-1", "1.5", "\x00", "<script>"])
def test_filter_junk_is_named_never_a_500(client, people, world, value):
    client.force_login(people[roles.OFFICER])
    for key, field in (
        ("agendas-to-prepare", "committee"),
        ("bids-to-record", "grant_year"),
        ("plan-updates", "priority"),
    ):
        answer = client.get(f"/home/{key}/", {field: value})
        assert answer.status_code == 200
        assert "from the list" in answer.content.decode() or value == "\x00"  # a control character is dropped


def test_agendas_to_prepare_keep_agreed_and_returned_until_published(client, people, world):
    """An agenda the chair agreed still has to be published before its deadline, so it stays on the officer's list;
    a draft the chair returned says so; one with the chair is on the other list, a published one on none."""
    from meetings.chair_agreement import RETURN, SEND
    from meetings.models import MeetingStatusChange
    from meetings.tests.factories import MeetingFactory

    now = timezone.now()
    agreed = MeetingFactory(
        committee=world["committee"],
        status="agenda_agreed",
        agenda_agreed_at=now,
        starts_at=now + datetime.timedelta(9),
    )
    returned = MeetingFactory(committee=world["committee"], starts_at=now + datetime.timedelta(days=12))
    for action, to in ((SEND, "with_chair"), (RETURN, "draft")):
        MeetingStatusChange.objects.create(meeting=returned, action=action, from_status="draft", to_status=to)
    client.force_login(people[roles.OFFICER])
    answer = client.get("/home/agendas-to-prepare/")
    rows = {row[0].text: [cell.text for cell in row] for row in answer.context["rows"]}
    assert set(rows) == {str(agreed), str(returned), str(world["draft"])}
    assert rows[str(agreed)][-1] == "Agenda agreed by the chair"
    assert rows[str(returned)][-1] == "Returned by the chair"
    assert rows[str(world["draft"])][-1] == "Draft"
    assert _count(_home(client, people[roles.OFFICER]), "agendas-to-prepare") == 3


def test_vice_chair_agrees_while_no_chair_is_in_office(client, people, world, make_user):
    """The vice-chair takes the chair's place while the committee has no chair in office (the demo's KCSP, as its
    2022 papers: Mr Rivers, Vice-Chairman): their committee's drafts are theirs to agree; not while a chair is."""
    from kcsp.tests.factories import PersonFactory
    from meetings.models import OfficeTerm

    vice = make_user(roles.CHAIR)
    OfficeTerm.objects.create(
        committee=world["committee"],
        person=PersonFactory(user=vice, surname="Vice"),
        office="vice_chair",
        starts_on=datetime.date(2020, 1, 1),
    )
    assert _count(_home(client, vice), "agendas-to-agree") == 1  # only the one sent to the chair
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    OfficeTerm.objects.filter(committee=world["committee"], office="chair").update(ends_on=yesterday)
    assert _count(_home(client, vice), "agendas-to-agree") == 2  # and the committee's draft
    assert _count(_home(client, people[roles.CHAIR]), "agendas-to-agree") == 1  # the former chair: only the one sent


def test_a_bid_is_named_once(client, people, world):
    client.force_login(people[roles.CHAIR])
    bid = world["recommended_bid"]
    rows = client.get("/home/bids-to-decide/").context["rows"]
    assert [row[0].text for row in rows] == [f"{bid.reference} {bid.title}".strip()]
