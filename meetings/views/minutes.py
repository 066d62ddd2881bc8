"""Attendance, apologies, declarations, minutes and actions: the record of a held meeting."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.generic import CreateView, FormView, UpdateView

from dhr.gate import dhr_gate
from kcsp.locking import RecordLockMixin
from kcsp.mixins import RolePermissionMixin

from .. import minuting, services
from ..freeze import minutes_open_check
from ..minute_forms import (
    ActionForm,
    DeclarationForm,
    MinuteForm,
    MinutesApprovalForm,
    MinutesStartForm,
    items_to_record,
)
from ..minutetext import minute_blocks, part_label
from ..models import Action, Attendance, Meeting, Minute
from ..numbering import next_number
from ..signing import minutes_approve, notes_item_approves
from .base import ConfirmActionView, FormPageMixin, OfficerMixin, OneMeetingMixin


class MeetingChildMixin(OneMeetingMixin, FormPageMixin):
    """Forms that add something to one meeting the user may see."""


class AttendanceDeleteView(OfficerMixin, ConfirmActionView):
    heading = "Remove from the attendance list?"
    submit_label = "Remove"

    def load(self, request, **kwargs):
        visible = Attendance.objects.filter(meeting__in=Meeting.objects.visible_to(request.user))
        self.row = get_object_or_404(visible.select_related("person", "meeting"), pk=kwargs["pk"])

    def get_caption(self):
        return f"{self.row.person}: {self.row.get_kind_display()}"

    def act(self):
        minuting.attendance_remove(row=self.row)
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
        try:
            minuting.declaration_save(declaration=form.instance)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, "Declaration recorded.")
        return redirect("meetings:minutes", pk=self.meeting.pk)


class MinuteFormMixin:
    """Preview (nothing saved) or save; the page shows how the minute will print in the committee's style.
    Goes before FormPageMixin in a view's bases: its template (with the preview) replaces the plain form page."""

    form_class = MinuteForm
    template_name = "meetings/minute_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "meeting": self.minutes_meeting}

    def get_context_data(self, **kwargs):
        style = minuting.minute_style(self.minutes_meeting.committee)
        example = ", ".join(part_label(i, style.label_style) for i in range(3))
        return super().get_context_data(style={"wording": style.wording, "example": example}, **kwargs)

    def preview(self, form, number):
        minute = form.instance
        blocks = minute_blocks(minute.text, minuting.minute_style(self.minutes_meeting.committee))
        preview = {
            "number": number,
            "title": minute.title,
            "item": minute.item.code if minute.item else "",
            "blocks": blocks,
        }
        return self.render_to_response(self.get_context_data(form=form, preview=preview))


class MinuteCreateView(OfficerMixin, MinuteFormMixin, MeetingChildMixin, CreateView):
    heading = "Add a minute"

    @property
    def minutes_meeting(self):
        return self.meeting

    def get_initial(self):
        """?item=<pk> opens the form on that item; on the "Notes of …" item, agreeing the previous minutes."""
        initial = super().get_initial()
        chosen = self.request.GET.get("item", "")
        item = items_to_record(self.meeting, self.request.user).filter(pk=chosen).first() if chosen.isdigit() else None
        if item is not None:
            initial.update(item=item.pk, title=item.title)
            earlier = notes_item_approves(item)
            if earlier is not None:
                initial["approves_minutes_of"] = earlier.pk
        return initial

    def form_valid(self, form):
        form.instance.meeting = self.meeting
        try:
            placement = form.placement()
            if "preview" in self.request.POST:
                minutes_open_check(self.meeting)
                return self.preview(form, next_number(self.meeting, **placement))
            minute = minuting.minute_add(minute=form.instance, **placement)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, f"Minute {minute.number} added.")
        return redirect(f"{reverse('meetings:minutes', args=[self.meeting.pk])}#minute-{minute.number}")


class MinuteEditView(OfficerMixin, RecordLockMixin, MinuteFormMixin, FormPageMixin, UpdateView):
    heading = "Edit minute"
    lock_in_service = True

    @property
    def minutes_meeting(self):
        return self.object.meeting

    def form_valid(self, form):
        if "preview" in self.request.POST:
            try:
                minutes_open_check(self.object.meeting)
            except ValidationError as error:
                form.add_error(None, error)
                return self.form_invalid(form)
            return self.preview(form, form.instance.number)
        try:
            minuting.minute_save(minute=form.instance, lock=self.record_lock)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, f"Minute {form.instance.number} saved.")
        return redirect(self.get_success_url())

    def get_queryset(self):
        return (
            Minute.objects.visible_to(self.request.user)
            .filter(meeting__status=Meeting.Status.HELD, meeting__minutes_signed_at__isnull=True)
            .select_related("meeting__committee")
        )

    def get_back_url(self):
        return reverse("meetings:minutes", args=[self.object.meeting_id])

    def get_success_url(self):
        return f"{self.get_back_url()}#minute-{self.object.number}"


