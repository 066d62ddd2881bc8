"""The pack reader: a page of ours that shows a pack with PDF.js (static/kcsp/reader.js) beside its agenda.

It records nothing itself: the opening is recorded by the reader's file (meetings:pack_reader_file), which the
page's script fetches through the one guarded file path.
"""

from django.contrib.staticfiles import finders
from django.http import Http404
from django.urls import NoReverseMatch, reverse
from django.views.generic import TemplateView

from dhr.gate import dhr_gate
from kcsp.exports import OFFICIAL_SENSITIVE

from .. import selectors
from ..models import Pack
from ..reader_agenda import last_read, page_label, reader_agenda
from .packs import pack_unavailable, visible_meeting


def _url(name: str, *args) -> str:
    """The URL of a route another part of issue 17 adds ("" while it is not there yet: the script then skips it)."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def reader_url(pack: Pack) -> str:
    return reverse("meetings:pack_reader", args=[pack.meeting_id, pack.kind])


def reader_file_url(pack: Pack) -> str:
    """The PDF the reader loads: meetings:pack_reader_file (Range and ETag, one watermarked copy per reader)."""
    return _url("meetings:pack_reader_file", pack.meeting_id, pack.kind) or reverse(
        "meetings:pack_download", args=[pack.meeting_id, pack.kind]
    )


class PackReaderView(TemplateView):
    """GET /meetings/<pk>/packs/<kind>/read/: the same visibility and freshness guard as the pack's download
    (selectors.packs_for, packs.pack_unavailable, DHR through dhr_gate); 404 for a pack the user may not see.

    Public and supplementary packs are `private, no-cache` with `X-Pack-Public: 1` (the offline service worker may
    keep them); restricted and DHR packs `private, no-store`, their marking shown above and below the frame."""

    template_name = "meetings/pack_reader.html"

    def get(self, request, *args, **kwargs):
        meeting = visible_meeting(request, kwargs["pk"])
        packs = selectors.packs_for(meeting, request.user).exclude(file="")
        self.pack = packs.filter(kind=kwargs["kind"]).exclude(kind=Pack.Kind.MINUTES).first()
        if self.pack is None:
            raise Http404
        if self.pack.kind == Pack.Kind.DHR:
            dhr_gate(request, what=f"Read the {self.pack.get_kind_display()} of {meeting}")
        if (unavailable := pack_unavailable(request, self.pack)) is not None:
            return unavailable
        self.meeting = meeting
        self.supplementary = (
            packs.filter(kind=Pack.Kind.SUPPLEMENTARY, withdrawn_at__isnull=True).first()
            if self.pack.kind != Pack.Kind.DHR
            else None
        )
        response = super().get(request, *args, **kwargs)
        if self.pack.is_restricted:
            response["Cache-Control"] = "private, no-store"
        else:
            response["Cache-Control"] = "private, no-cache"
            response["X-Pack-Public"] = "1"
        return response

    def get_context_data(self, **kwargs):
        pack, user = self.pack, self.request.user
        read = last_read(user, pack)
        resume = read.last_page if read and read.last_page and read.last_page > 1 else None
        supplement_url = reader_url(self.supplementary) if self.supplementary else ""
        return super().get_context_data(
            meeting=self.meeting,
            pack=pack,
            agenda=reader_agenda(pack, user, supplementary=self.supplementary, supplement_url=supplement_url),
            marking=OFFICIAL_SENSITIVE if pack.is_restricted else "",
            file_url=reader_file_url(pack),
            download_url=reverse("meetings:pack_download", args=[pack.meeting_id, pack.kind]),
            pages_url=_url("meetings:pack_pages", pack.meeting_id, pack.kind),
            position_url=_url("meetings:pack_position_api", pack.pk) if user.is_authenticated else "",
            notes_url=_url("meetings:pack_notes_api", pack.pk) if user.is_authenticated else "",
            note_url=_url("meetings:note_api", 0) if user.is_authenticated else "",  # reader-notes.js puts the id
            my_notes_url=_url("meetings:my_notes") if user.is_authenticated else "",
            # Only packs anyone may read are offered for offline reading (the worker checks X-Pack-Public too).
            offline=not pack.is_restricted,
            service_worker_url=_url("reader_service_worker"),
            labels=pack.page_labels or [],
            resume_page=resume,
            resume_label=page_label(pack, resume),
            notes_module=bool(finders.find("kcsp/reader-notes.js")),
            **kwargs,
        )
