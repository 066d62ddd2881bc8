"""The pack reader: a page of ours that shows a pack with PDF.js (static/kcsp/reader.js) beside its agenda.

It records nothing itself: the opening is recorded by the reader's file (meetings:pack_reader_file), which the
page's script fetches through the one guarded file path.
"""

import json

from django.http import Http404, HttpResponse
from django.urls import reverse
from django.views.generic import TemplateView

from dhr.gate import dhr_gate
from kcsp.exports import OFFICIAL_SENSITIVE

from ..models import Pack
from ..reader_agenda import last_read, page_label, reader_agenda
from .packs import pack_visible


def reader_url(pack: Pack) -> str:
    return reverse("meetings:pack_reader", args=[pack.meeting_id, pack.kind])


class PackReaderView(TemplateView):
    """GET /meetings/<pk>/packs/<kind>/read/: the same visibility and freshness guard as the pack's download
    (packs.pack_visible: selectors.packs_for and pack_unavailable; DHR through dhr_gate); 404 for a pack the user
    may not see.

    Public and supplementary packs are `private, no-cache` with `X-Pack-Public: 1` (the offline service worker may
    keep them); restricted and DHR packs `private, no-store`, their marking shown above and below the frame."""

    template_name = "meetings/pack_reader.html"

    def get(self, request, *args, **kwargs):
        if kwargs["kind"] == Pack.Kind.MINUTES:
            raise Http404  # retired: the approved minutes are the signed record's PDF
        packs, pack = pack_visible(request, kwargs["pk"], kwargs["kind"])
        if isinstance(pack, HttpResponse):
            return pack  # pack_unavailable's page: withdrawn or being rebuilt
        if pack.kind == Pack.Kind.DHR:
            dhr_gate(request, what=f"Read the {pack.get_kind_display()} of {pack.meeting}")
        self.pack, self.meeting = pack, pack.meeting
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
            file_url=reverse("meetings:pack_reader_file", args=[pack.meeting_id, pack.kind]),
            download_url=reverse("meetings:pack_download", args=[pack.meeting_id, pack.kind]),
            pages_url=reverse("meetings:pack_pages", args=[pack.meeting_id, pack.kind]),
            position_url=reverse("meetings:pack_position_api", args=[pack.pk]) if user.is_authenticated else "",
            notes_url=reverse("meetings:pack_notes_api", args=[pack.pk]) if user.is_authenticated else "",
            note_url=reverse("meetings:note_api", args=[0]) if user.is_authenticated else "",  # reader-notes.js: id
            my_notes_url=reverse("meetings:my_notes") if user.is_authenticated else "",
            # Only packs anyone may read are offered for offline reading (the worker checks X-Pack-Public too).
            offline=not pack.is_restricted,
            service_worker_url=reverse("reader_service_worker"),
            labels=pack.page_labels or [],
            labels_json=json.dumps(pack.page_labels or []),  # the pack's own page numbers, for the script
            resume_page=resume,
            resume_label=page_label(pack, resume),
            **kwargs,
        )
