"""The site's navigation, declared once: each entry names the permission that shows it.

Built on every page (the navigation context processor), so it costs no query of its own beyond the user's role
names (kcsp/roles.py, read once per request and shared with the page): each entry's permission is a rule of
django-rules (the apps' permissions.py), asked of `rules.has_perm` directly. Asking `user.has_perm` would, for
every rule that says no, fall through to Django's ModelBackend and load the user's and their groups' database
permissions (two queries), though no database permission carries these names (kcsp/tests/test_navigation.py
checks both: each name is a rule, and no Permission row has it). An active superuser sees every entry, as
`User.has_perm` gives them.
"""

from dataclasses import dataclass

import rules
from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    permission: str | None = None  # None: everyone, signed in or not
    anonymous_only: bool = False


NAV_ITEMS = [
    NavItem("Home", "home"),
    NavItem("Meetings", "meetings:calendar"),
    NavItem("Action plan", "agreement:agreement_list"),
    NavItem("Grants", "grants:year_list"),
    NavItem("Reviews", "dhr:case_list", permission="dhr.view_cases"),
    NavItem("Committees", "meetings:committee_list", permission="meetings.view_committees"),
    NavItem("Directory", "organisation_list", permission="kcsp.view_directory"),
    NavItem("Your account", "account", permission="kcsp.view_account"),
    NavItem("System status", "system_status", permission="kcsp.view_system_status"),
    NavItem("Data map", "data_map", permission="kcsp.view_data_map"),
    NavItem("Retention schedule", "governance:retention_schedule", permission="governance.view_retention_schedule"),
    NavItem("Disposal", "governance:disposal_lists", permission="governance.review_disposal"),
    NavItem("Subject access", "subject_access:list", permission="governance.make_subject_access"),
    NavItem("Administration", "admin:index", permission="kcsp.use_admin"),
    NavItem("Sign in", "login", anonymous_only=True),
]

_URLS: dict[tuple, tuple[str, ...]] = {}


def nav_urls() -> tuple[str, ...]:
    """NAV_ITEMS' URLs in order, reversed once per URLconf and script prefix (they never change within one)."""
    key = (get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())
    urls = _URLS.get(key)
    if urls is None:
        urls = _URLS[key] = tuple(reverse(item.url_name) for item in NAV_ITEMS)
    return urls


def may_use(user, item: NavItem) -> bool:
    """True when `item` is shown to `user`: the same answer as `user.has_perm(item.permission)` (see above)."""
    if item.permission is None:
        return True
    if getattr(user, "is_active", False) and getattr(user, "is_superuser", False):
        return True
    return rules.has_perm(item.permission, user)


def items_for(user, current_path: str = "") -> list[dict]:
    """The entries this user may use, each marked current when the page is under it.

    Shape: [{"label": str, "url": str, "current": bool}], in NAV_ITEMS' order."""
    signed_in = getattr(user, "is_authenticated", False)
    visible = []
    for item, url in zip(NAV_ITEMS, nav_urls(), strict=True):
        if item.anonymous_only and signed_in:
            continue
        if not may_use(user, item):
            continue
        is_current = current_path == url if url == "/" else current_path.startswith(url)
        visible.append({"label": item.label, "url": url, "current": is_current})
    return visible
