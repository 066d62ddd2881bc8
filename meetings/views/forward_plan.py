"""The forward plan: officers plan, edit, move, withdraw and accept entries; everyone reads a public body's plan."""

from urllib.parse import urlencode

from crispy_forms_gds.layout import Submit
from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.generic import CreateView, DetailView, FormView, ListView, UpdateView

from kcsp.forms import GdsFormMixin
from kcsp.locking import RecordLockMixin

from .. import forward_plan
from ..forward_plan_forms import AcceptForm, ForwardPlanEntryForm, MoveForm, WithdrawForm
from ..models import Committee, ForwardPlanEntry, Meeting
from ..models.forward_plan import RESTRICTED_STATEMENT
from .base import ConfirmActionView, FormPageMixin, OfficerMixin

STATUS_FILTERS = [
    ("waiting", "Waiting to go on an agenda"),
    ("on_agenda", "On an agenda"),
    ("withdrawn", "Withdrawn"),
    ("all", "Every entry"),
]


class StatusFilterForm(GdsFormMixin, forms.Form):
    """The officers' list filter, read from the query string: a value not offered is named, never a 500."""

    submit_label = "Filter"
    status = forms.ChoiceField(
        label="Show",
        choices=STATUS_FILTERS,
        required=False,
        error_messages={"invalid_choice": "Select what to show from the list"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper.form_method = "get"
        self.helper.inputs = [Submit("filter", self.submit_label, css_class="govuk-button--secondary")]

    def chosen(self) -> str:
        return (getattr(self, "cleaned_data", {}) or {}).get("status") or "waiting"


def with_headings(entries) -> list:
    """Each entry with `heading`: the meeting's date or the month it is expected in, for grouping on the page."""
    for entry in entries:
        entry.heading = entry.expected_label
    return entries


class ForwardPlanListView(OfficerMixin, ListView):
    """The committee's forward plan for officers: waiting entries by expected meeting or month (filter: status),
    25 to a page, each with its title as written, lead, purpose, restriction and status."""

    template_name = "meetings/forward_plan_list.html"
    paginate_by = 25
    context_object_name = "entries"

    def get_queryset(self):
        self.committee = get_object_or_404(Committee, slug=self.kwargs["slug"])
        query = {"status": self.request.GET["status"]} if "status" in self.request.GET else None
        self.form = StatusFilterForm(query, viewer=self.request.user)
        if self.form.is_bound:
            self.form.is_valid()
        entries = ForwardPlanEntry.objects.filter(committee=self.committee).in_date_order()
        status = self.form.chosen()
        if status == "waiting":
            return entries.waiting()
        return entries if status == "all" else entries.filter(status=status)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        with_headings(context["entries"])
        status = self.request.GET.get("status")
        context.update(
            committee=self.committee,
            form=self.form,
            query_prefix=f"{urlencode({'status': status})}&" if status else "",
        )
        return context


class CommitteeEntryMixin(OfficerMixin, FormPageMixin):
    def load(self, request, **kwargs):
        self.committee = get_object_or_404(Committee, slug=kwargs["slug"])

    def get_caption(self):
        return f"Forward plan of {self.committee}"

    def get_back_url(self):
        return reverse("meetings:forward_plan", args=[self.committee.slug])


class EntryCreateView(CommitteeEntryMixin, CreateView):
    form_class = ForwardPlanEntryForm
    heading = "Plan an item"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "committee": self.committee}

    def form_valid(self, form):
        try:
            entry = forward_plan.forward_plan_entry_save(entry=form.instance)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, f"“{entry.title}” added to the forward plan.")
        return redirect(self.get_back_url())


class EntryDetailView(OfficerMixin, DetailView):
    """One entry as officers see it, with what can be done to it and its history field by field."""

    template_name = "meetings/forward_plan_entry.html"
    context_object_name = "entry"
    queryset = ForwardPlanEntry.objects.in_date_order()

    def get_context_data(self, **kwargs):
        return super().get_context_data(changes=forward_plan.entry_changes(self.object), **kwargs)


class EntryEditView(OfficerMixin, RecordLockMixin, FormPageMixin, UpdateView):
    form_class = ForwardPlanEntryForm
    heading = "Edit forward plan entry"
    lock_also = ("expected_month", "status")  # a move or withdrawal meanwhile refuses the edit
    lock_in_service = True
    queryset = ForwardPlanEntry.objects.select_related("committee")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "committee": self.object.committee}

    def get_caption(self):
        return f"Forward plan of {self.object.committee}"

    def get_back_url(self):
        return self.object.get_absolute_url()

    def form_valid(self, form):
        try:
            forward_plan.forward_plan_entry_save(entry=form.instance, lock=self.record_lock)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, "Entry saved.")
        return redirect(form.instance)