class DraftMinuteMixin:
    """Confirm-then-act pages on one draft minute the officer may see."""

    def load(self, request, **kwargs):
        minutes = Minute.objects.visible_to(request.user).select_related("meeting", "item")
        self.minute = get_object_or_404(minutes, pk=kwargs["pk"])
        if self.minute.is_dhr:
            dhr_gate(request, what=f"Minute {self.minute.number} of DHR item {self.minute.item.code}")

    def get_caption(self):
        return str(self.minute)

    def get_back_url(self):
        return reverse("meetings:minutes", args=[self.minute.meeting_id])

    get_success_url = get_back_url


class MinuteMoveView(OfficerMixin, DraftMinuteMixin, ConfirmActionView):
    heading = "Move this minute?"

    def load(self, request, **kwargs):
        super().load(request, **kwargs)
        if kwargs["direction"] not in ("up", "down"):
            raise Http404
        self.direction = kwargs["direction"]
        self.submit_label = f"Move {self.direction}"
        neighbour = "before" if self.direction == "up" else "after"
        self.explanation = (
            f"Minute {self.minute.number} swaps places with the minute {neighbour} it; "
            "the meeting's minutes are renumbered to match."
        )

    def act(self):
        if minuting.minute_move(minute=self.minute, direction=self.direction):
            self.success_message = f"Minute moved {self.direction}; the minutes have been renumbered."


class MinuteDeleteView(OfficerMixin, DraftMinuteMixin, ConfirmActionView):
    heading = "Delete this minute?"
    submit_label = "Delete minute"

    def load(self, request, **kwargs):
        super().load(request, **kwargs)
        actions = self.minute.actions.count()
        self.explanation = (
            f"Minute {self.minute.number} is deleted"
            + (f" with its {actions} action(s)" if actions else "")
            + "; the minutes after it are renumbered. The deletion stays in the minutes' history."
        )

    def act(self):
        minuting.minute_delete(minute=self.minute)
        self.success_message = f"Minute {self.minute.number} deleted; the minutes have been renumbered."


class MinutesStartView(OfficerMixin, MeetingChildMixin, FormView):
    form_class = MinutesStartForm
    heading = "Number of the first minute"

    def get_initial(self):
        return {"start": self.meeting.minutes_start_number}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            explanation="Minute numbers continue from one meeting of the committee to the next. Set the first "
            "number here to continue a sequence kept on paper or to resolve a clash.",
            **kwargs,
        )

    def form_valid(self, form):
        try:
            minuting.minutes_start_set(meeting=self.meeting, start=form.cleaned_data["start"])
        except ValidationError as error:
            form.add_error("start", error)
            return self.form_invalid(form)
        messages.success(self.request, "The minutes have been numbered from the first number.")
        return redirect("meetings:minutes", pk=self.meeting.pk)


class ActionCreateView(OfficerMixin, FormPageMixin, CreateView):
    form_class = ActionForm
    heading = "Add an action"

    def load(self, request, **kwargs):
        self.minute = get_object_or_404(Minute.objects.visible_to(request.user), pk=kwargs["pk"])

    def get_caption(self):
        return str(self.minute)

    def form_valid(self, form):
        form.instance.minute = self.minute
        try:
            minuting.action_save(action=form.instance)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, "Action added.")
        return redirect("meetings:minutes", pk=self.minute.meeting_id)

    def get_back_url(self):
        return reverse("meetings:minutes", args=[self.minute.meeting_id])


class ActionEditView(OfficerMixin, RecordLockMixin, FormPageMixin, UpdateView):
    form_class = ActionForm
    heading = "Update action"
    lock_in_service = True

    def get_queryset(self):
        return Action.objects.visible_to(self.request.user).select_related("minute__meeting")

    def form_valid(self, form):
        try:
            minuting.action_save(action=form.instance, lock=self.record_lock)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, "Action updated.")
        return redirect(self.get_success_url())

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
            minutes_approve(meeting=self.meeting, at_meeting=form.cleaned_data["at_meeting"], user=self.request.user)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, "Minutes approved as a correct record and signed.")
        return redirect("meetings:minutes", pk=self.meeting.pk)
