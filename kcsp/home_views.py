"""The home page by role and the waiting lists behind its counts (kcsp/home_lists.py holds the rules).

- Anonymous visitors get the public welcome. A signed-in person gets one panel per role they hold, each a count
  per waiting list linking to /home/<key>/ (a few panels also show their first rows).
- DHR panels and lists pass the one DHR gate (dhr.gate.dhr_gate): counted and shown only once the person has
  entered a one-time code this session, and every such request writes its one access-log row. Before the code the
  home page shows only a link to enter it: no count, nothing loaded.
- The other panels' figures are cached per person, rights and date (kcsp/fragments.py, `panel_entries`), emptied by
  any committed change; LIVE_LISTS are counted afresh.
"""

from urllib.parse import urlencode

from django.contrib.auth.mixins import AccessMixin
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.views.generic import ListView, TemplateView

from . import roles
from .fragments import cached_for_viewer
from .home_filters import WaitingFilterForm
from .home_lists import BY_KEY, LISTS, WaitingList
from .home_rows import ROWS, deadline_cells

ROLE_PANELS = (
    (roles.OFFICER, "Officer", "For the community safety team and democratic services."),
    (roles.CHAIR, "Chair", "Agendas, bids and minutes that need your decision or signature."),
    (roles.MEMBER, "Member", "Your meetings, papers, actions and your organisation's plan items."),
    (roles.DHR_CLEARED, "Domestic Homicide Reviews", "Statutory timescales and agency actions."),
)
FIRST_ROWS = 3  # rows shown on the home page under a count, where the panel shows them
PANEL_ROWS = {"agendas-to-prepare", "my-meetings", "agendas-to-agree"}
# Lists that read records whose writes do not move the cache generation (kcsp/pagecache.QUIET_MODELS: the
# member's own meetings.PackRead, written on every download): counted afresh, never from a cached panel.
LIVE_LISTS = {"new-papers"}


def dhr_open(request, what: str) -> None:
    """Pass the DHR gate for a home page or list (404 unless cleared with a code; marks the access log)."""
    from dhr.gate import dhr_gate
    from dhr.models import AccessLog

    dhr_gate(request, what=what, action=AccessLog.Action.LIST)


def rows_for(waiting: WaitingList, user, today):
    rows = waiting.rows(user, today)
    if waiting.key == "my-meetings":
        from meetings.models import Attendance

        sent = Attendance.objects.filter(meeting=OuterRef("pk"), person__user=user, kind=Attendance.Kind.APOLOGIES)
        rows = rows.annotate(apologies_sent=Exists(sent))
    return rows


def row_cells(waiting: WaitingList, rows, today) -> list:
    build = ROWS[waiting.key][1]
    return [build(row, today) for row in rows]


class HomeView(TemplateView):
    template_name = "kcsp/home.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        held = roles.role_names(user)
        today = timezone.localdate()
        panels = []
        # A person who may see DHR material may load DHR rows in any panel (an action of a DHR item): each such view
        # must reach the DHR gate's log (dhr/gate.py), so their panels are never cached.
        cache_panels = not roles.may_see_dhr(user)
        for role, title, hint in ROLE_PANELS:
            if role not in held:
                continue
            panel = {"role": role, "title": title, "hint": hint, "entries": [], "needs_code": False}
            if role == roles.DHR_CLEARED:
                if not roles.may_see_dhr(user):
                    panel["needs_code"] = True
                    panels.append(panel)
                    continue
                dhr_open(self.request, "Home page: reviews and agency actions waiting")
            panel["entries"] = panel_entries(role, user, today, cached=cache_panels)
            panels.append(panel)
        return super().get_context_data(panels=panels, today=today, **kwargs)


