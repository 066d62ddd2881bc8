"""Chairs' and vice-chairs' terms of office on a committee's page: added, ended and corrected by officers."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.views.generic import CreateView, DetailView, FormView, UpdateView

from kcsp.history import record_history
from kcsp.locking import RecordLockMixin

from ..models import Committee, OfficeTerm
from ..office_forms import OfficeTermEndForm, OfficeTermForm
from ..office_terms import office_term_add, office_term_end, office_term_save
from .base import FormPageMixin, OfficerMixin
from .committees import ReaderMixin


def _refusal_to_form(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class OfficeTermDetailView(ReaderMixin, DetailView):
    template_name = "meetings/office_term_detail.html"
    queryset = OfficeTerm.objects.select_related("committee", "person")
    context_object_name = "term"

    def get_context_data(self, **kwargs):
        can_manage = self.request.user.has_perm("meetings.manage")
        return super().get_context_data(
            can_manage=can_manage, history=record_history(self.object) if can_manage else [], **kwargs
        )


class OfficeTermCreateView(OfficerMixin, FormPageMixin, CreateView):
    form_class = OfficeTermForm
    heading = "Record a chair or vice-chair"

    def load(self, request, **kwargs):
        self.committee = get_object_or_404(Committee, slug=kwargs["slug"])

    def get_caption(self):
        return str(self.committee)

    def get_back_url(self):
        return self.committee.get_absolute_url()

    def form_valid(self, form):
        try:
            term = office_term_add(committee=self.committee, term=form.instance, user=self.request.user)
        except ValidationError as error:
            _refusal_to_form(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"{term.person} recorded as {term.get_office_display()} ({term.committee}).")
        return redirect(self.committee)


class OfficeTermEditView(OfficerMixin, RecordLockMixin, FormPageMixin, UpdateView):
    """Correct a term's holder, office or dates (office_term_save checks the lock after the committee's)."""

    form_class = OfficeTermForm
    heading = "Correct a term of office"
    queryset = OfficeTerm.objects.select_related("committee", "person")
    lock_in_service = True

    def get_caption(self):
        return str(self.object.committee)

    def get_back_url(self):
        return self.object.committee.get_absolute_url()

    def form_valid(self, form):
        try:
            term = office_term_save(term=form.instance, user=self.request.user, lock=self.record_lock)
        except ValidationError as error:
            _refusal_to_form(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"Term of office saved: {term.person}, {term.get_office_display()}.")
        return redirect(term.committee)


class OfficeTermEndView(OfficerMixin, FormPageMixin, FormView):
    """End a term on a given day; before its planned end it is ended early. Asks for the day, says what follows."""

    form_class = OfficeTermEndForm
    submit_label = "End the term"

    def load(self, request, **kwargs):
        self.term = get_object_or_404(OfficeTerm.objects.select_related("committee", "person"), pk=kwargs["pk"])

    @property
    def heading(self):
        return f"End {self.term.person}'s term as {self.term.get_office_display()}"

    def get_caption(self):
        return str(self.term.committee)

    def get_context_data(self, **kwargs):
        planned = f" (planned to end on {self.term.ends_on:%-d %B %Y})" if self.term.ends_on else ""
        explanation = (
            f"The term began on {self.term.starts_on:%-d %B %Y}{planned}. From the day after the last day in office "
            f"{self.term.person} is no longer {self.term.get_office_display()}: record the next holder with "
            "'Record a chair or vice-chair'. Minutes already signed do not change."
        )
        return super().get_context_data(explanation=explanation, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "term": self.term}

    def get_back_url(self):
        return self.term.committee.get_absolute_url()

    def form_valid(self, form):
        try:
            term = office_term_end(
                term=self.term,
                ends_on=form.cleaned_data["ends_on"],
                user=self.request.user,
                opened_ends_on=form.cleaned_data.get("opened_ends_on"),
            )
        except ValidationError as error:
            _refusal_to_form(form, error)
            return self.form_invalid(form)
        early = " (ended early)" if self.term.ends_on and term.ends_on < self.term.ends_on else ""
        messages.success(
            self.request,
            f"{term.person}'s term as {term.get_office_display()} ends on {term.ends_on:%-d %B %Y}{early}.",
        )
        return redirect(term.committee)
