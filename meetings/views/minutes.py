"""Attendance, apologies, declarations, minutes and actions: the record of a held meeting."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.generic import CreateView, FormView, UpdateView

from kcsp.locking import RecordLockMixin
from kcsp.mixins import RolePermissionMixin

from .. import selectors, services
from ..forms import ActionForm, AttendanceForm, DeclarationForm, MinuteForm, MinutesApprovalForm
from ..models import Action, Attendance, Meeting, Minute
from .base import ConfirmActionView, FormPageMixin, OfficerMixin


class MeetingChildMixin(FormPageMixin):
    """Forms that add something to one meeting the user may see."""

    def load(self, request, **kwargs):
        meetings = Meeting.objects.visible_to(request.user).select_related("committee")
        self.meeting = get_object_or_404(meetings, pk=kwargs["pk"])

    def get_caption(self):
        return str(self.meeting)

    def get_back_url(self):
        return self.meeting.get_absolute_url()


class AttendanceView(OfficerMixin, MeetingChildMixin, CreateView):
    form_class = AttendanceForm
    heading = "Attendance"
    template_name = "meetings/attendance.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            attendance=selectors.attendance_for(self.meeting), quorum=services.meeting_quorum(self.meeting), **kwargs
        )

    def form_valid(self, form):
        form.instance.meeting = self.meeting
        if Attendance.objects.filter(meeting=self.meeting, person=form.cleaned_data["person"]).exists():
            form.add_error("person", "This person is already on the attendance list: remove them first to change it")
            return self.form_invalid(form)
        form.save()
        messages.success(self.request, f"{form.instance.person} recorded: {form.instance.get_kind_display()}.")
        return redirect("meetings:attendance", pk=self.meeting.pk)


class AttendanceDeleteView(OfficerMixin, ConfirmActionView):
    heading = "Remove from the attendance list?"
    submit_label = "Remove"

    def load(self, request, **kwargs):
        visible = Attendance.objects.filter(meeting__in=Meeting.objects.visible_to(request.user))
        self.row = get_object_or_404(visible.select_related("person", "meeting"), pk=kwargs["pk"])

    def get_caption(self):
        return f"{self.row.person}: {self.row.get_kind_display()}"

    def act(self):
        self.row.delete()
        self.success_message = f"{self.row.person} removed from the attendance list."

    def get_back_url(self):
        return reverse("meetings:attendance", args=[self.row.meeting_id])

    get_success_url = get_back_url


class ApologiesView(RolePermissionMixin, MeetingChildMixin, ConfirmActionView):
    permission_required = "meetings.send_apologies"
    heading = "Send your apologies"
    submit_label = "Send apologies"
    explanation = (
        "The contact officer will see that you cannot attend. Arrange a substitute if your organisation has one."
    )

    def act(self):
        person = getattr(self.request.user, "person", None)
        if person is None:
            raise ValidationError("Your account is not linked to a member of this committee.")
        services.apologies_send(meeting=self.meeting, person=person)
        self.success_message = "Your apologies have been sent."

    def get_success_url(self):
        return self.meeting.get_absolute_url()


class DeclarationCreateView(OfficerMixin, MeetingChildMixin, CreateView):
    form_class = DeclarationForm
    heading = "Record a declaration of interest"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "meeting": self.meeting}

    def form_valid(self, form):
        form.instance.meeting = self.meeting
        form.save()
        messages.success(self.request, "Declaration recorded.")
        return redirect("meetings:minutes", pk=self.meeting.pk)


class MinuteCreateView(OfficerMixin, MeetingChildMixin, CreateView):
    form_class = MinuteForm
    heading = "Add a minute"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "meeting": self.meeting}

    def form_valid(self, form):
        form.instance.meeting = self.meeting
        try:
            minute = services.minute_add(minute=form.instance)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, f"Minute {minute.number} added.")
        return redirect("meetings:minutes", pk=self.meeting.pk)


class MinuteEditView(OfficerMixin, RecordLockMixin, FormPageMixin, UpdateView):
    form_class = MinuteForm
    heading = "Edit minute"
    lock_in_service = True

    def form_valid(self, form):
        try:
            services.minute_save(minute=form.instance, lock=self.record_lock)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, f"Minute {form.instance.number} saved.")
        return redirect(self.get_success_url())

    def get_queryset(self):
        return Minute.objects.visible_to(self.request.user).filter(meeting__status=Meeting.Status.HELD)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "meeting": self.object.meeting}

    def get_back_url(self):
        return reverse("meetings:minutes", args=[self.object.meeting_id])

    get_success_url = get_back_url


class ActionCreateView(OfficerMixin, FormPageMixin, CreateView):
    form_class = ActionForm
    heading = "Add an action"

    def load(self, request, **kwargs):
        self.minute = get_object_or_404(Minute.objects.visible_to(request.user), pk=kwargs["pk"])

    def get_caption(self):
        return str(self.minute)

    def form_valid(self, form):
        form.instance.minute = self.minute
        form.save()
        messages.success(self.request, "Action added.")
        return redirect("meetings:minutes", pk=self.minute.meeting_id)

    def get_back_url(self):
        return reverse("meetings:minutes", args=[self.minute.meeting_id])


class ActionEditView(OfficerMixin, RecordLockMixin, FormPageMixin, UpdateView):
    form_class = ActionForm
    heading = "Update action"

    def get_queryset(self):
        return Action.objects.visible_to(self.request.user).select_related("minute")

    def get_back_url(self):
        return reverse("meetings:minutes", args=[self.object.minute.meeting_id])

    get_success_url = get_back_url


class MinutesApproveView(RolePermissionMixin, MeetingChildMixin, FormView):
    permission_required = "meetings.approve_minutes"
    form_class = MinutesApprovalForm
    heading = "Approve and sign the minutes"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "meeting": self.meeting}

    def form_valid(self, form):
        try:
            services.minutes_approve(
                meeting=self.meeting, at_meeting=form.cleaned_data["at_meeting"], chair=self.request.user
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, "Minutes approved as a correct record and signed.")
        return redirect("meetings:minutes", pk=self.meeting.pk)