def entry_figures(waiting: WaitingList, user, today) -> dict:
    """One list's figures on the home page: {"count": n} and, where its panel shows them, "headings" and "rows"
    (its first FIRST_ROWS rows' cells) or "pots" (the pots' figures beside the bids waiting)."""
    rows = rows_for(waiting, user, today)
    figures = {"count": rows.count()}
    if waiting.key in PANEL_ROWS and figures["count"]:
        figures["headings"] = ROWS[waiting.key][0]
        figures["rows"] = row_cells(waiting, rows[:FIRST_ROWS], today)
    if waiting.key == "bids-to-decide" and figures["count"]:
        figures["pots"] = pots_waiting(rows)
    return figures


def panel_entries(role: str, user, today, *, cached: bool) -> list[dict]:
    """The entries of one role's panel, each {"list", "url", **entry_figures}. With `cached`, the figures come from
    a personal fragment (kcsp/fragments.py: this user, their rights, today's date), except LIVE_LISTS', counted
    afresh. Never `cached` for DHR panels or for a person who may see DHR material (HomeView)."""
    lists = [waiting for waiting in LISTS if waiting.role == role]

    def build():
        return {w.key: entry_figures(w, user, today) for w in lists if not (cached and w.key in LIVE_LISTS)}

    figures = cached_for_viewer(f"home-panel-{role}", user, [today], build) if cached else build()
    return [
        {
            "list": w,
            "url": reverse(w.url_name),
            **(figures[w.key] if w.key in figures else entry_figures(w, user, today)),
        }
        for w in lists
    ]


def pots_waiting(bids) -> list:
    """The figures of each pot that has bids waiting (grants.budget, one query for every year)."""
    from grants.models import GrantYear
    from grants.selectors import pots_by_year

    years = list(GrantYear.objects.filter(pk__in=bids.values("grant_year")).order_by("year"))
    pots = pots_by_year(years)
    return [(year, list(pots[year.pk].values())) for year in years]


class WaitingListView(AccessMixin, ListView):
    """One waiting list, filtered by GET parameters kept in the URL, 25 to a page. Only the role whose panel
    shows it may open it (403; anonymous: sign in); DHR lists pass the DHR gate (404 without the code)."""

    template_name = "kcsp/home_list.html"
    paginate_by = 25
    waiting: WaitingList = None

    def dispatch(self, request, *args, **kwargs):
        if self.waiting.dhr:
            dhr_open(request, f"Home: {self.waiting.title}")
        elif not request.user.is_authenticated:
            return self.handle_no_permission()
        elif not request.user.has_perm(f"kcsp.view_home_{self.waiting.role}"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        self.today = timezone.localdate()
        names = self.waiting.filters
        query = {name: self.request.GET[name] for name in names if name in self.request.GET}
        self.form = WaitingFilterForm(query or None, names=names, viewer=self.request.user)
        if self.form.is_bound:
            self.form.is_valid()
        return self.form.apply(rows_for(self.waiting, self.request.user, self.today), self.today)

    def paginate_queryset(self, queryset, page_size):
        """A page number that is not one (junk, 0, negative) shows the first page, one past the end the last (a
        bookmark kept after the list shrank, as it does when people act on it): never a 404 or a 500."""
        paginator = self.get_paginator(queryset, page_size)
        page = paginator.get_page(self.request.GET.get(self.page_kwarg))
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        chosen = {name: self.request.GET[name] for name in self.waiting.filters if self.request.GET.get(name)}
        context.update(
            waiting=self.waiting,
            form=self.form,
            filtered=bool(chosen),
            query_prefix=f"{urlencode(chosen)}&" if chosen else "",
            headings=ROWS[self.waiting.key][0],
            rows=row_cells(self.waiting, context["object_list"], self.today),
            deadline_cells=deadline_cells,
        )
        return context


def waiting_urls():
    """One URL per waiting list: /home/<key>/, named home_<key with underscores>."""
    from django.urls import path

    return [
        path(f"home/{waiting.key}/", WaitingListView.as_view(waiting=waiting), name=waiting.url_name)
        for waiting in LISTS
    ]


__all__ = ["BY_KEY", "HomeView", "WaitingListView", "waiting_urls"]
