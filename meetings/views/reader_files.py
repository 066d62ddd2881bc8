"""The pack reader's files: the pack itself for PDF.js (ranges, one kept copy per reader) and chosen pages of it.

Both go through the same guarded path as the "Download" link (packs.pack_send / pack_visible: visibility,
pack_unavailable, the DHR gate, kcsp.downloads.file_send)."""

from urllib.parse import urlencode

import pikepdf
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views import View

from dhr.gate import dhr_gate
from kcsp.downloads import Outgoing, file_send

from ..pack_pages import PackPagesForm, pack_labels, pack_page_parts, pages_extract, pages_text
from .packs import pack_outgoing, pack_send, pack_visible

PUBLIC_KINDS = ("public", "supplementary")


class PackReaderFileView(View):
    """The pack for the in-page reader, inline: Range and ETag (kcsp.ranges); a restricted or DHR pack from the
    reader's own watermarked copy, kept per pack version and day (kcsp.kept_copies), `private, no-store`, its
    opening recorded once however many ranges follow. `X-Pack-Public: 1` marks the packs the reader's service
    worker may keep for offline reading (public and supplementary), and only those."""

    def get(self, request, pk, kind):
        response = pack_send(request, pk, kind, inline=True)
        if kind in PUBLIC_KINDS and getattr(response, "sent_by_file_send", False):
            response["X-Pack-Public"] = "1"
        return response


class PackPagesView(View):
    """ "Print or download pages": a GET form (pages like "5-9, 23", or items ticked); a valid answer is the PDF of
    those pack pages as built, watermarked and recorded through file_send when the pack is restricted."""

    template_name = "meetings/pack_pages.html"

    def get(self, request, pk, kind):
        return self.answer(request, pk, kind, request.GET if {"pages", "item"} & set(request.GET) else None)

    def post(self, request, pk, kind):
        """The same form posted (the page itself sends it by GET): refused with its errors, or sent on to the GET
        answer, so a POST never makes the file (nor its record) and the address of the pages is shareable."""
        return self.answer(request, pk, kind, request.POST)

    def answer(self, request, pk, kind, data):
        packs, pack = pack_visible(request, pk, kind)
        if isinstance(pack, HttpResponse):
            return pack  # pack_unavailable's page
        if pack.kind == pack.Kind.DHR:
            dhr_gate(request, what=f"Pages of the DHR pack of {pack.meeting}")
        labels = pack_labels(pack, pack.page_count or _page_total(pack))
        form = PackPagesForm(data, labels=labels, parts=pack_page_parts(pack), viewer=request.user)
        if data is not None and form.is_valid():
            if request.method == "POST":
                chosen = {"pages": form.cleaned_data["pages"], "item": form.cleaned_data.get("item", [])}
                query = urlencode(chosen, doseq=True)
                return redirect(f"{request.path}?{query}")
            return self.send(request, packs, pack, form.cleaned_data["indexes"], labels)
        context = {"form": form, "pack": pack, "meeting": pack.meeting, "back_url": pack.meeting.get_absolute_url()}
        return render(request, self.template_name, context)

    def send(self, request, packs, pack, indexes, labels):
        chosen = pages_text(indexes, labels)

        def outgoing(row):
            whole = pack_outgoing(row)
            try:
                data = pages_extract(whole.read(), indexes, labels)
            except (pikepdf.PdfError, IndexError) as error:
                raise Http404 from error
            stem = whole.filename.removesuffix(".pdf")
            return Outgoing(
                f"{stem} pages {chosen}.pdf",
                "pdf",
                data,
                sensitivity=whole.sensitivity,
                what=f"Pages {chosen} of the {whole.what}",
                subject=row,
                stamped=whole.stamped,
                inline=True,
                dhr=whole.dhr,
            )

        return file_send(request, packs.filter(pk=pack.pk), outgoing)


def _page_total(pack) -> int:
    try:
        with pack.file.open("rb") as handle, pikepdf.open(handle) as pdf:
            return len(pdf.pages)
    except (OSError, pikepdf.PdfError) as error:
        raise Http404 from error
