"""The plan page's body and the exception report cached per reader's rights (kcsp/fragments.py, issue 18): a reader
with other rights never gets another's copy, an editor's page (forms with the CSRF token) is never cached, and a
cached page makes fewer queries, as many however big the plan."""

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from agreement import services
from agreement.models import PlanItem
from kcsp import roles
from kcsp.testing import count_queries

from . import test_plan_view
from .test_plan_view import body, shown

pytestmark = pytest.mark.django_db
plan = test_plan_view.plan  # the fixture


def test_readers_with_other_rights_never_share_the_cached_plan(plan, make_user, fragments_on):
    published, item = plan["published_version"], plan["published_item"]
    services.progress_add(item=item, user=plan["officer"], year=2022, quarter=1, status="green", narrative="Public")
    services.progress_add(
        item=item, user=plan["officer"], year=2022, quarter=2, status="red", narrative="Internal", internal=True
    )
    public, member = Client(), Client()
    member.force_login(make_user(roles.MEMBER))
    url = f"{published.get_absolute_url()}?rag=red"
    assert shown(public.get(url)) == []  # cached for the public first
    assert shown(member.get(url)) == ["1.1"], "members see the internal red, not the public's copy"
    assert shown(public.get(url)) == [], "and the public still does not"
    assert "{#" not in public.get(url).content.decode(), "no template note printed on the page"


def test_a_cached_plan_makes_fewer_queries_and_as_many_however_big(plan, make_user, fragments_on):
    published = plan["published_version"]
    member = Client()
    member.force_login(make_user(roles.MEMBER))
    url = published.get_absolute_url()
    built = count_queries(member, url)
    cached = count_queries(member, url)
    assert cached < built
    PlanItem.objects.bulk_create(  # a published version is frozen to the services: grown directly
        PlanItem(version=published, priority=plan["first"], position=50 + n, objective=f"More work {n}")
        for n in range(10)
    )
    cache.clear()
    assert count_queries(member, url) == built and count_queries(member, url) == cached


def test_an_editors_page_is_built_every_time(plan, fragments_on):
    client, url = plan["client"], plan["url"]
    first, second = count_queries(client, url), count_queries(client, url)
    assert first == second, "the draft's cards carry forms with the CSRF token: never cached"
    assert "Move up" in body(client.get(url))


def test_the_exception_report_is_cached_and_its_queries_do_not_grow(plan, make_user, fragments_on):
    published, item = plan["published_version"], plan["published_item"]
    services.progress_add(item=item, user=plan["officer"], year=2022, quarter=1, status="red", narrative="Late")
    member = Client()
    member.force_login(make_user(roles.MEMBER))
    url = reverse("agreement:exception_report", args=[published.pk])
    assert item.objective in body(member.get(url))
    cache.clear()
    built = count_queries(member, url)
    cached = count_queries(member, url)
    assert cached < built
    PlanItem.objects.bulk_create(
        PlanItem(
            version=published, priority=plan["first"], position=60 + n, objective=f"Late {n}", timescale="March 2023"
        )
        for n in range(10)
    )
    cache.clear()
    assert count_queries(member, url) == built and count_queries(member, url) == cached
