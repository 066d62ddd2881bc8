"""The search page: one box over everything the user may open, with filters and pages of results."""

from django.core.paginator import Paginator
from django.views.generic import TemplateView

from meetings.models import Committee, Meeting

from . import engine
from .forms import SearchForm

PER_PAGE = 20


class SearchView(TemplateView):
    template_name = "search/results.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        committees = Committee.objects.filter(pk__in=Meeting.objects.visible_to(user).values("committee_id"))
        form = SearchForm(self.request.GET or None, committees=committees)
        context = {"form": form, "searched": False}
        if form.is_bound and form.is_valid() and form.cleaned_data["q"]:
            data = form.cleaned_data
            filters = engine.Filters(
                kinds=tuple(data["kind"]),
                committee_id=data["committee"],
                date_from=data["date_from"],
                date_to=data["date_to"],
            )
            number = self.request.GET.get("page")
            window = ((max(int(number), 1) - 1) * PER_PAGE if number and number.isdigit() else 0, PER_PAGE)
            rows = engine.search_rows(user, data["q"], filters, window=window)
            page = Paginator(rows if rows is not None else [], PER_PAGE).get_page(number)
            context.update(
                searched=True,
                query=data["q"],
                page_obj=page,
                hits=engine.hits_for(
                    user, data["q"], list(page.object_list), query_text=getattr(rows, "query_text", None)
                ),
            )
        return super().get_context_data(**context, **kwargs)
