"""A page of search results cached per viewer (search/views.py, kcsp/fragments.py, issue 18): viewers with other rights
never get another's copy, any committed change is seen at once, and a cached page makes no search queries."""

import pytest
from django.test import Client

from kcsp import roles
from kcsp.testing import count_queries
from meetings.tests.factories import AgendaItemFactory

from .test_search import URL, result_count, world  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db


def titles(response) -> list[str]:
    return [hit.title for hit in response.context["hits"]]


def test_viewers_with_other_rights_never_share_a_cached_page(world, make_user, fragments_on):  # noqa: F811
    public, member, other = Client(), Client(), Client()
    member.force_login(world["member"])
    other.force_login(make_user(roles.MEMBER))  # a member of no committee: the public's rights, another account
    assert result_count(public.get(URL, {"q": "zebrafish"})) == 1  # cached for the public first
    seen = member.get(URL, {"q": "zebrafish"})
    assert result_count(seen) == 3 and "D1 Zebrafish exploitation case" in titles(seen)
    for client in (public, other):
        response = client.get(URL, {"q": "zebrafish"})
        assert result_count(response) == 1 and "exploitation" not in response.content.decode()


def test_a_committed_change_is_found_at_once_and_a_cached_page_runs_no_search(
    world,  # noqa: F811
    fragments_on,
    django_capture_on_commit_callbacks,
):
    public = Client()
    url = f"{URL}?q=zebrafish"
    count_queries(public, url)  # asked once: searched, only marked (and the committee list stored)
    searched = count_queries(public, url)  # asked again: searched and stored
    assert count_queries(public, url) < searched
    with django_capture_on_commit_callbacks(execute=True):
        AgendaItemFactory(meeting=world["meeting"], section="B", position=2, title="Zebrafish habitat")
    response = public.get(url)
    assert result_count(response) == 2 and "B2 Zebrafish habitat" in titles(response)
