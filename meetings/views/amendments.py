"""Circulating draft minutes, proposing amendments to them, and the clerk's decision on each one."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.views.generic import CreateView, FormView

from dhr.gate import dhr_gate
from kcsp.mixins import RolePermissionMixin

from .. import access
from ..amendment_forms import ACCEPT_BY_HAND, REJECT, AmendmentDecisionForm, AmendmentForm
from ..amendments import (
    NOT_ATTENDED,
    amendment_decide,
    amendment_propose,
    minutes_circulate,
    proposal_check,
    same_text,
    wording_diff,
)
from ..models import Minute, MinuteAmendment
from ..notify import attendee_accounts
from .base import ConfirmActionView, FormPageMixin, OfficerMixin
from .minutes import MeetingChildMixin


def minute_url(minute: Minute) -> str:
    return f"{reverse('meetings:minutes', args=[minute.meeting_id])}#minute-{minute.number}"


def _dhr_minute_gate(request, minute: Minute, what: str) -> None:
    if minute.is_dhr:
        dhr_gate(request, what=f"{what} minute {minute.number} of DHR item {minute.item.code}")


class MinutesCirculateView(OfficerMixin, MeetingChildMixin, ConfirmActionView):
    heading = "Circulate the draft minutes"

    def load(self, request, **kwargs):
        super().load(request, **kwargs)
        count = len(attendee_accounts(self.meeting))
        people = f"{count} {'person' if count == 1 else 'people'}"
        circulated = self.meeting.minutes_circulated_at
        self.submit_label = "Circulate again" if circulated else "Circulate the draft minutes"
        self.explanation = (
            f"The {people} recorded as attending this meeting who have an account are e-mailed a link to the draft "
            "minutes. They can read them and propose amendments until the minutes are approved; you accept or "
            "reject each amendment."
        )
        if circulated:
            self.explanation += (
                f" The minutes were circulated on {timezone.localtime(circulated):%-d %B %Y at %H:%M}: circulating "
                "again e-mails everyone who attended again (for example after you changed them)."
            )

    def act(self):
        result = minutes_circulate(meeting=self.meeting, user=self.request.user)
        people = f"{result.addressed} {'person' if result.addressed == 1 else 'people'} who attended"
        self.success_message = (
            f"Draft minutes circulated again: {people} told again by e-mail."
            if result.again
            else f"Draft minutes circulated: {people} told by e-mail."
        )

    def get_success_url(self):
        return reverse("meetings:minutes", args=[self.meeting.pk])


class AmendmentProposeView(RolePermissionMixin, FormPageMixin, CreateView):
    """Someone who attended proposes new wording for one minute of the circulated draft."""

    permission_required = "meetings.propose_amendment"
    form_class = AmendmentForm
    heading = "Propose an amendment"
    template_name = "meetings/amendment_form.html"

    def load(self, request, **kwargs):
        minutes = Minute.objects.visible_to(request.user).select_related("meeting__committee", "item")
        self.minute = get_object_or_404(minutes, pk=kwargs["pk"])
        _dhr_minute_gate(request, self.minute, "Amendment to")
        if not access.attended(request.user, self.minute.meeting):
            raise PermissionDenied(NOT_ATTENDED)

    def _closed(self):
        """Proposals closed (not circulated, approved): say why on the minutes page."""
        try:
            proposal_check(meeting=self.minute.meeting, user=self.request.user)
        except ValidationError as error:
            messages.error(self.request, " ".join(error.messages))
            return redirect(minute_url(self.minute))
        return None

    def get(self, request, *args, **kwargs):
        return self._closed() or super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        return self._closed() or super().post(request, *args, **kwargs)

    def get_initial(self):
        return {"proposed_text": self.minute.text}

    def get_caption(self):
        return f"Minute {self.minute.number}: {self.minute.title}"

    def get_back_url(self):
        return minute_url(self.minute)

    def get_context_data(self, **kwargs):
        return super().get_context_data(minute=self.minute, **kwargs)

    def form_valid(self, form):
        try:
            amendment_propose(
                minute=self.minute,
                user=self.request.user,
                proposed_text=form.cleaned_data["proposed_text"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        number = self.minute.number
        messages.success(self.request, f"Your amendment to minute {number} is with the clerk to accept or reject.")
        return redirect(minute_url(self.minute))


class AmendmentDecideView(OfficerMixin, FormPageMixin, FormView):
    """The clerk accepts or rejects one proposed amendment, with a reason."""

    form_class = AmendmentDecisionForm
    heading = "Accept or reject the amendment"
    template_name = "meetings/amendment_decide.html"

    def load(self, request, **kwargs):
        amendments = MinuteAmendment.objects.visible_to(request.user).select_related(
            "minute__meeting__committee", "minute__item"
        )
        self.amendment = get_object_or_404(amendments, pk=kwargs["pk"])
        self.minute = self.amendment.minute
        _dhr_minute_gate(request, self.minute, "Amendment to")
        self.minute_changed = not same_text(self.minute.text, self.amendment.based_on_text)

    def _decided(self):
        if self.amendment.status == MinuteAmendment.Status.PROPOSED:
            return None
        messages.info(
            self.request,
            f"This amendment was already {self.amendment.get_status_display().lower()}: each is decided once.",
        )
        return redirect(minute_url(self.minute))

    def get(self, request, *args, **kwargs):
        return self._decided() or super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        return self._decided() or super().post(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "minute_changed": self.minute_changed}

    def get_caption(self):
        return f"Minute {self.minute.number}: {self.minute.title}"

    def get_back_url(self):
        return minute_url(self.minute)

    def get_context_data(self, **kwargs):
        amendment = self.amendment
        return super().get_context_data(
            amendment=amendment,
            diff=wording_diff(amendment.based_on_text, amendment.proposed_text),
            changed_diff=wording_diff(amendment.based_on_text, self.minute.text) if self.minute_changed else None,
            **kwargs,
        )

    def form_valid(self, form):
        decision = form.cleaned_data["decision"]
        try:
            amendment = amendment_decide(
                amendment=self.amendment,
                user=self.request.user,
                accept=decision != REJECT,
                reason=form.cleaned_data["reason"],
                by_hand=decision == ACCEPT_BY_HAND,
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            f"Amendment by {amendment.proposer_name} {amendment.get_status_display().lower()}; they have been told.",
        )
        return redirect(minute_url(self.minute))
