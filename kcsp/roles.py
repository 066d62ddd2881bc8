"""The partnership's roles, held as groups, and the one place every app asks about them."""

import rules
from django.contrib.auth.models import Group, Permission

MEMBER = "member"
OFFICER = "officer"
CHAIR = "chair"
DHR_CLEARED = "dhr_cleared"
ADMIN = "admin"
DPO = "dpo"
ALL_ROLES = (MEMBER, OFFICER, CHAIR, DHR_CLEARED, ADMIN, DPO)

ROLE_LABELS = {
    MEMBER: "Member",
    OFFICER: "Officer",
    CHAIR: "Chair",
    DHR_CLEARED: "DHR-cleared",
    ADMIN: "Administrator",
    DPO: "Data protection officer",
}
ROLE_DESCRIPTIONS = {
    MEMBER: "Partner organisation representative: reads packs, sends apologies, declares interests",
    OFFICER: "Community safety team or democratic services: builds meetings and papers, writes minutes",
    CHAIR: "Agrees agendas, decides grant bids, signs approved minutes",
    DHR_CLEARED: "May see Domestic Homicide Review cases (a small named list)",
    ADMIN: "Manages users, roles and reference data",
    DPO: (
        "Runs retention, disposal and subject access; sees DHR records there only when also DHR-cleared, with a code"
    ),
}

# Models whose reference data the admin role looks after in the Django admin.
ADMIN_MANAGED_MODELS = (("kcsp", "user"), ("kcsp", "organisation"), ("kcsp", "person"))


def role_names(user) -> frozenset:
    """The user's role names, read once per request object and cached on it."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    cached = getattr(user, "_kcsp_role_names", None)
    if cached is None:
        cached = frozenset(user.groups.filter(name__in=ALL_ROLES).values_list("name", flat=True))
        user._kcsp_role_names = cached
    return cached


def has_role(user, *roles: str) -> bool:
    """True when the user is active and holds at least one of the given roles."""
    unknown = set(roles) - set(ALL_ROLES)
    if unknown:
        raise ValueError(f"Unknown role(s): {', '.join(sorted(unknown))}")
    return bool(role_names(user) & set(roles))


@rules.predicate
def is_signed_in(user):
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


@rules.predicate
def has_any_role(user):
    """Signed in and given at least one role: a new account with no role sees only public pages."""
    return bool(role_names(user))


@rules.predicate
def is_member(user):
    return has_role(user, MEMBER)


@rules.predicate
def is_officer(user):
    return has_role(user, OFFICER)


@rules.predicate
def is_chair(user):
    return has_role(user, CHAIR)


@rules.predicate
def is_dhr_cleared(user):
    return has_role(user, DHR_CLEARED)


@rules.predicate
def is_admin(user):
    return has_role(user, ADMIN)


@rules.predicate
def is_dpo(user):
    return has_role(user, DPO)


def is_verified(user) -> bool:
    """Signed in with a second factor in this session (django-otp's middleware sets `is_verified`)."""
    check = getattr(user, "is_verified", None)
    return bool(check and check())


def may_see_dhr(user) -> bool:
    """DHR clearance counts only once the user has confirmed a one-time code in this session."""
    return has_role(user, DHR_CLEARED) and is_verified(user)


@rules.predicate
def is_dhr_verified(user):
    return may_see_dhr(user)


def dpo_sees_dhr(user) -> bool:
    """The data protection officer sees DHR records on the disposal and subject-access pages only when also
    DHR-cleared and verified with a one-time code this session (issue 20)."""
    return has_role(user, DPO) and may_see_dhr(user)


def may_write_dhr_records(user) -> bool:
    """Minutes and declarations of DHR items are written and corrected only by officers who may see DHR
    material (cleared, with a code this session), so whoever writes one can read it back (issue 13 §4)."""
    return has_role(user, OFFICER) and may_see_dhr(user)


def sync_role_groups(**kwargs):
    """Create the role groups after migrate and give the admin role its reference-data permissions."""
    for name in ALL_ROLES:
        Group.objects.get_or_create(name=name)
    admin_group = Group.objects.get(name=ADMIN)
    wanted = Permission.objects.none()
    for app_label, model in ADMIN_MANAGED_MODELS:
        wanted = wanted | Permission.objects.filter(content_type__app_label=app_label, content_type__model=model)
    admin_group.permissions.add(*wanted)
