"""Pages of the grant year: the public summary, and the officers' set-up of how the year's round is run."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.views.generic import CreateView, DetailView, FormView, TemplateView, UpdateView

from kcsp.fragment_pages import BodyFragmentMixin
from kcsp.locking import RecordLockMixin
from kcsp.mixins import RolePermissionMixin
from kcsp.pages import ConfirmActionView, FormPageMixin

from . import selectors, services
from .budget import totals, year_summaries
from .forms import GrantYearForm, TacticalLockForm
from .models import GrantYear
from .workflow import steps_in


class ManagerMixin(RolePermissionMixin):
    permission_required = "grants.manage_grant"


class YearListView(TemplateView):
    template_name = "grants/year_list.html"

    def get_context_data(self, **kwargs):
        summaries = year_summaries(GrantYear.objects.all())
        return super().get_context_data(
            summaries=summaries,
            totals=totals(summaries),
            can_manage=self.request.user.has_perm("grants.manage_grant"),
            **kwargs,
        )


class YearDetailView(BodyFragmentMixin, DetailView):
    """A grant year's page. Its body is the "grant-year" fragment for every viewer, shared by viewers with the same
    rights (everything it shows is the year's records and what the viewer's roles allow; no form): a warm page
    reads nothing from the database (kcsp/fragment_pages.py). The summary, funded bids and history are lazy
    (a lazy object, querysets): read only when it is built."""

    template_name = "grants/year_detail.html"
    body_fragment = "grant-year"
    body_template = "grants/includes/year_body.html"
    slug_field = slug_url_kwarg = "year"
    context_object_name = "grant_year"
    queryset = GrantYear.objects.all()

    def page_title(self, grant_year) -> str:
        return str(grant_year)

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(
            summary=SimpleLazyObject(lambda: year_summaries([self.object])[0]),
            funded=selectors.funded_bids(self.object),
            can_manage=user.has_perm("grants.manage_grant"),
            can_view_bids=user.has_perm("grants.view_bids"),
            can_submit=user.has_perm("grants.submit_bid") and not self.object.is_closed,
            can_decide=user.has_perm("grants.decide_bid"),
            can_export=user.has_perm("grants.export_bids"),
            steps=steps_in(self.object),
            history=self.object.history.select_related("history_user")[:20]
            if user.has_perm("grants.manage_grant")
            else [],
            **kwargs,
        )


class YearCreateView(ManagerMixin, FormPageMixin, CreateView):
    form_class = GrantYearForm
    heading = "Add a grant year"
    caption = "Crime Reduction Grant"

    def get_back_url(self):
        return reverse("grants:year_list")

    def form_valid(self, form):
        try:
            year = services.year_create(year=form.instance)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, f"The {year.label} grant year is added.")
        return redirect(year)


class YearEditView(ManagerMixin, RecordLockMixin, FormPageMixin, UpdateView):
    form_class = GrantYearForm
    heading = "Change the grant year"
    lock_also = ("has_tactical_pot", "commissioner_step")

    def load(self, request, **kwargs):
        self.object = get_object_or_404(GrantYear, year=kwargs["year"])

    def get_object(self, queryset=None):
        return self.object

    def get_caption(self):
        return str(self.object)

    def get_back_url(self):
        return self.object.get_absolute_url()

    def form_valid(self, form):
        try:
            year = services.year_figures_save(year=form.instance)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, "The grant year's figures are saved.")
        return redirect(year)


class YearActionMixin(ManagerMixin, FormPageMixin):
    def load(self, request, **kwargs):
        self.grant_year = get_object_or_404(GrantYear, year=kwargs["year"])

    def get_caption(self):
        return str(self.grant_year)

    def get_back_url(self):
        return self.get_success_url()

    def get_success_url(self):
        return self.grant_year.get_absolute_url()


class TacticalPotMixin(YearActionMixin):
    """Pages about the tactical pot exist only for years that split the grant."""

    def load(self, request, **kwargs):
        super().load(request, **kwargs)
        if not self.grant_year.has_tactical_pot:
            raise Http404("A year held in one pot has no tactical pot.")


class TacticalLockView(TacticalPotMixin, FormView):
    form_class = TacticalLockForm
    heading = "Lock the tactical pot"

    def form_valid(self, form):
        try:
            services.tactical_pot_lock(year=self.grant_year, locked=True, reason=form.cleaned_data["reason"])
        except ValidationError as error:  # locked meanwhile, or the year turned to one pot
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, "The tactical pot is locked: nothing more can be drawn from it.")
        return redirect(self.get_success_url())


class TacticalUnlockView(TacticalPotMixin, ConfirmActionView):
    heading = "Unlock the tactical pot"
    submit_label = "Unlock the tactical pot"
    explanation = "Do this when the Commissioner has opened access to the tactical pot again."
    success_message = "The tactical pot is open again."

    def act(self):
        services.tactical_pot_lock(year=self.grant_year, locked=False)


class YearCloseView(YearActionMixin, ConfirmActionView):
    heading = "Close the grant year"
    submit_label = "Close the year"
    explanation = (
        "Closing records what was not spent as returned to the Commissioner. Bids of a closed year cannot change. "
        "Every bid must be completed, withdrawn or decided first."
    )
    success_message = "The grant year is closed and its under-spend recorded."

    def act(self):
        services.year_close(year=self.grant_year)
