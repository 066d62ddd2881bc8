"""The navigation on every page: the entries each viewer may use, at no query of its own beyond the role names."""

import pytest
import rules
from django.contrib.auth.models import AnonymousUser, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import user_make
from kcsp import roles
from kcsp.navigation import NAV_ITEMS, items_for
from kcsp.testing import otp_verify

pytestmark = pytest.mark.django_db
NAMED = [item.permission for item in NAV_ITEMS if item.permission]


def labels(user) -> list[str]:
    return [entry["label"] for entry in items_for(user, "/meetings/3/")]


def test_every_navigation_permission_is_a_rule_and_no_database_permission():
    """What lets navigation ask django-rules alone: `user.has_perm` could add nothing for these names."""
    for name in NAMED:
        assert rules.perm_exists(name), name
        app_label, codename = name.split(".")
        assert not Permission.objects.filter(content_type__app_label=app_label, codename=codename).exists(), name


@pytest.mark.parametrize("role", [None, *roles.ALL_ROLES])
def test_navigation_matches_has_perm_for_every_role(role):
    user = user_make(role)
    shown = [item for item in NAV_ITEMS if not item.anonymous_only]
    expected = [item.label for item in shown if not item.permission or user.has_perm(item.permission)]
    assert labels(user) == expected
    assert "Sign in" not in labels(user)


def test_anonymous_superuser_and_inactive_user():
    assert labels(AnonymousUser()) == ["Home", "Meetings", "Action plan", "Grants", "Sign in"]
    superuser = user_make(None, is_superuser=True)
    assert labels(superuser) == [item.label for item in NAV_ITEMS if not item.anonymous_only]
    retired = user_make(roles.ADMIN, is_active=False)
    assert labels(retired) == ["Home", "Meetings", "Action plan", "Grants"]


def test_reviews_only_after_the_code(client):
    user = user_make(roles.DHR_CLEARED)
    client.force_login(user)
    assert "Reviews" not in [e["label"] for e in client.get("/accessibility/").context["nav_items"]]
    otp_verify(client, user)
    nav = client.get("/accessibility/").context["nav_items"]
    assert "Reviews" in [e["label"] for e in nav]
    assert [e["label"] for e in nav if e["current"]] == []


def test_current_entry():
    user = user_make(roles.MEMBER)
    assert [e["label"] for e in items_for(user, "/meetings/3/") if e["current"]] == ["Meetings"]
    assert [e["label"] for e in items_for(user, "/") if e["current"]] == ["Home"]


def test_navigation_reads_only_the_role_names_once():
    """Role names are one query per request, shared with the page; nothing else (no ModelBackend permissions)."""
    for role in [None, *roles.ALL_ROLES]:
        user = user_make(role)
        with CaptureQueriesContext(connection) as captured:
            items_for(user, "/")
            items_for(user, "/meetings/")
        assert len(captured.captured_queries) == 1, (role, [q["sql"] for q in captured.captured_queries])
