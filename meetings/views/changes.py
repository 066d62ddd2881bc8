"""Officers move, postpone or cancel a meeting (with a reason), record a past meeting as held, and arrange the
replacement of a postponed or cancelled one. Each page takes one step of meetings/lifecycle.py's table."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.views.generic import FormView

from .. import changes
from ..change_forms import ReasonForm, ReplacementForm, RescheduleForm, time_and_place_initial
from ..changes import where_and_when
from ..lifecycle import STEPS
from .base import ConfirmActionView, FormPageMixin, MeetingPageMixin, OfficerMixin


class MeetingChangeMixin(OfficerMixin, MeetingPageMixin, FormPageMixin):
    """A page taking the step `action` of meetings/lifecycle.py's table with one meeting."""

    action = ""

    def load(self, request, **kwargs):
        super().load(request, **kwargs)
        self.step = STEPS[self.action]

    @property
    def heading(self):
        return self.step.label


class ReasonStepView(MeetingChangeMixin, FormView):
    """Postpone or cancel: a confirmation page with the reason members are told."""

    form_class = ReasonForm
    success_message = ""

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "reason_label": self.step.reason_label,
            "submit_label": self.step.label,
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(explanation=self.explanation, **kwargs)

    def form_valid(self, form):
        try:
            self.take(form.cleaned_data["reason"])
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, self.success_message)
        return redirect(self.get_success_url())


class MeetingPostponeView(ReasonStepView):
    action = "postpone"
    success_message = "Meeting postponed. Members and those who sent apologies are being told."

    @property
    def explanation(self):
        return (
            f"The meeting on {where_and_when(self.meeting)} will show as postponed on its date and as cancelled in "
            "calendars, and its packs are withdrawn. When a new date is known, reschedule it (the same meeting) or "
            "arrange a replacement meeting. Members and those who sent apologies are told, with your reason."
        )

    def take(self, reason):
        changes.meeting_postpone(meeting=self.meeting, user=self.request.user, reason=reason)


class MeetingCancelView(ReasonStepView):
    action = "cancel"
    success_message = "Meeting cancelled. Members and those who sent apologies are being told."

    @property
    def explanation(self):
        return (
            f"The meeting on {where_and_when(self.meeting)} will show as cancelled, stays in calendars as "
            "cancelled, and its packs are withdrawn for good. This cannot be undone: a later meeting is arranged "
            "as its replacement. Members and those who sent apologies are told, with your reason."
        )

    def take(self, reason):
        changes.meeting_cancel(meeting=self.meeting, user=self.request.user, reason=reason)


class MeetingRescheduleView(MeetingChangeMixin, FormView):
    action = "reschedule"
    form_class = RescheduleForm

    @property
    def explanation(self):
        return (
            f"The meeting is now on {where_and_when(self.meeting)}. It keeps its agenda, papers and page; its packs "
            "are rebuilt with the new details and calendars follow. Members and those who sent apologies are told."
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(explanation=self.explanation, **kwargs)

    def get_initial(self):
        return time_and_place_initial(self.meeting)

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            changes.meeting_reschedule(
                meeting=self.meeting,
                user=self.request.user,
                reason=data["reason"],
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                venue_kind=data["venue_kind"],
                venue=data["venue"],
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, "Meeting rescheduled. Members and those who sent apologies are being told.")
        return redirect(self.get_success_url())


class MeetingReplaceView(MeetingChangeMixin, FormView):
    action = "replace"
    form_class = ReplacementForm

    explanation = (
        "A new meeting of the same committee, starting as a draft with the standard items. Its page says which "
        "meeting it replaces, and this meeting's page links to it."
    )

    def get_context_data(self, **kwargs):
        return super().get_context_data(explanation=self.explanation, **kwargs)

    def get_initial(self):
        m = self.meeting
        initial = {k: v for k, v in time_and_place_initial(m).items() if k != "date"}
        return {
            **initial,
            "contact_name": m.contact_name,
            "contact_phone": m.contact_phone,
            "contact_email": m.contact_email,
        }

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            replacement = changes.meeting_replacement_create(
                original=self.meeting,
                user=self.request.user,
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                **{k: data[k] for k in ("venue_kind", "venue", "contact_name", "contact_phone", "contact_email")},
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(
            self.request, f"Replacement meeting created: it replaces the meeting of {self.meeting.date:%-d %B %Y}."
        )
        return redirect(replacement)


class MeetingRecordHeldView(MeetingChangeMixin, ConfirmActionView):
    action = "record-held"
    submit_label = "Record it as held"
    explanation = (
        "For a meeting entered after it took place: it is recorded as held without its agenda being agreed and "
        "published here (so no publication deadline applies). You can then record attendance and write the minutes."
    )
    success_message = "Meeting recorded as held."

    def act(self):
        changes.meeting_step(meeting=self.meeting, action="record-held", user=self.request.user)
