"""The chair's agreement of an agenda (meetings/chair_agreement.py): an officer sends it with a note or takes it back;
the chair reads the whole agenda on one page, then agrees it or returns it with comments. Each page takes one step
of meetings/lifecycle.py's table."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.generic import FormView

from kcsp.mixins import RolePermissionMixin

from .. import chair_agreement as agreement
from .. import selectors
from ..agenda_print import EXCLUSION_STATEMENT
from ..chair_forms import AgreeForm, ReturnToOfficerForm, SendToChairForm, TakeBackForm
from ..lifecycle import STEPS
from ..models import AgendaItem, Meeting
from .base import FormPageMixin, MeetingPageMixin


class ChairStepView(RolePermissionMixin, MeetingPageMixin, FormPageMixin, FormView):
    """A form page taking the step `action` with one meeting the user may see (the step's permission first)."""

    action = ""
    explanation = ""

    def get_permission_required(self):
        return (STEPS[self.action].permission,)

    @property
    def heading(self):
        return STEPS[self.action].label

    def get_context_data(self, **kwargs):
        return super().get_context_data(explanation=self.get_explanation(), **kwargs)

    def get_explanation(self):
        return self.explanation

    def form_valid(self, form):
        try:
            message = self.take(form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, message)
        return redirect(self.get_success_url())


class AgendaSendToChairView(ChairStepView):
    action = agreement.SEND
    form_class = SendToChairForm

    def get_explanation(self):
        names = ", ".join(address.name for address in agreement.chair_addresses(self.meeting))
        return (
            f"{names or 'The chairs'} will be e-mailed a link to the whole agenda, with your note, and can agree it "
            "or return it to you with comments. While it is with the chair its items cannot change: take it back "
            "first if they must."
        )

    def take(self, data):
        agreement.agenda_send_to_chair(meeting=self.meeting, user=self.request.user, note=data["note"])
        return "The agenda is with the chair for agreement. The chair is being e-mailed."


class AgendaTakeBackView(ChairStepView):
    action = agreement.TAKE_BACK
    form_class = TakeBackForm
    explanation = "The agenda becomes a draft again, so you can change it; send it to the chair again when it is ready."

    def take(self, data):
        agreement.agenda_take_back(meeting=self.meeting, user=self.request.user, reason=data["reason"])
        return "You took the agenda back from the chair: it is a draft again."


class AgendaReturnView(ChairStepView):
    action = agreement.RETURN
    form_class = ReturnToOfficerForm
    explanation = (
        "The agenda goes back to the officer as a draft, with your comments, which they are e-mailed and see on the "
        "meeting's page. They send it to you again once it is changed."
    )

    def get_back_url(self):
        return agreement_url(self.meeting)

    def take(self, data):
        agreement.agenda_return(meeting=self.meeting, chair=self.request.user, comments=data["comments"])
        return "You returned the agenda to the officer with your comments."


def agreement_url(meeting: Meeting) -> str:
    return reverse("meetings:agenda_agree", args=[meeting.pk])


class AgendaAgreeView(ChairStepView):
    """The chair's page: the whole agenda (every item with its kind, purpose, restriction, papers attached or
    missing), the publication deadline and the officer's note; Agree, or Return with comments."""

    action = agreement.AGREE
    form_class = AgreeForm
    template_name = "meetings/agenda_agreement.html"

    @property
    def heading(self):
        return "Agree the agenda"

    def get_context_data(self, **kwargs):
        meeting, user = self.meeting, self.request.user
        sections = selectors.agenda_sections(meeting, user)
        for section in sections:
            for item in section.items:
                readable = not getattr(item, "listed_only", False)
                item.paper_missing = readable and item.kind == AgendaItem.Kind.REPORT and not item.papers.all()
        return super().get_context_data(
            meeting=meeting,
            sections=sections,
            exclusion_statement=EXCLUSION_STATEMENT,
            request_change=agreement.agreement_request(meeting),
            may_agree=meeting.status in STEPS[agreement.AGREE].sources,
            may_return=meeting.status in STEPS[agreement.RETURN].sources,
            fingerprint=agreement.agenda_fingerprint(meeting),
            days_left=agreement.working_days_left(meeting),
            today=timezone.localdate(),
            **kwargs,
        )

    def take(self, data):
        agreement.agenda_chair_agree(meeting=self.meeting, chair=self.request.user, seen=data["seen"])
        return "You agreed the agenda. An officer can now publish it."
