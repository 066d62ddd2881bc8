"""Pages of the performance indicators: each agreement's list, an indicator's page and history, create, edit,
retire and bring back, the value grid and the values import. Members read; officers (agreement.edit_plan) write."""

from django.contrib import messages
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views import View
from django.views.generic import CreateView, DetailView, FormView, TemplateView, UpdateView

from kcsp.locking import VERSION_FIELD, RecordLockMixin
from kcsp.mixins import RolePermissionMixin
from kcsp.pages import ConfirmActionView, FormPageMixin

from . import indicator_services, selectors
from .charts import line_chart
from .indicator_forms import (
    IndicatorForm,
    IndicatorGridForm,
    IndicatorImportForm,
    IndicatorRetireForm,
    IndicatorValueForm,
)
from .indicator_grid import (
    GridRefused,
    StaleGrid,
    grid_indicators,
    grid_values,
    grid_version,
    grid_years,
    indicator_values_save,
    year_months,
)
from .indicator_history import indicator_changes
from .indicator_imports import import_version, indicator_values_import
from .models import Agreement, Indicator


class EditorMixin(RolePermissionMixin):
    permission_required = "agreement.edit_plan"


class ReaderMixin(RolePermissionMixin):
    permission_required = "agreement.view_internal_progress"


def ascii_digits(text: str) -> bool:
    """Digits 0-9 only: str.isdigit() also takes superscripts ("²") that int() refuses."""
    return text.isascii() and text.isdigit()


def visible_agreement(user, year: int) -> Agreement:
    return get_object_or_404(Agreement.objects.visible_to(user), year=year)


def visible_indicators(user):
    return Indicator.objects.visible_to(user).select_related("priority__agreement")


class IndicatorListView(ReaderMixin, TemplateView):
    """The agreement's indicators by priority, each with its rule, its latest value and whether it is flagged."""

    template_name = "agreement/indicators/list.html"

    def get_context_data(self, **kwargs):
        agreement = visible_agreement(self.request.user, kwargs["year"])
        indicators = Indicator.objects.filter(priority__agreement=agreement).prefetch_related("values")
        groups = {priority.pk: (priority, []) for priority in agreement.priorities.all()}
        for indicator in indicators:
            rows = selectors.indicator_series(indicator, list(indicator.values.all()))
            groups[indicator.priority_id][1].append((indicator, rows[-1] if rows else None))
        return super().get_context_data(
            agreement=agreement,
            groups=list(groups.values()),
            can_edit=self.request.user.has_perm("agreement.edit_plan"),
            years=grid_years(agreement),
            **kwargs,
        )


class IndicatorDetailView(ReaderMixin, DetailView):
    template_name = "agreement/indicators/detail.html"

    def get_queryset(self):
        return visible_indicators(self.request.user).prefetch_related("values")

    def get_context_data(self, **kwargs):
        rows = selectors.indicator_series(self.object)
        chart = line_chart(selectors.chart_points(self.object, rows), title=f"{self.object.name}: values by period")
        return super().get_context_data(
            rows=rows,
            chart=chart,
            history=indicator_changes(self.object),
            can_edit=self.request.user.has_perm("agreement.edit_plan"),
            **kwargs,
        )


class IndicatorFormMixin(EditorMixin, FormPageMixin):
    form_class = IndicatorForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "agreement": self.agreement}

    def get_caption(self):
        return self.agreement.title

    def form_valid(self, form):
        try:
            indicator = indicator_services.indicator_save(
                indicator=form.instance, user=self.request.user, lock=self.record_lock
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, f"{indicator.name} saved.")
        return redirect(indicator)


class IndicatorCreateView(IndicatorFormMixin, CreateView):
    heading = "Add a performance indicator"
    record_lock = None

    def load(self, request, **kwargs):
        self.agreement = visible_agreement(request.user, kwargs["year"])

    def get_initial(self):
        priority = self.request.GET.get("priority", "")
        return {"priority": int(priority)} if ascii_digits(priority) and len(priority) < 12 else {}

    def get_back_url(self):
        return reverse("agreement:indicator_list", args=[self.agreement.year])


