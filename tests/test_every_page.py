"""Every URL, walked like the permission matrix: no POST without a CSRF token, no inline script or style.

The Content-Security-Policy forbids inline code; this proves no page relies on it, and that every form
that posts carries its token (and that the server refuses a post without one).
"""

import re

import pytest
from django.test import Client
from django.urls import reverse

from .test_permission_matrix import (  # noqa: F401  (fixtures)
    ANONYMOUS,
    KWARGS,
    ROUTES,
    clients,
    matrix_world,
    objects,
    users,
)

INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I), "an inline <script>"),
    (re.compile(r"<style\b", re.I), "a <style> element"),
    (re.compile(r"<[a-z][^>]*\sstyle\s*=", re.I), "a style attribute"),
    (re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I), "an on...= event handler"),
    (re.compile(r"javascript:", re.I), "a javascript: URL"),
]
POST_FORM = re.compile(r"<form\b[^>]*method=\"post\"[^>]*>(.*?)</form>", re.I | re.S)


def url_for(name, route, objects):  # noqa: F811
    params = KWARGS[route.kwargs](objects) if route.kwargs else {}
    url = reverse(name, args=params) if isinstance(params, tuple) else reverse(name, kwargs=params)
    return f"{url}?{route.query}" if route.query else url


def allowed_role(route):
    return ANONYMOUS if ANONYMOUS in route.who else sorted(route.who)[0]


@pytest.mark.django_db
def test_no_page_has_inline_script_or_style_and_every_post_form_has_its_token(objects, clients, capsys):  # noqa: F811
    problems, pages, forms = [], 0, 0
    for name, route in sorted(ROUTES.items()):
        if route.method != "get":
            continue
        url = url_for(name, route, objects)
        response = clients[allowed_role(route)].get(url)
        if not response.get("Content-Type", "").startswith("text/html") or response.status_code != 200:
            continue
        pages += 1
        html = response.content.decode()
        for pattern, what in INLINE:
            if match := pattern.search(html):
                problems.append(f"{url} has {what}: {match.group(0)[:80]}")
        for form in POST_FORM.findall(html):
            forms += 1
            if 'name="csrfmiddlewaretoken"' not in form:
                problems.append(f"{url} has a POST form without a CSRF token")
    assert not problems, "\n".join(problems)
    assert pages > 60 and forms > 60
    with capsys.disabled():
        print(f"\nevery page: {pages} HTML pages, {forms} POST forms checked for inline code and CSRF tokens")


@pytest.mark.django_db
def test_every_url_refuses_a_post_without_a_csrf_token(objects, users):  # noqa: F811
    refused = []
    for name, route in sorted(ROUTES.items()):
        role = allowed_role(route)
        client = Client(enforce_csrf_checks=True)
        if role != ANONYMOUS:
            client.force_login(users[role])
        response = client.post(url_for(name, route, objects), {"anything": "x"})
        if name.startswith("api:") and response.status_code == 405:
            continue  # the read-only API (DRF, no session auth, so CSRF-exempt) takes no POST at all: 405 problem
        if response.status_code != 403 or "Your form could not be sent" not in response.content.decode():
            refused.append(f"{name}: {response.status_code}")
    assert not refused, "POST without a token was not refused with the CSRF page:\n" + "\n".join(refused)
