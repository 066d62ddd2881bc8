"""Pack status, downloads (through kcsp.downloads), the officer's rebuild and withdrawal, and the officers'
record of restricted downloads."""

from django.conf import settings
from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.generic import FormView, ListView, TemplateView

from dhr.gate import dhr_gate
from kcsp.downloads import Outgoing, Sensitivity, file_send
from kcsp.kept_copies import kept_copies_clear
from kcsp.models import FileDownload
from kcsp.ranges import entity_tag

from .. import selectors
from ..forms import PackWithdrawForm
from ..models import Appendix, Meeting, Pack, Paper, SignedMinutes
from ..pack_reads import pack_read_mark
from ..packbuild.manifest import pack_withdrawal_reason
from ..packbuild.requests import pack_withdraw_stale, packs_request
from ..packbuild.withdraw import pack_withdraw, packs_withdrawals_release
from .base import FormPageMixin, OfficerMixin


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


def pack_unavailable(request, pack: Pack) -> HttpResponse | None:
    """The one guard every pack download passes: None when the file may be sent, else a page saying why not.

    The rule is packbuild.manifest.pack_withdrawal_reason. A stale pack nobody had withdrawn yet is withdrawn
    now and rebuilt. The answer is never 2xx, so it is never saved, cached or indexed as if it were the PDF
    (curl -O, download managers, the page cache, search engines), and `no-store` so no browser or proxy keeps it.
    Which non-2xx follows the pack's real state (Pack.state):
    - a rebuild queued or running: 503 with Retry-After, for the file exists again within minutes;
    - withdrawn with no build queued (an officer's hand, or a rebuild that failed): 404 without Retry-After. It
      stays so until an officer corrects it and rebuilds, which may be days: 503 would promise a retry that
      nothing schedules and tell uptime monitoring the server is failing, while 404 says what is true, that
      there is no current representation of the pack, and a crawler drops it until it is published again."""
    reason = pack_withdrawal_reason(pack)
    if not reason:
        return None
    kept_copies_clear(f"pack-{pack.pk}")  # readers' marked copies of a withdrawn pack are never served again
    if not pack.is_withdrawn:
        pack_withdraw_stale(pack=pack, reason=reason)
        pack.refresh_from_db()
    rebuilding = pack.state == "rebuilding"
    context = {"meeting": pack.meeting, "pack": pack, "can_manage": request.user.has_perm("meetings.manage")}
    response = render(request, "meetings/pack_unavailable.html", context, status=503 if rebuilding else 404)
    if rebuilding:
        response["Retry-After"] = str(settings.PACK_REBUILD_DELAY_SECONDS + 60)
    response["Cache-Control"] = "private, no-store"
    return response


def pack_outgoing(pack: Pack, *, inline: bool = False) -> Outgoing:
    """The pack as the one file path sends it: restricted packs watermarked per reader, kept per reader and
    version (kcsp.kept_copies, so their range requests read one copy), public packs tagged by their stored file's
    name, which is unique per build."""
    meeting = pack.meeting
    return Outgoing(
        f"{meeting.committee.label} {meeting.date:%Y-%m-%d} {pack.get_kind_display()}.pdf",
        "pdf",
        field_file=pack.file,
        sensitivity=Sensitivity.RESTRICTED if pack.is_restricted else Sensitivity.PUBLIC,
        what=f"{pack.get_kind_display()}, {meeting}",
        subject=pack,
        stamped=pack.is_restricted,
        inline=inline,
        stream=False,
        dhr=pack.kind == pack.Kind.DHR,
        etag="" if pack.is_restricted else f"pack-{entity_tag(pack.file.name)}",
        keep=f"pack-{pack.pk}" if pack.is_restricted else "",
    )


def pack_visible(request, pk, kind) -> tuple[QuerySet, Pack | HttpResponse]:
    """The user's packs of the meeting that have a file, and the one of `kind`, or the page saying why it is
    not available (pack_unavailable); 404 when there is none they may see."""
    meeting = visible_meeting(request, pk)
    packs = selectors.packs_for(meeting, request.user).exclude(file="").select_related("meeting__committee")
    pack = packs.filter(kind=kind).first()
    if pack is None:
        raise Http404
    return packs, pack_unavailable(request, pack) or pack