class IndicatorEditView(RecordLockMixin, IndicatorFormMixin, UpdateView):
    heading = "Edit performance indicator"
    lock_in_service = True
    lock_also = ("retired",)  # a retirement meanwhile is a change too

    def load(self, request, **kwargs):
        self.object = get_object_or_404(visible_indicators(request.user), pk=kwargs["pk"])
        self.agreement = self.object.priority.agreement

    def get_object(self, queryset=None):
        return self.object

    def get_caption(self):
        return self.object.name

    def get_back_url(self):
        return self.object.get_absolute_url()


class IndicatorRetireView(EditorMixin, FormPageMixin, FormView):
    form_class = IndicatorRetireForm
    heading = "Retire this indicator?"

    def load(self, request, **kwargs):
        self.indicator = get_object_or_404(visible_indicators(request.user), pk=kwargs["pk"])

    def get_caption(self):
        return self.indicator.name

    def get_context_data(self, **kwargs):
        explanation = (
            "It leaves the value grid, the import and the exception report. Its values and history are kept and "
            "it can be brought back."
        )
        return super().get_context_data(explanation=explanation, **kwargs)

    def get_back_url(self):
        return self.indicator.get_absolute_url()

    def form_valid(self, form):
        try:
            indicator_services.indicator_retire(
                indicator=self.indicator, reason=form.cleaned_data["reason"], user=self.request.user
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, f"{self.indicator.name} retired.")
        return redirect(self.indicator)


class IndicatorUnretireView(EditorMixin, ConfirmActionView):
    heading = "Bring this indicator back into use?"
    submit_label = "Bring back into use"
    explanation = "It returns to the value grid, the import and the exception report."

    def load(self, request, **kwargs):
        self.indicator = get_object_or_404(visible_indicators(request.user), pk=kwargs["pk"])

    def get_caption(self):
        return self.indicator.name

    def act(self):
        indicator_services.indicator_unretire(indicator=self.indicator, user=self.request.user)
        self.success_message = f"{self.indicator.name} is back in use."

    def get_back_url(self):
        return self.indicator.get_absolute_url()

    get_success_url = get_back_url


class IndicatorValueCreateView(EditorMixin, FormPageMixin, CreateView):
    form_class = IndicatorValueForm
    heading = "Add an indicator value"

    def load(self, request, **kwargs):
        self.indicator = get_object_or_404(visible_indicators(request.user).active(), pk=kwargs["pk"])

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "indicator": self.indicator}

    def get_caption(self):
        return self.indicator.name

    def get_back_url(self):
        return self.indicator.get_absolute_url()

    def form_valid(self, form):
        try:
            indicator_services.indicator_value_add(value=form.instance, user=self.request.user)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, "Value added.")
        return redirect(self.indicator)


