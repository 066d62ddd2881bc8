"""The signed record of a meeting's minutes: the PDF of each part, through the one file path, and errata."""

from dataclasses import replace

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import FormView

from kcsp.downloads import Outgoing, Sensitivity, file_send
from kcsp.mixins import RolePermissionMixin

from ..errata import erratum_record, erratum_signatory
from ..minute_forms import ErratumForm
from ..models import SignedMinutes
from ..record import KINDS
from .minutes import MeetingChildMixin

PREPARING_RETRY_SECONDS = 60
FILE_PART = {"public": "Minutes", "restricted": "Minutes of restricted items", "dhr": "Minutes of DHR items"}


def signed_outgoing(record: SignedMinutes) -> Outgoing:
    """The current rendition of one signed part. The restricted and DHR parts were stamped OFFICIAL-SENSITIVE
    when rendered, with the top band's second line kept for the downloader's watermark (file_send adds it)."""
    meeting = record.meeting
    restricted = record.kind != SignedMinutes.Kind.PUBLIC
    return Outgoing(
        f"{meeting.committee.label} {meeting.date:%Y-%m-%d} {FILE_PART[record.kind]}.pdf",
        "pdf",
        field_file=record.pdf,
        sensitivity=Sensitivity.RESTRICTED if restricted else Sensitivity.PUBLIC,
        what=f"Signed {record.get_kind_display().lower()}, {meeting}",
        subject=record,
        stamped=restricted,
        dhr=record.kind == SignedMinutes.Kind.DHR,
    )


class SignedMinutesPdfView(View):
    """One part (public, restricted, DHR) of the signed minutes as a PDF: 404 to whoever may not read that part,
    before signing and for a part with no minutes; 503 "being prepared" until its PDF has been rendered."""

    def get(self, request, pk, kind):
        if kind not in KINDS:
            raise Http404
        return signed_minutes_send(request, pk, kind)


def signed_minutes_send(request, pk: int, kind: str, *, inline: bool = False):
    """One part of a meeting's signed minutes through the one file path (the page above and the API's File):
    404 to whoever may not read it, 503 "being prepared" until rendered; `inline` opens it in place."""
    visible = SignedMinutes.objects.visible_to(request.user).filter(meeting_id=pk, kind=kind)
    visible = visible.select_related("meeting__committee")
    record = visible.first()  # a DHR part is loaded only for the cleared: visible_to leaves it out otherwise
    if record is None:
        raise Http404
    if not record.pdf:
        response = render(request, "meetings/signed_minutes_preparing.html", {"record": record}, status=503)
        response["Retry-After"] = str(PREPARING_RETRY_SECONDS)
        response["Cache-Control"] = "private, no-store"
        return response
    return file_send(request, visible, lambda row: replace(signed_outgoing(row), inline=inline), pk=record.pk)


class ErratumCreateView(RolePermissionMixin, MeetingChildMixin, FormView):
    """The chair records an erratum to signed minutes (meetings/errata.py): a dated, reasoned, signed note shown
    beside them; the signed record itself never changes."""

    permission_required = "meetings.approve_minutes"
    form_class = ErratumForm
    heading = "Record an erratum"

    def load(self, request, **kwargs):
        super().load(request, **kwargs)
        if self.meeting.minutes_signed_at is None:
            raise Http404  # nothing signed to correct: draft minutes are edited
        self.signatory = erratum_signatory(self.meeting, request.user)
        if self.signatory is None:
            raise PermissionDenied(
                "An erratum is signed by the committee's chair or vice-chair in office, or by the person who "
                "chaired the meeting that approved the minutes."
            )

    def get_back_url(self):
        return reverse("meetings:minutes", args=[self.meeting.pk])

    def get_initial(self):
        return {**super().get_initial(), "made_on": timezone.localdate()}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "meeting": self.meeting}

    def get_context_data(self, **kwargs):
        explanation = (
            f"The signed minutes do not change: this correction shows beside them, dated, with its reason, "
            f"signed by {self.signatory[1]}. It cannot be edited or removed once recorded."
        )
        return super().get_context_data(explanation=explanation, **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            erratum_record(
                meeting=self.meeting,
                user=self.request.user,
                minute=data["minute"],
                text=data["text"],
                reason=data["reason"],
                made_on=data["made_on"],
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, "Erratum recorded beside the signed minutes.")
        return redirect(f"{self.get_back_url()}#errata")
