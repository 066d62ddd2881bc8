"""The public page cache: anonymous pages come from it until any record changes; signed-in pages never do."""

import pytest
from django.test import Client

from kcsp import pagecache, roles
from kcsp.testing import count_queries
from kcsp.tests.factories import PersonFactory
from meetings.tests.factories import AgendaItemFactory, MembershipFactory, published_meeting

pytestmark = pytest.mark.django_db


@pytest.fixture
def cached(settings, django_capture_on_commit_callbacks):
    settings.PAGE_CACHE_SECONDS = 60
    with django_capture_on_commit_callbacks(execute=True):
        pagecache.generation_bump()  # start from pages no other test stored


def test_an_anonymous_page_is_served_from_the_cache_until_a_record_changes(cached, django_capture_on_commit_callbacks):
    meeting = published_meeting()
    AgendaItemFactory(meeting=meeting, section="B", position=1, title="Knife crime update")
    url = meeting.get_absolute_url()
    visitor = Client()
    assert count_queries(visitor, url) > 0
    assert count_queries(visitor, url) == 0, "the second visit should come from the cache"
    with django_capture_on_commit_callbacks(execute=True):
        AgendaItemFactory(meeting=meeting, section="B", position=2, title="Road safety update")
    page = visitor.get(url).content.decode()
    assert "Road safety update" in page, "a change must empty the cache at once"


def test_a_signed_in_visit_neither_uses_nor_fills_the_cache(cached, make_user):
    member = make_user(roles.MEMBER)
    meeting = published_meeting()
    MembershipFactory(committee=meeting.committee, person=PersonFactory(user=member))
    AgendaItemFactory(  # its title withheld: visitors see "Restricted item", the member the title
        meeting=meeting,
        section="D",
        position=1,
        title="Exploitation case",
        restriction_reason="exploitation",
        title_withheld=True,
    )
    url = meeting.get_absolute_url()
    assert "Exploitation case" not in Client().get(url).content.decode()  # stored for visitors
    signed_in = Client()
    signed_in.force_login(member)
    assert "Exploitation case" in signed_in.get(url).content.decode()
    assert count_queries(signed_in, url) > 0
    assert "Exploitation case" not in Client().get(url).content.decode()


def test_pages_that_set_cookies_or_carry_a_token_are_not_stored(cached):
    first = Client().get("/account/sign-in/")
    second = Client().get("/account/sign-in/")
    assert first.cookies["csrftoken"].value != second.cookies["csrftoken"].value, "a CSRF page was shared"
    api = Client(HTTP_AUTHORIZATION="Bearer nonsense")
    api.get("/accessibility/")
    assert count_queries(api, "/accessibility/") == count_queries(api, "/accessibility/")
    assert not pagecache._cacheable_request(api.get("/accessibility/").wsgi_request)


class BrokenCache:
    def __getattr__(self, name):
        def fail(*args, **kwargs):
            raise ConnectionError("cache down")

        return fail


def test_pages_are_built_and_records_saved_when_the_cache_is_down(cached, monkeypatch, make_user):
    monkeypatch.setattr(pagecache, "cache", BrokenCache())
    assert Client().get("/accessibility/").status_code == 200
    assert Client().get("/meetings/").status_code == 200
    pagecache.generation_bump()  # a write with the cache down is not stopped
    assert make_user(roles.MEMBER).pk


def test_answers_asking_to_stay_private_are_never_stored(cached):
    from django.http import HttpResponse

    private = HttpResponse("feed")
    private["Cache-Control"] = "private, no-store"
    assert not pagecache._storable(private)
    assert pagecache._storable(HttpResponse("public page"))
    status = Client().get("/meetings/")
    assert status.status_code == 200


def _stored_keys(generation: int) -> int:
    from django.core.cache import cache

    client = cache._cache.get_client(None)
    return len(client.keys(cache.make_key(f"pagecache:{generation}:*")))


def test_made_up_query_strings_cannot_fill_the_cache(cached):
    import random
    import string

    generation = pagecache._generation()
    visitor = Client()
    rng = random.Random(13)
    for _ in range(1000):
        name = "".join(rng.choices(string.ascii_letters, k=rng.randint(1, 8)))
        value = "".join(rng.choices(string.printable[:62], k=rng.randint(0, 12)))
        assert visitor.get(f"/accessibility/?{name}={value}").status_code == 200
    for junk in ("page=abc", "page=0", "page=1000", "page=1&page=2", "page=1&x=1", "page=01"):
        visitor.get(f"/accessibility/?{junk}")
    assert _stored_keys(generation) == 0, "no made-up query string may add a key"
    visitor.get("/accessibility/")
    visitor.get("/accessibility/?page=2")
    visitor.get("/accessibility/?page=2")
    assert _stored_keys(generation) == 2, "the bare page and one page number: one key each"


def test_the_page_cache_has_its_own_redis_database_by_default():
    from kcsp.settings.base import redis_next_database

    assert redis_next_database("redis://127.0.0.1:6379/0") == "redis://127.0.0.1:6379/1"
    assert redis_next_database("redis://:secret@cache.internal:6380") == "redis://:secret@cache.internal:6380/1"
    assert redis_next_database("redis://h:6379/15") == "redis://h:6379/0"


def test_every_kind_of_write_moves_the_generation_on_but_quiet_tables_do_not(
    cached, django_capture_on_commit_callbacks
):
    """The choke point is the connection (pagecache.write_watch), not model signals: QuerySet.update() and raw
    SQL count; a member's place in a pack (a quiet table) does not."""
    from django.db import connection

    from meetings.models import Meeting, PackRead

    meeting = published_meeting()
    before = pagecache._generation()
    with django_capture_on_commit_callbacks(execute=True):
        Meeting.objects.filter(pk=meeting.pk).update(contact_name="Renamed by update()")
    after_update = pagecache._generation()
    assert after_update > before, "QuerySet.update() left stored pages in place"
    with django_capture_on_commit_callbacks(execute=True), connection.cursor() as cursor:
        cursor.execute("UPDATE meetings_meeting SET contact_name = %s WHERE id = %s", ["Raw", meeting.pk])
    after_raw = pagecache._generation()
    assert after_raw > after_update, "raw SQL left stored pages in place"
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        PackRead.objects.filter(pk=-1).update(last_page=3)
    assert pagecache._generation() == after_raw and not callbacks, "a quiet table emptied the cache"
