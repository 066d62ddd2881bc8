"""The role helper allows and refuses correctly for every role."""

import pytest
from django.contrib.auth.models import AnonymousUser

from kcsp import roles

PREDICATES = {
    roles.MEMBER: roles.is_member,
    roles.OFFICER: roles.is_officer,
    roles.CHAIR: roles.is_chair,
    roles.DHR_CLEARED: roles.is_dhr_cleared,
    roles.ADMIN: roles.is_admin,
    roles.DPO: roles.is_dpo,
}


@pytest.mark.django_db
@pytest.mark.parametrize("held", roles.ALL_ROLES)
def test_each_role_is_allowed_its_own_role_and_refused_every_other(held, make_user):
    user = make_user(held)
    for asked in roles.ALL_ROLES:
        assert roles.has_role(user, asked) is (asked == held), (held, asked)
        assert PREDICATES[asked](user) is (asked == held), (held, asked)


@pytest.mark.django_db
def test_any_of_several_roles_is_enough(make_user):
    chair = make_user(roles.CHAIR)
    assert roles.has_role(chair, roles.OFFICER, roles.CHAIR)
    assert not roles.has_role(chair, roles.OFFICER, roles.MEMBER)


@pytest.mark.django_db
def test_user_without_groups_anonymous_and_inactive_hold_no_role(make_user):
    nobody = make_user()
    switched_off = make_user(roles.ADMIN, is_active=False)
    for user in (nobody, AnonymousUser(), switched_off):
        assert roles.role_names(user) == frozenset()
        assert not roles.has_role(user, *roles.ALL_ROLES)


@pytest.mark.django_db
def test_groups_that_are_not_roles_grant_nothing(make_user):
    from django.contrib.auth.models import Group

    user = make_user()
    user.groups.add(Group.objects.create(name="newsletter"))
    assert roles.role_names(user) == frozenset()


def test_unknown_role_name_is_an_error_not_a_silent_refusal():
    with pytest.raises(ValueError, match="Unknown role"):
        roles.has_role(AnonymousUser(), "superhero")


@pytest.mark.django_db
def test_migrate_creates_every_role_group_and_admin_gets_reference_data_permissions():
    from django.contrib.auth.models import Group

    assert set(Group.objects.filter(name__in=roles.ALL_ROLES).values_list("name", flat=True)) == set(roles.ALL_ROLES)
    admin_perms = set(Group.objects.get(name=roles.ADMIN).permissions.values_list("codename", flat=True))
    assert {"change_organisation", "add_person", "view_user"} <= admin_perms
    for other in (roles.MEMBER, roles.OFFICER, roles.CHAIR, roles.DHR_CLEARED):
        assert not Group.objects.get(name=other).permissions.exists()


@pytest.mark.django_db
def test_the_dpo_sees_dhr_records_only_when_also_cleared_and_verified(make_user):
    """Issue 20: disposal lists and subject-access packages show DHR records only to a DHR-cleared DPO with a code."""
    dpo, cleared = make_user(roles.DPO), make_user(roles.DHR_CLEARED)
    both = make_user(roles.DPO)
    both.groups.add(*cleared.groups.all())
    both._kcsp_role_names = None
    for user in (dpo, cleared, both):
        user.is_verified = lambda: True
    assert roles.dpo_sees_dhr(both)
    assert not roles.dpo_sees_dhr(dpo) and not roles.dpo_sees_dhr(cleared)
    both.is_verified = lambda: False
    assert not roles.dpo_sees_dhr(both)
