"""Agenda pack build speed and memory, with a naive one-document build and a merge-only floor measured alongside.

Run: .venv/bin/python bench/pack.py   (throw-away database kcsp_bench_pack on the test PostgreSQL, temporary media)
"""

import io
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchdb import bench_database
from django.conf import settings
from django.core.files.base import ContentFile
from django.utils import timezone

WORDS = [
    "partnership",
    "community",
    "safety",
    "priority",
    "action",
    "plan",
    "domestic",
    "abuse",
    "violence",
    "reduction",
    "grant",
    "tactical",
    "outcome",
    "measure",
    "delivery",
    "district",
    "borough",
    "council",
    "police",
    "commissioner",
    "working",
    "group",
    "review",
]


def prose(n_words: int, seed: int) -> str:
    return " ".join(WORDS[(seed + i * 7) % len(WORDS)] for i in range(n_words)).capitalize() + "."


def uploaded_pdf(pages: int, label: str) -> bytes:
    import weasyprint

    body = "".join(
        f"<h1>{label} page {n}</h1><p>{prose(300, n)}</p><p style='break-after: page'></p>" for n in range(1, pages + 1)
    )
    return weasyprint.HTML(string=f"<html lang='en'><body>{body}</body></html>").write_pdf()


def make_meeting(*, written: int, uploaded: int, upload_pages: int, section: str = "B", reason: str = ""):
    from meetings.models import AgendaItem, Committee, Meeting, Paper, PaperSection

    now = timezone.now()
    committee, _ = Committee.objects.get_or_create(slug="bench", defaults={"name": "Bench partnership"})
    meeting = Meeting.objects.create(
        committee=committee,
        starts_at=now,
        contact_name="Bench",
        status="published",
        agenda_agreed_at=now,
        published_at=now,
    )
    position = 0
    for n in range(written):
        position += 1
        item = AgendaItem.objects.create(
            meeting=meeting, section=section, position=position, title=f"Written report {n}", restriction_reason=reason
        )
        paper = Paper.objects.create(
            item=item,
            format="written",
            subject=f"Written report {n}",
            authors="Shafick Peerbux - Head of Community Safety, KCC",
            summary=prose(40, n),
            recommendations="\n\n".join(prose(30, n + r) for r in range(4)),
        )
        for s in range(1, 6):
            PaperSection.objects.create(
                paper=paper,
                position=s,
                heading=f"Section {s}",
                body="\n\n".join(prose(110, n * 10 + s + p) for p in range(4)),
            )
    for n in range(uploaded):
        position += 1
        item = AgendaItem.objects.create(
            meeting=meeting, section=section, position=position, title=f"Uploaded report {n}", restriction_reason=reason
        )
        paper = Paper(
            item=item, format="uploaded", subject=f"Uploaded report {n}", original_name=f"u{n}.pdf", file_kind="pdf"
        )
        paper.file.save(f"u{n}.pdf", ContentFile(uploaded_pdf(upload_pages, f"Uploaded report {n}")))
    return meeting


def timed(fn, rounds=1):
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def naive_build(meeting) -> bytes:
    """The whole pack as one HTML document in WeasyPrint, uploads merged after: no parts, no cache."""
    import weasyprint
    from django.template.loader import render_to_string
    from pypdf import PdfReader, PdfWriter

    from meetings.models import Paper

    bodies = []
    for paper in Paper.objects.filter(item__meeting=meeting, format="written").select_related("item"):
        html = render_to_string("meetings/pdf/paper.html", {"paper": paper, "item": paper.item, "pdf_lang": "en-GB"})
        bodies.append(html.split("<body>", 1)[1].split("</body>", 1)[0])
    style = render_to_string("meetings/pdf/print_style.html")
    document = f"<html lang='en-GB'><head>{style}</head><body>" + "<div style='break-before: right'></div>".join(bodies)
    written = weasyprint.HTML(string=document + "</body></html>").write_pdf(pdf_variant="pdf/ua-1")
    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(written)))
    for paper in Paper.objects.filter(item__meeting=meeting, format="uploaded"):
        writer.append(PdfReader(paper.file.path))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def verdict(met: bool) -> str:
    return "MET" if met else "MISSED"


def cold_build(meeting, kind):
    """A build with the part cache empty and no page's text extents remembered (stamp.py): every part rendered."""
    from meetings.packbuild import stamp
    from meetings.packbuild.parts import cache_dir
    from meetings.packbuild.service import pack_build

    shutil.rmtree(cache_dir(), ignore_errors=True)
    stamp._EXTENTS.clear()
    return pack_build(meeting=meeting, kind=kind)