class EntryStepMixin(OfficerMixin):
    def load(self, request, **kwargs):
        self.entry = get_object_or_404(ForwardPlanEntry.objects.select_related("committee"), pk=kwargs["pk"])

    def get_caption(self):
        return self.entry.title

    def get_back_url(self):
        return self.entry.get_absolute_url()

    def get_success_url(self):
        return self.entry.get_absolute_url()


class EntryWithdrawView(EntryStepMixin, ConfirmActionView):
    form_class = WithdrawForm
    heading = "Withdraw this entry from the forward plan?"
    explanation = (
        "It leaves the forward plan and is no longer suggested on any agenda. It stays on the officers' list of "
        "withdrawn entries, with its history."
    )

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.pop("submit_label")
        return kwargs

    def form_valid(self, form):
        self.reason = form.cleaned_data["reason"]
        return super().form_valid(form)

    def act(self):
        forward_plan.forward_plan_entry_withdraw(entry=self.entry, reason=self.reason)
        self.success_message = "Entry withdrawn."


class EntryMoveView(EntryStepMixin, FormPageMixin, FormView):
    form_class = MoveForm
    heading = "Move to another meeting"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "entry": self.entry}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            forward_plan.forward_plan_entry_move(
                entry=self.entry, meeting=data["meeting"], month=data["month"], reason=data["reason"]
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, "Entry moved.")
        return redirect(self.entry)


class SuggestionMixin(OfficerMixin):
    """A forward plan entry suggested on a meeting's draft agenda."""

    def load(self, request, **kwargs):
        self.meeting = get_object_or_404(Meeting.objects.select_related("committee"), pk=kwargs["pk"])
        self.entry = get_object_or_404(ForwardPlanEntry, pk=kwargs["entry"], committee_id=self.meeting.committee_id)

    def get_caption(self):
        return f"{self.meeting} — from the forward plan: {self.entry.title}"

    def get_back_url(self):
        return self.meeting.get_absolute_url()

    def get_success_url(self):
        return self.meeting.get_absolute_url()


class SuggestionAcceptView(SuggestionMixin, FormPageMixin, FormView):
    form_class = AcceptForm
    heading = "Add to the agenda"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "entry": self.entry}

    def get_prefix(self):
        return f"entry-{self.entry.pk}"  # as the agenda page's suggestion forms name their fields

    def form_valid(self, form):
        try:
            item = forward_plan.forward_plan_entry_accept(
                entry=self.entry, meeting=self.meeting, section=form.cleaned_data["section"]
            )
        except ValidationError as error:
            messages.error(self.request, " ".join(error.messages))
            return redirect(self.meeting)
        messages.success(self.request, f"Added to the agenda as item {item.code}.")
        return redirect(reverse("meetings:meeting_detail", args=[self.meeting.pk]) + f"#item-{item.pk}")


class SuggestionPutOffView(SuggestionMixin, ConfirmActionView):
    heading = "Not this meeting?"
    submit_label = "Not this meeting"

    @property
    def explanation(self):
        later = forward_plan.next_meeting(self.meeting)
        where = (
            f"the meeting on {later.date:%-d %B %Y}"
            if later
            else f"the first meeting from {forward_plan.next_month(self.meeting.date):%B %Y}"
        )
        return f"It will be suggested for {where} instead. You can move it elsewhere from the forward plan."

    def act(self):
        forward_plan.forward_plan_entry_put_off(entry=self.entry, meeting=self.meeting)
        self.success_message = "Moved on to a later meeting."


class PublicForwardPlanView(ListView):
    """A public body's forward plan, for everyone: waiting entries by expected meeting or month with their public
    title (a withheld title reads "Restricted item"), lead, purpose and, for restricted ones, that the press and
    public are likely to be excluded. Officers' notes and reasons are never shown."""

    template_name = "meetings/forward_plan_public.html"
    paginate_by = 50
    context_object_name = "entries"

    def get_queryset(self):
        self.committee = get_object_or_404(Committee, slug=self.kwargs["slug"])
        if not self.committee.is_public:
            raise Http404
        return ForwardPlanEntry.objects.public().filter(committee=self.committee).in_date_order()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        with_headings(context["entries"])
        context.update(
            committee=self.committee,
            can_manage=self.request.user.has_perm("meetings.manage"),
            restricted_statement=RESTRICTED_STATEMENT,
        )
        return context
