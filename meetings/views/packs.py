"""Pack status, downloads (through kcsp.downloads), the rebuild, and the officers' record of restricted downloads."""

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.generic import ListView, TemplateView

from kcsp.downloads import Outgoing, Sensitivity, file_send
from kcsp.models import FileDownload

from .. import selectors
from ..models import Appendix, Meeting, Pack, Paper
from ..packbuild.requests import packs_request
from .base import OfficerMixin


def visible_meeting(request, pk) -> Meeting:
    return get_object_or_404(Meeting.objects.visible_to(request.user).select_related("committee"), pk=pk)


@method_decorator(never_cache, name="dispatch")
class PackStatusView(TemplateView):
    """The packs panel alone, fetched every few seconds by the meeting page while a build runs (never cached)."""

    template_name = "meetings/includes/packs.html"

    def get_context_data(self, **kwargs):
        meeting = visible_meeting(self.request, kwargs["pk"])
        return super().get_context_data(
            meeting=meeting,
            packs=selectors.packs_for(meeting, self.request.user),
            can_manage=self.request.user.has_perm("meetings.manage"),
            **kwargs,
        )


class PackDownloadView(View):
    """A pack through the one file path: restricted packs watermarked for the reader and recorded."""

    def get(self, request, pk, kind):
        meeting = visible_meeting(request, pk)

        def outgoing(pack):
            return Outgoing(
                f"{meeting.committee.label} {meeting.date:%Y-%m-%d} {pack.get_kind_display()}.pdf",
                "pdf",
                field_file=pack.file,
                sensitivity=Sensitivity.RESTRICTED if pack.is_restricted else Sensitivity.PUBLIC,
                what=f"{pack.get_kind_display()}, {meeting}",
                subject=pack,
                stamped=pack.is_restricted,
                stream=False,
            )

        packs = selectors.packs_for(meeting, request.user).exclude(file="")
        return file_send(request, packs, outgoing, kind=kind)


class PackRebuildView(OfficerMixin, View):
    def post(self, request, pk):
        meeting = visible_meeting(request, pk)
        if not meeting.is_published:
            messages.error(request, "Packs are built once the agenda is published.")
        else:
            packs = packs_request(meeting=meeting, delay=0)
            if any(pack.sent is False for pack in packs):
                messages.warning(
                    request,
                    "The rebuild is queued, but the background service that builds packs is unavailable just now. "
                    "The request is saved and the packs will be built as soon as it is back; members keep the "
                    "current ones until then.",
                )
            else:
                messages.success(request, "The packs are being rebuilt. Members keep the current ones until then.")
        return redirect(meeting)


class DownloadLogView(OfficerMixin, ListView):
    """Who downloaded this meeting's restricted packs, papers and appendices: officers only, newest first.

    Only records of files the officer may open themselves are listed (a DHR pack's readers only to the cleared).
    """

    template_name = "meetings/download_log.html"
    paginate_by = 50

    def get_queryset(self):
        self.meeting = visible_meeting(self.request, self.kwargs["pk"])
        return downloads_for(self.meeting, self.request.user)

    def get_context_data(self, **kwargs):
        return super().get_context_data(meeting=self.meeting, **kwargs)


def downloads_for(meeting: Meeting, user):
    """FileDownload rows of the meeting's packs, papers and appendices that `user` may see."""
    papers = Paper.objects.visible_to(user).filter(item__meeting=meeting)
    subjects = {
        Pack: selectors.packs_for(meeting, user),
        Paper: papers,
        Appendix: Appendix.objects.filter(paper__in=papers),
    }
    which = Q(pk__in=[])
    for model, rows in subjects.items():
        kind = ContentType.objects.get_for_model(model)
        which |= Q(content_type=kind, object_id__in=rows.values("pk"))
    return FileDownload.objects.filter(which).select_related("user")
