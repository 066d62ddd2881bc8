"""The site's navigation, declared once: each entry names the permission that shows it."""

from dataclasses import dataclass

from django.urls import reverse


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
    NavItem("Administration", "admin:index", permission="kcsp.use_admin"),
    NavItem("Sign in", "login", anonymous_only=True),
]


def items_for(user, current_path: str = "") -> list[dict]:
    """The entries this user may use, each marked current when the page is under it."""
    signed_in = getattr(user, "is_authenticated", False)
    visible = []
    for item in NAV_ITEMS:
        if item.anonymous_only and signed_in:
            continue
        if item.permission and not user.has_perm(item.permission):
            continue
        url = reverse(item.url_name)
        is_current = current_path == url if url == "/" else current_path.startswith(url)
        visible.append({"label": item.label, "url": url, "current": is_current})
    return visible
