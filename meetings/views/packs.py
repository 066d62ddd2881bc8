"""Pack status, downloads (restricted ones watermarked and recorded) and the officer's rebuild."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.http import content_disposition_header
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView

from dhr.gate import dhr_gate

from .. import selectors
from ..models import Meeting, PackDownload
from ..packbuild.assemble import watermark_copy
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
    def get(self, request, pk, kind):
        meeting = visible_meeting(request, pk)
        pack = selectors.packs_for(meeting, request.user).filter(kind=kind).exclude(file="").first()
        if pack is None:
            raise Http404
        if pack.kind == pack.Kind.DHR:
            dhr_gate(request, what=f"DHR pack: {meeting}", action="download")
        with pack.file.open("rb") as handle:
            data = handle.read()
        if pack.is_restricted:
            person = getattr(request.user, "person", None)
            name = person.display_name if person else request.user.get_full_name()
            stamp = f"OFFICIAL-SENSITIVE - downloaded by {name} on {timezone.localdate():%-d %B %Y} - do not forward"
            data = watermark_copy(data, stamp)
            PackDownload.objects.create(pack=pack, user=request.user, ip_address=request.META.get("REMOTE_ADDR"))
        filename = f"{meeting.committee.label} {meeting.date:%Y-%m-%d} {pack.get_kind_display()}.pdf"
        response = HttpResponse(data, content_type="application/pdf")
        response["Content-Disposition"] = content_disposition_header(True, filename)  # quotes in names escaped
        response["Cache-Control"] = "private, no-store"
        return response


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
