"""Property tests: every form in the project, fed generated text, numbers and dates through its view as a
role allowed to use it, never fails with a server error; what it refuses, it refuses with a message and
without changing anything. The feeds and lists take generated query strings without a server error.
"""

import pytest
from django.apps import apps
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kcsp.home_lists import LISTS as HOME_LISTS

from .test_every_page import allowed_role, url_for
from .test_permission_matrix import (  # noqa: F401  (fixtures)
    ANONYMOUS,
    ROUTES,
    clients,
    matrix_world,
    objects,
    users,
)

pytestmark = pytest.mark.django_db
EXAMPLES = 10
# Signing in (axes' attempt log, sessions) is meant to record a refused try, and the DHR access log records
# every look at DHR material, a form shown again with its errors included; everything else must not change.
UNCOUNTED_APPS = {"axes", "sessions"}
UNCOUNTED_TABLES = {"dhr_accesslog"}
TEXT = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=40)
NUMBERS = st.one_of(st.integers(-(10**15), 10**15), st.decimals(allow_nan=True, places=3)).map(str)
JUNK = st.sampled_from(["", " ", "0", "-1", "31", "13", "2022", "99999999999999999999", "1e400", "NaN", "<script>"])


def count_rows() -> tuple:
    """Rows in every table the project owns, history tables included, in one query."""
    tables = sorted(
        model._meta.db_table
        for model in apps.get_models()
        if model._meta.app_label not in UNCOUNTED_APPS
        and model._meta.managed
        and model._meta.db_table not in UNCOUNTED_TABLES
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(f'(SELECT count(*) FROM "{table}")' for table in tables))
        return dict(zip(tables, cursor.fetchone(), strict=True))


def inputs(form) -> dict[str, list[str]]:
    """Each name the form posts, with the values its widget offers (choices), if any."""
    names = {}
    for bound in form:
        for sub in bound.subwidgets:
            data = sub.data
            offered = [str(data["value"])] if data.get("type") in ("radio", "checkbox") else []
            names.setdefault(data["name"], []).extend(v for v in offered if v not in ("", "None"))
        for suffix in getattr(bound.field.widget, "widgets_names", ()):  # a date's day, month and year boxes
            names.pop(bound.html_name, None)
            names.setdefault(bound.html_name + suffix, [])
        if hasattr(bound.field, "choices") and not names.get(bound.html_name):
            names.setdefault(bound.html_name, []).extend(str(v) for v, _ in bound.field.choices if str(v))
    return names


def value_for(offered: list[str]):
    options = [TEXT, NUMBERS, JUNK]
    if offered:
        options.append(st.sampled_from(offered))
    return st.one_of(*options)


# Pages whose forms post to another URL: that URL is fuzzed under its own name (grants:queue_decide).
POSTS_ELSEWHERE = {"grants:queue"}
# Forms sent by GET (filters): fuzzed as query strings, and must change nothing at all.
GET_FORMS = {
    "search:search",
    "meetings:action_log",
    "meetings:forward_plan",
    "agreement:version_detail",
    *(w.url_name for w in HOME_LISTS),
}
# Forms that answer success with a page of their own rather than a redirect (a new token is shown once).
SUCCESS_PAGES = {"tokens:api_token_create": "Your new API token", "two_factor_backup_codes": "Your backup codes"}


def form_routes():
    return [
        (name, route)
        for name, route in sorted(ROUTES.items())
        if route.method == "get" and not name.startswith("admin:") and name not in POSTS_ELSEWHERE
    ]


def poster(name, url, client, names):
    @settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(data=st.fixed_dictionaries({n: value_for(v) for n, v in names.items()}))
    def post(data):
        before = count_rows()
        if name in GET_FORMS:
            response = client.get(url, data)
            assert response.status_code == 200, f"{name}: {response.status_code} for {data!r}"
            assert count_rows() == before, f"{name} changed rows for {data!r}"
            return
        response = client.post(url, data)  # an exception in the view fails the test here
        assert response.status_code in (200, 302, 404), f"{name}: {response.status_code} for {data!r}"
        if response.status_code == 200 and SUCCESS_PAGES.get(name, "\0") in response.content.decode():
            return
        if response.status_code == 200:
            assert "There is a problem" in response.content.decode(), f"{name}: refused without a message"
            after = count_rows()
            changed = {t: (before[t], after[t]) for t in before if before[t] != after[t]}
            assert not changed, f"{name} refused {data!r} but changed {changed}"

    return post


def test_no_generated_form_input_breaks_a_view_or_changes_anything_it_refuses(objects, clients, capsys):  # noqa: F811
    checked = []
    for name, route in form_routes():
        client = clients[allowed_role(route)]
        url = url_for(name, route, objects)
        page = client.get(url)
        form = page.context.get("form") if page.status_code == 200 and page.context else None
        if form is None:
            continue
        names = inputs(form)
        checked.append(name)

        poster(name, url, client, names)()
    assert len(checked) >= 25, checked
    with capsys.disabled():
        print(f"\nform properties: {len(checked)} forms x {EXAMPLES} generated posts each")


QUERY = st.dictionaries(
    st.sampled_from(
        ["page", "committee", "year", "q", "kind", "from", "sort", "format", "grant_year", "priority", "area"]
    ),
    st.one_of(TEXT, NUMBERS, JUNK),
    max_size=3,
)


def fetcher(name, url, client):
    @settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(query=QUERY)
    def fetch(query):
        response = client.get(url, query)
        assert response.status_code in (200, 404), f"{name}: {response.status_code} for {query!r}"
        if name == "meetings:ical" and response.status_code == 200:
            assert response.content.startswith(b"BEGIN:VCALENDAR")

    return fetch


def test_feeds_status_and_lists_take_any_query_string(objects, clients):  # noqa: F811
    feeds = ["meetings:ical", "meetings:pack_status", "meetings:calendar", "agreement:agreement_list", "home"]
    feeds += ["organisation_list", "person_list", "meetings:committee_list", "agreement:exception_report"]
    feeds += [waiting.url_name for waiting in HOME_LISTS]  # the home page's waiting lists and their filters
    for name in feeds:
        route = ROUTES[name]
        client, url = clients[allowed_role(route)], url_for(name, route, objects)

        fetcher(name, url, client)()
