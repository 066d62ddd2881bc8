"""The search page: one box over everything the user may open, with filters and pages of results.

A page of results (the total, the page number and the hits as shown) is cached per viewer (kcsp/fragments.py
`cached_for_viewer`: keyed on the page cache's generation, which any committed change moves on, the viewer's rights
and account) and on the typed text, the filters and the page asked for (none, junk read as none, or 1-999: any other
number is searched afresh, never stored), and only once the same search is asked for a second time (a first one
leaves a marker of a few bytes), so made-up texts cannot fill the cache; so is the committee filter's list, per
viewer's rights. With FRAGMENT_CACHE_SECONDS = 0 (tests) every search runs afresh."""

import re
from dataclasses import dataclass

from django.core.paginator import Paginator
from django.utils.safestring import SafeString
from django.views.generic import TemplateView

from kcsp.fragments import cached_for_viewer
from meetings.models import Committee, Meeting

from . import engine
from .forms import SearchForm

PER_PAGE = 20
PAGE_NUMBER = re.compile(r"[1-9][0-9]{0,2}")  # the page numbers a cached page of results may be asked for


@dataclass(frozen=True)
class ShownHit:
    """One result as the page shows it (plain values, so a page of them can be cached)."""

    singular: str
    describe: str
    title: str
    url: str
    snippet: SafeString


class Counted:
    """What the Paginator of a cached page needs: the total (the page's rows are the hits, kept apart)."""

    def __init__(self, total: int):
        self.total = total

    def count(self) -> int:
        return self.total

    def __getitem__(self, index):
        return []


def _committee_choices(user) -> list[tuple[int, str]]:
    """The committees of the meetings this user may see, for the filter: (pk, name)."""
    visible = Meeting.objects.visible_to(user).values("committee_id")
    return list(Committee.objects.filter(pk__in=visible).order_by("name").values_list("pk", "name"))


def _results(user, data: dict, filters: engine.Filters, number) -> tuple[int, int, list[ShownHit]]:
    """(total, page number shown, hits of that page) of a search."""
    window = ((max(int(number), 1) - 1) * PER_PAGE if number and number.isdigit() else 0, PER_PAGE)
    rows = engine.search_rows(user, data["q"], filters, window=window)
    page = Paginator(rows if rows is not None else [], PER_PAGE).get_page(number)
    hits = engine.hits_for(
        user,
        data["q"],
        list(page.object_list),
        query_text=getattr(rows, "query_text", None),
        visible=getattr(rows, "visible", None),
    )
    shown = [ShownHit(hit.source.singular, hit.describe, hit.title, hit.url, hit.snippet) for hit in hits]
    return page.paginator.count, page.number, shown


class SearchView(TemplateView):
    template_name = "search/results.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        committees = cached_for_viewer("search-committees", user, (), lambda: _committee_choices(user), shared=True)
        form = SearchForm(self.request.GET or None, committees=committees)
        context = {"form": form, "searched": False}
        if form.is_bound and form.is_valid() and form.cleaned_data["q"]:
            data = form.cleaned_data
            filters = engine.Filters(
                kinds=tuple(sorted(data["kind"])),  # one cache key whatever order the boxes came in
                committee_id=data["committee"],
                date_from=data["date_from"],
                date_to=data["date_to"],
            )
            number = self.request.GET.get("page", "")
            number = None if not number.isdigit() else number  # junk reads as no page: the first
            if number is None or PAGE_NUMBER.fullmatch(number):
                vary = (data["q"], filters, number)
                total, shown_number, hits = cached_for_viewer(
                    "search", user, vary, lambda: _results(user, data, filters, number), when_repeated=True
                )
            else:  # "0", "007", past 999: built, never cached, so made-up page numbers cannot fill the cache
                total, shown_number, hits = _results(user, data, filters, number)
            context.update(
                searched=True,
                query=data["q"],
                page_obj=Paginator(Counted(total), PER_PAGE).get_page(shown_number),
                hits=hits,
            )
        return super().get_context_data(**context, **kwargs)
