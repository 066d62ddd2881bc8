"""kcsp/rules_backend.py: a permission defined as a rule is decided by its rule alone, at no query of its own."""

import pytest
import rules
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import user_make
from kcsp import roles

pytestmark = pytest.mark.django_db


def test_no_database_permission_shares_a_rules_name():
    """What makes the backend's "no" safe: ModelBackend could never have granted a rule's permission."""
    rows = Permission.objects.values_list("content_type__app_label", "codename")
    names = {f"{app}.{codename}" for app, codename in rows}
    shared = sorted(name for name in names if rules.perm_exists(name))
    assert shared == []


def test_a_rule_saying_no_reads_no_database_permissions():
    member = user_make(roles.MEMBER)
    roles.role_names(member)  # one query per request, shared by every rule
    with CaptureQueriesContext(connection) as captured:
        assert not member.has_perm("meetings.manage")
        assert not member.has_perm("kcsp.use_admin")
        assert member.has_perm("kcsp.view_directory")
    assert captured.captured_queries == []


def test_rules_still_grant_and_the_admin_keeps_its_database_permissions():
    officer, admin = user_make(roles.OFFICER), user_make(roles.ADMIN)
    assert officer.has_perm("meetings.manage")
    assert admin.has_perm("kcsp.change_organisation"), "a database permission of the admin role (not a rule)"
    assert not officer.has_perm("kcsp.change_organisation")
    assert user_make(None, is_superuser=True).has_perm("meetings.manage")