class IndicatorGridView(EditorMixin, FormPageMixin, FormView):
    """The values of the agreement's indicators in use for one financial year (?financial_year=, one of
    grid_years), saved all or nothing through indicator_grid.indicator_values_save."""

    form_class = IndicatorGridForm
    template_name = "agreement/indicators/grid.html"
    heading = "Enter indicator values"

    def load(self, request, **kwargs):
        self.agreement = visible_agreement(request.user, kwargs["year"])
        year = request.GET.get("financial_year", str(self.agreement.year))
        if not ascii_digits(year) or int(year) not in grid_years(self.agreement):
            raise Http404("The grid shows the agreement's year and the year before it.")
        self.year = int(year)
        self.months = year_months(self.year)
        self.indicators = list(grid_indicators(self.agreement))
        values = list(grid_values([i.pk for i in self.indicators], self.months))
        self.values = {(v.indicator_id, v.period_start): v.value for v in values}
        self.version = grid_version(self.indicators, values)

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "indicators": self.indicators,
            "months": self.months,
            "values": self.values,
            "version": self.version,
        }

    def get_caption(self):
        return f"{self.agreement.title}: {self.year}/{(self.year + 1) % 100:02d}"

    def get_back_url(self):
        return reverse("agreement:indicator_list", args=[self.agreement.year])

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            agreement=self.agreement, year=self.year, months=self.months, years=grid_years(self.agreement), **kwargs
        )

    def form_valid(self, form):
        try:
            written = indicator_values_save(
                agreement=self.agreement,
                year=self.year,
                cells=form.typed_cells(),
                user=self.request.user,
                version=form.cleaned_data.get(VERSION_FIELD) or "",
            )
        except StaleGrid as stale:
            return self.stale_response(form, stale)
        except GridRefused as refused:
            for key, message in refused.problems.items():
                form.add_error(form.field_name(key), message)
            return self.form_invalid(form)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        if written.total:
            messages.success(
                self.request,
                f"Values saved: {written.added} added, {written.changed} changed, {written.removed} removed.",
            )
        else:
            messages.info(self.request, "No value had changed: nothing was saved.")
        return redirect(f"{self.request.path}?financial_year={self.year}")

    def stale_response(self, form, stale: StaleGrid):
        """Refused: the rule, what changed, what was typed kept; cells this officer left alone now show the saved
        value; a cell both changed keeps what was typed and says so."""
        form.add_error(None, stale.message)
        form.data = form.data.copy()
        current = {c.name: c.after for c in stale.saved}
        for change in stale.changes:
            name = form.field_name(change.name)
            if name is None:
                continue
            field = form.fields[name]

            def read(text, field=field):
                return field.to_python("" if text in (None, "(blank)") else text)

            posted, saved = read(form.data.get(name, "")), current.get(change.name, "")
            if change.before is not None and posted == read(change.before):
                form.data[name] = "" if saved in ("", "(blank)") else saved
                stale.refreshed.append(field.label)
            elif posted != read(saved):
                who = stale.by.get_full_name() or str(stale.by) if stale.by is not None else "someone else"
                form.add_error(name, f"You and {who} both changed {field.label}: check before saving")
        form.data[VERSION_FIELD] = stale.version
        return self.render_to_response(self.get_context_data(form=form, stale=stale))


def import_salt(agreement: Agreement) -> str:
    """A confirmation token is good for the agreement it was previewed against, and no other."""
    return f"agreement.indicator-import.{agreement.pk}"


class IndicatorImportView(EditorMixin, FormPageMixin, FormView):
    """Upload, then a preview of every row with its errors; only a sheet without errors can be confirmed."""

    form_class = IndicatorImportForm
    heading = "Import indicator values from a spreadsheet"
    template_name = "agreement/indicators/import.html"

    def load(self, request, **kwargs):
        self.agreement = visible_agreement(request.user, kwargs["year"])

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "agreement": self.agreement}

    def get_caption(self):
        return self.agreement.title

    def get_back_url(self):
        return reverse("agreement:indicator_list", args=[self.agreement.year])

    def form_valid(self, form):
        rows = form.rows
        valid = bool(rows) and not any(row.errors for row in rows)
        token = ""
        if valid:
            payload = {"rows": [row.payload() for row in rows], "version": import_version(self.agreement)}
            token = signing.dumps(payload, salt=import_salt(self.agreement), compress=True)
        return self.render_to_response(self.get_context_data(form=form, rows=rows, valid=valid, token=token))


class IndicatorImportConfirmView(EditorMixin, View):
    def post(self, request, year):
        agreement = visible_agreement(request.user, year)
        back = reverse("agreement:indicator_import", args=[agreement.year])
        try:
            payload = signing.loads(request.POST.get("token", ""), salt=import_salt(agreement), max_age=3600)
        except signing.BadSignature:
            messages.error(request, "The preview has expired: upload the sheet again.")
            return redirect(back)
        try:
            written = indicator_values_import(
                agreement=agreement, rows=payload["rows"], version=payload["version"], user=request.user
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(back)
        messages.success(
            request, f"Values imported: {written.added} added, {written.changed} changed, the rest unchanged."
        )
        return redirect("agreement:indicator_list", year=agreement.year)