def pack_send(request, pk, kind, *, inline: bool = False) -> HttpResponse:
    """A pack through kcsp.downloads.file_send, guarded by pack_unavailable; an opening moves the reader's
    "last read" marker (a later range request of the same opening does not: file_send's `opening`)."""
    packs, pack = pack_visible(request, pk, kind)
    if isinstance(pack, HttpResponse):
        return pack

    def outgoing(row):
        return pack_outgoing(row, inline=inline)

    try:
        response = file_send(request, packs.filter(pk=pack.pk), outgoing)  # the row just checked; DHR: gated there
    except Http404:
        # A build swapped its new file in between reading the row and opening the file (the old file goes when
        # the swap commits): the reader gets the new pack, checked again, never a 404 for a pack that exists.
        fresh = packs.filter(pk=pack.pk).first()
        if fresh is None or fresh.file.name == pack.file.name:
            raise
        if (unavailable := pack_unavailable(request, fresh)) is not None:
            return unavailable
        response = file_send(request, packs.filter(pk=pack.pk), outgoing)
    if getattr(response, "opening", False):
        pack_read_mark(request.user, pack)  # the home page's "new since I last looked" (meetings/pack_reads.py)
    return response


class PackDownloadView(View):
    """A pack through the one file path: restricted packs watermarked for the reader and recorded.

    The approved minutes are no longer a pack: the old minutes-pack address leads, for good, to the signed
    record's public PDF (meetings:signed_minutes_pdf), which answers 404 until the minutes are signed."""

    def get(self, request, pk, kind):
        if kind == Pack.Kind.MINUTES:
            meeting = visible_meeting(request, pk)
            return redirect("meetings:signed_minutes_pdf", pk=meeting.pk, kind="public", permanent=True)
        return pack_send(request, pk, kind)


class PackRebuildView(OfficerMixin, View):
    def post(self, request, pk):
        meeting = visible_meeting(request, pk)
        if not meeting.is_published:
            messages.error(request, "Packs are built once the agenda is published.")
        else:
            packs_withdrawals_release(meeting=meeting)
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


class PackWithdrawView(OfficerMixin, FormPageMixin, FormView):
    """An officer stops a pack being served at once (a paper published with a mistake in it), with a reason.

    Readers then get "This pack has been withdrawn while it is corrected" until an officer rebuilds the packs: a
    build started after the withdrawal restores the pack."""

    form_class = PackWithdrawForm
    heading = "Withdraw this pack"

    def load(self, request, **kwargs):
        self.meeting = visible_meeting(request, kwargs["pk"])
        packs = selectors.packs_for(self.meeting, request.user).exclude(file="")
        self.pack = get_object_or_404(packs, kind=kwargs["kind"])
        if self.pack.kind == Pack.Kind.DHR:
            dhr_gate(request, what=f"Withdraw the DHR pack of {self.meeting}")

    def get_caption(self):
        return f"{self.pack.get_kind_display()}: {self.meeting}"

    def get_back_url(self):
        return self.meeting.get_absolute_url()

    def get_context_data(self, **kwargs):
        explanation = (
            "Nobody can download it from the moment you confirm: readers are told it has been withdrawn while it "
            "is corrected. Correct what is wrong, then rebuild the packs to restore it."
        )
        return super().get_context_data(explanation=explanation, **kwargs)

    def form_valid(self, form):
        try:
            pack_withdraw(pack=self.pack, reason=form.cleaned_data["reason"], by=self.request.user)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, f"The {self.pack.get_kind_display().lower()} is withdrawn.")
        return redirect(self.meeting)


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
    """FileDownload rows of the meeting's packs, papers, appendices and signed minutes that `user` may see."""
    papers = Paper.objects.visible_to(user).filter(item__meeting=meeting)
    subjects = {
        Pack: selectors.packs_for(meeting, user),
        Paper: papers,
        Appendix: Appendix.objects.filter(paper__in=papers),
        SignedMinutes: SignedMinutes.objects.visible_to(user).filter(meeting=meeting),
    }
    which = Q(pk__in=[])
    for model, rows in subjects.items():
        kind = ContentType.objects.get_for_model(model)
        which |= Q(content_type=kind, object_id__in=rows.values("pk"))
    return FileDownload.objects.filter(which).select_related("user")