def main():
    from meetings.models import Pack, Paper
    from meetings.packbuild.assemble import PackPart, build_pdf, watermark_copy
    from meetings.packbuild.pages import lay_out
    from meetings.packbuild.parts import RenderStats
    from meetings.packbuild.service import pack_build, sources_for
    from meetings.packbuild.warm import pack_worker_warm_up

    warm_up = pack_worker_warm_up()  # what every worker process does when it starts (kcsp/celery.py)
    meeting = make_meeting(written=8, uploaded=4, upload_pages=5)
    full, _ = timed(lambda: cold_build(meeting, Pack.Kind.PUBLIC), rounds=3)
    pack = Pack.objects.get(meeting=meeting, kind="public")
    naive, _ = timed(lambda: naive_build(meeting), rounds=3)
    size_kb = Path(pack.file.path).stat().st_size / 1024
    paper = Paper.objects.filter(item__meeting=meeting, format="written").first()
    edits = iter(range(100))

    def edit_and_rebuild():
        paper.summary = f"A changed summary, edit {next(edits)}."
        paper.save()
        return pack_build(meeting=meeting, kind=Pack.Kind.PUBLIC)

    rebuild, stats = timed(edit_and_rebuild, rounds=3)
    assert stats.rendered == [f"paper {paper.pk}"], stats
    unchanged, stats = timed(lambda: pack_build(meeting=meeting, kind=Pack.Kind.PUBLIC), rounds=3)
    assert stats.rendered == [], stats

    cached = RenderStats()
    parts = [
        PackPart(s.key, s.title, s.make(), parent_key=s.parent_key) for s in sources_for(meeting, "public", cached)
    ]
    front_pdf, layout = lay_out(lambda layout: _front(meeting, layout), [(p.key, p.page_count) for p in parts])
    floor, _ = timed(
        lambda: build_pdf(
            front=front_pdf,
            layout=layout,
            parts=[PackPart(p.key, p.outline_title, p.pdf, p.parent_key) for p in parts],
            title="floor",
        ),
        rounds=3,
    )

    from kcsp.pdfstructure import structure_problems

    pack.refresh_from_db()  # rebuilt since: its file is a new one
    pack_bytes = Path(pack.file.path).read_bytes()
    check, problems = timed(lambda: structure_problems(pack_bytes), rounds=3)
    print(f"public pack: {pack.page_count} pages (8 written papers, 4 uploaded PDFs of 5 pages), {size_kb:.0f} KB")
    print(f"structure checker (on in the tests, off in production): {check:.2f} s, {len(problems)} problems")
    print(f"worker warm-up (once per worker process, at its start; done before the figures below): {warm_up:.2f} s")
    print(f"full build (cold part cache):  {full:6.2f} s (median of 3; with the warm-up {full + warm_up:.2f} s)")
    print(f"naive one-document build:      {naive:6.2f} s (median of 3)")
    print(f"rebuild after one paper edit:  {rebuild:6.2f} s (median of 3)")
    print(
        f"merge-only floor:              {floor:6.2f} s; cached rebuild (every part from the cache) "
        f"{unchanged:.2f} s = {unchanged / floor:.1f}x the floor; after one edit {rebuild / floor:.1f}x"
    )
    print("targets:")
    print(f"  cold build <= 1.2x naive:            {full / naive:5.2f}x  {verdict(full <= 1.2 * naive)}")
    print(f"  rebuild >= 8x faster than naive:     {naive / rebuild:5.1f}x  {verdict(naive / rebuild >= 8)}")
    print(f"  cached rebuild <= 3x merge floor:    {unchanged / floor:5.1f}x  {verdict(unchanged <= 3 * floor)}")

    restricted = make_meeting(written=0, uploaded=4, upload_pages=5, section="D", reason="prevent")
    pack_build(meeting=restricted, kind=Pack.Kind.RESTRICTED)
    restricted_pack = Pack.objects.get(meeting=restricted, kind="restricted")
    data = Path(restricted_pack.file.path).read_bytes()
    download, _ = timed(
        lambda: watermark_copy(data, "OFFICIAL-SENSITIVE - downloaded by Mr A Harper on 23 November 2026"), rounds=5
    )
    print(
        f"  restricted download ({restricted_pack.page_count} pages, watermarked per person) <= 0.5 s: "
        f"{download:.3f} s  {verdict(download <= 0.5)}"
    )


def _front(meeting, layout):
    from meetings.packbuild.parts import RenderStats, rendered_part
    from meetings.packbuild.service import items_for

    context = {
        "meeting": meeting,
        "kind": "public",
        "kind_label": "Agenda pack",
        "items": list(items_for(meeting, "public")),
        "pages": {},
        "marking": "",
    }
    return rendered_part(
        "meetings/pdf/front_sheet.html", context, title="Agenda pack", label="front", stats=RenderStats()
    )


def memory_probe():
    """Run in a child process: build a 200-page pack and report this process's peak memory."""
    from meetings.models import Pack
    from meetings.packbuild.service import pack_build

    meeting = make_meeting(written=20, uploaded=20, upload_pages=5)
    pack_build(meeting=meeting, kind=Pack.Kind.PUBLIC)
    pack = Pack.objects.get(meeting=meeting, kind="public")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"200-page pack: {pack.page_count} pages, {Path(pack.file.path).stat().st_size / 1024 / 1024:.1f} MB, "
        f"worker peak memory {peak_mb:.0f} MB; target <= 500 MB {verdict(peak_mb <= 500)}"
    )


if __name__ == "__main__":
    media = tempfile.mkdtemp(prefix="kcsp-bench-")
    settings.MEDIA_ROOT = media
    try:
        if "--memory" in sys.argv:
            with bench_database("kcsp_bench_memory_packs"):
                memory_probe()
        else:
            with bench_database("kcsp_bench_pack_packs"):
                main()
            subprocess.run([sys.executable, __file__, "--memory"], check=True)  # noqa: S603
    finally:
        shutil.rmtree(media, ignore_errors=True)
