"""Issue 18, adversarial review of the caches: the public page cache and the fragments of signed-in pages
(kcsp/pagecache.py, kcsp/fragments.py). Each test passes when the product is right: restricted material, one
viewer's personal content or a stale view never reaches anyone it must not, and no made-up request fills Redis.

Fragments and the page cache are switched on here; writes commit (django_capture_on_commit_callbacks) so the
generation moves on as it does in production."""

import datetime

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kcsp import pagecache
from kcsp.tests.test_fragments import SECRET, restricted_agenda  # noqa: F401 - the fixture
from meetings.models import Membership
from meetings.tests.factories import AgendaItemFactory, CommitteeFactory, published_meeting

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def stored_keys(pattern: str) -> int:
    """How many values (markers of a first asking aside) of the cache's Redis database match `pattern` (a Django
    cache key, before make_key)."""
    client = cache._cache.get_client()
    return len([key for key in client.keys(cache.make_key(pattern)) if not key.endswith(b":asked")])


# --- Rights that change with time alone, with no write to move the generation on ---------------------------------


def test_a_membership_ending_at_midnight_closes_the_cached_restricted_agenda(
    fragments_on,
    restricted_agenda,  # noqa: F811 - the fixture
    monkeypatch,
):
    """Membership.objects.current() reads today's date: the day after ends_on the member's rights differ though
    nothing was written, so the cached agenda (keyed on their rights then) must not be served."""
    meeting, member = restricted_agenda
    membership = Membership.objects.get(person__user=member, committee=meeting.committee)
    today = timezone.localdate()
    membership.ends_on = today
    membership.save()
    client = signed_in(member)
    assert SECRET in text(client.get(meeting.get_absolute_url()))
    assert SECRET in text(client.get(meeting.get_absolute_url())), "from the fragment"
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: today + datetime.timedelta(days=1))
    shown = text(client.get(meeting.get_absolute_url()))
    assert "Road safety update" in shown
    assert SECRET not in shown


def test_a_role_taken_away_closes_the_cached_agenda_at_once(
    fragments_on,
    restricted_agenda,  # noqa: F811 - the fixture
    django_capture_on_commit_callbacks,
):
    meeting, member = restricted_agenda
    client = signed_in(member)
    assert SECRET in text(client.get(meeting.get_absolute_url()))
    with django_capture_on_commit_callbacks(execute=True):
        member.groups.clear()
    assert SECRET not in text(client.get(meeting.get_absolute_url()))


# --- Made-up query strings must not fill Redis ---------------------------------------------------------------------


def test_made_up_plan_filters_do_not_each_store_a_fragment(fragments_on, make_user):
    """The plan page's body is cached per filter values read from the query string; a value no filter offers (a
    made-up priority or lead) must not make a fragment of its own, or anyone can fill Redis with plan pages."""
    from agreement.tests.factories import agreement_world

    world = agreement_world()
    version = world["published_version"]
    public = Client()
    generation = pagecache._generation()
    before = stored_keys(f"fragment:{generation}:plan-body:*")
    for n in range(20):
        response = public.get(f"{version.get_absolute_url()}?priority={900000 + n}&lead=zz{n}")
        assert response.status_code in (200, 404)
    assert stored_keys(f"fragment:{generation}:plan-body:*") - before == 0, "a made-up value is built, not cached"
    for junk in ("?overdue=yes", "?overdue=1", "?overdue=on", "?view=full", "?view=abc", ""):
        assert public.get(f"{version.get_absolute_url()}{junk}").status_code == 200
    assert stored_keys(f"fragment:{generation}:plan-body:*") - before == 2, "as the page reads them: two pages"

    from kcsp.testing import count_queries

    url = f"{version.get_absolute_url()}?priority={world['first'].pk}"
    built = count_queries(public, url)
    assert count_queries(public, url) < built, "a filter the page offers is cached as before"


# --- The public page cache never stores one visitor's CSRF token for others ---------------------------------------


@pytest.mark.parametrize("url_name", ["password_reset", "login"])
def test_a_visitors_csrf_token_is_never_served_to_another_from_the_page_cache(page_cache_on, url_name):
    """A visitor who already holds a CSRF cookie gets a form carrying their token and no Set-Cookie: a page cache
    storing that page would hand their token to everyone after them (whose forms then fail, and who learn it)."""
    url = reverse(url_name)
    first = Client(enforce_csrf_checks=True)
    first.get(url)  # sets the csrftoken cookie
    assert "csrftoken" in first.cookies
    text(first.get(url))  # with the cookie: no Set-Cookie on this one
    second = Client(enforce_csrf_checks=True)
    page = text(second.get(url))
    assert "csrftoken" in second.cookies, "the second visitor got a cached page that set no CSRF cookie"
    import re

    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = second.post(url, {"csrfmiddlewaretoken": token, "email": "nobody@test.example"})
    assert response.status_code != 403, "the cached form's token does not work for the visitor given it"


def test_made_up_search_page_numbers_do_not_each_store_a_page_of_results(fragments_on):
    """A page of search results is cached per typed text, filters and page; a page number nobody could be shown
    ("0", "007", 5000, junk) must not make an entry of its own, nor must the order of the kind boxes."""
    meeting = published_meeting(committee=CommitteeFactory(is_public=True))
    AgendaItemFactory(meeting=meeting, section="B", position=1, title="Road safety update")
    public = Client()
    search = reverse("search:search")
    pattern = f"fragment:{pagecache._generation()}:search:*"
    for _ in range(2):  # a page of results is stored when asked for again
        for page in ["", "1", "abc", "x1", "0", "007", "5000", "99999999999", "-1"]:
            assert public.get(search, {"q": "road safety", "page": page}).status_code == 200
    assert stored_keys(pattern) == 2, "no page (junk reads as none) and page 1: the two pages shown"
    public.get(search, {"q": "road", "kind": ["item", "paper"]})
    public.get(search, {"q": "road", "kind": ["paper", "item"]})
    assert stored_keys(pattern) == 3


def test_made_up_search_texts_leave_markers_not_pages_of_results(fragments_on):
    """Every different text is a different search: asked once, it leaves only a marker of a few bytes, so a stream
    of made-up texts cannot fill the cache with pages of results; a search asked again is stored."""
    meeting = published_meeting(committee=CommitteeFactory(is_public=True))
    AgendaItemFactory(meeting=meeting, section="B", position=1, title="Road safety update")
    public = Client()
    search = reverse("search:search")
    pattern = f"fragment:{pagecache._generation()}:search:*"
    for n in range(25):
        assert public.get(search, {"q": f"road safety {n}x"}).status_code == 200
    assert stored_keys(pattern) == 0
    client = cache._cache.get_client()
    markers = client.keys(cache.make_key(pattern))
    assert len(markers) == 25 and all(len(client.get(key) or b"") < 16 for key in markers)
    public.get(search, {"q": "road safety 3x"})
    assert stored_keys(pattern) == 1
