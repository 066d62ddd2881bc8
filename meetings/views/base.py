"""Shared pieces of the meetings views."""

from django.shortcuts import get_object_or_404
from rules.contrib.views import PermissionRequiredMixin

from kcsp.pages import ConfirmActionView, FormPageMixin

from ..models import Meeting

__all__ = ["ConfirmActionView", "FormPageMixin", "MeetingPageMixin", "OfficerMixin", "OneMeetingMixin"]


class OfficerMixin(PermissionRequiredMixin):
    permission_required = "meetings.manage"


class OneMeetingMixin:
    """A form page about one meeting the user may see (404 otherwise): captioned with the meeting, back to it."""

    def load(self, request, **kwargs):
        meetings = Meeting.objects.visible_to(request.user).select_related("committee")
        self.meeting = get_object_or_404(meetings, pk=kwargs["pk"])

    def get_caption(self):
        return str(self.meeting)

    def get_back_url(self):
        return self.meeting.get_absolute_url()


class MeetingPageMixin(OneMeetingMixin):
    """OneMeetingMixin, and back to the meeting when done."""

    def get_success_url(self):
        return self.meeting.get_absolute_url()
