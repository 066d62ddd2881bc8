"""A published pack's page numbers never change (issue 17): real packs built, read back with pypdf and pikepdf."""

import functools
import io
from pathlib import Path

import pikepdf
import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from pypdf import PdfReader

from meetings.models import AgendaItem, Meeting, Pack, PackContent, Paper
from meetings.packbuild.assemble import watermark_copy
from meetings.packbuild.pages import page_layout
from meetings.packbuild.service import pack_build
from meetings.packbuild.stamp import BLANK_TEXT

from .factories import MeetingFactory

BLANK = " ".join(BLANK_TEXT.split())


@functools.cache
def marked_pdf(marker: str, pages: int) -> bytes:
    """An uploaded paper of `pages` pages, page n saying "<marker>-PAGE-<n>"."""
    import weasyprint

    body = "".join(f"<p style='break-after: page'>{marker}-PAGE-{n}</p>" for n in range(1, pages + 1))
    return weasyprint.HTML(string=f"<html lang='en'><body>{body}</body></html>").write_pdf()


def upload(paper: Paper, marker: str, pages: int) -> Paper:
    paper.format, paper.original_name, paper.file_kind = "uploaded", f"{marker}.pdf", "pdf"
    paper.file.save(f"{marker}.pdf", ContentFile(marked_pdf(marker, pages)))
    return paper


def uploaded(item: AgendaItem, marker: str, pages: int = 1, **fields) -> Paper:
    return upload(Paper(item=item, subject=f"{marker} paper", **fields), marker, pages)


@pytest.fixture
def meeting(db, settings, tmp_path):
    """A published meeting: B1 a written paper, B2 and B3 uploaded one-page papers, D1 a restricted paper."""
    settings.MEDIA_ROOT = tmp_path
    now = timezone.now()
    meeting = MeetingFactory(status=Meeting.Status.PUBLISHED, agenda_agreed_at=now, published_at=now)
    b1, b2, b3 = (
        AgendaItem.objects.create(meeting=meeting, section="B", position=n, title=f"Item B{n}", kind="report")
        for n in (1, 2, 3)
    )
    Paper.objects.create(item=b1, format="written", subject="Annual report", summary="The partnership met its targes.")
    uploaded(b2, "B2")
    uploaded(b3, "B3")
    d1 = AgendaItem.objects.create(
        meeting=meeting, section="D", position=1, title="Prevent", kind="report", restriction_reason="prevent"
    )
    uploaded(d1, "D1")
    return meeting


def built(meeting: Meeting, kind: str = "public") -> tuple[Pack, list[str]]:
    """Build the pack; the pack and each page's text (whitespace made single spaces)."""
    pack_build(meeting=meeting, kind=kind)
    pack = Pack.objects.get(meeting=meeting, kind=kind)
    assert pack.status == Pack.Status.READY, pack.failure
    texts = [" ".join(page.extract_text().split()) for page in PdfReader(pack.file.path).pages]
    assert len(texts) == pack.page_count == len(pack.page_labels)
    return pack, texts


def page_of(texts: list[str], labels: list[str], marker: str) -> str:
    (label,) = [label for label, text in zip(labels, texts, strict=True) if marker in text]
    return label


def test_a_published_pack_labels_every_page_and_tells_every_viewer(meeting):
    pack, texts = built(meeting)
    assert pack.page_labels == ["1", "2", "3", "4", "5", "6", "7"]
    assert all(text.endswith(f"Page {label}") for label, text in zip(pack.page_labels, texts, strict=True))
    with pikepdf.open(pack.file.path) as pdf:
        assert [page.label for page in pdf.pages] == pack.page_labels
    assert PdfReader(pack.file.path).page_labels == pack.page_labels, "a second reader agrees"
    assert [part["key"] for part in pack.page_plan["parts"]][0] == "front"
    assert pack.page_plan["published_at"] == meeting.published_at.isoformat()
    assert "Annual report" in texts[2] and "B2-PAGE-1" in texts[4] and "B3-PAGE-1" in texts[6]
    assert texts[1].startswith(BLANK) and texts[3].startswith(BLANK)


def test_a_corrected_typo_leaves_every_page_where_it_was(meeting):
    pack, before = built(meeting)
    Paper.objects.filter(subject="Annual report").update(summary="The partnership met its targets.")
    again, after = built(meeting)
    assert again.page_labels == pack.page_labels and again.page_plan == pack.page_plan
    assert "targes" in before[2] and "targets" in after[2]
    assert [t for n, t in enumerate(after) if n != 2] == [t for n, t in enumerate(before) if n != 2]


def test_a_longer_paper_runs_on_to_lettered_pages_and_a_shorter_one_is_padded(meeting):
    b2 = Paper.objects.get(subject="B2 paper")
    upload(b2, "B2", 2)
    pack, before = built(meeting)  # published with B2 on pages 5 - 6, B3 on page 7
    assert pack.page_labels == ["1", "2", "3", "4", "5", "6", "7"]
    upload(b2, "B2", 1)
    pack, shorter = built(meeting)
    assert pack.page_labels == ["1", "2", "3", "4", "5", "6", "7"]
    assert shorter[5] == f"{BLANK} Page 6", "padded where its second page was"
    assert shorter[6] == before[6] and "B3-PAGE-1" in shorter[6]
    upload(b2, "B2", 4)
    pack, longer = built(meeting)
    labels = pack.page_labels
    assert labels == ["1", "2", "3", "4", "5", "6", "6a", "6b", "7"]
    assert [page_of(longer, labels, f"B2-PAGE-{n}") for n in (1, 2, 3, 4)] == ["5", "6", "6a", "6b"]
    assert longer[-1] == before[-1], "B3 keeps its number and its page"
    assert "Pages 5 - 6b" in longer[0], "the front sheet prints the labels"
    with pikepdf.open(pack.file.path) as pdf:
        assert [page.label for page in pdf.pages] == labels


def test_a_paper_added_after_publication_is_only_in_the_supplementary_pack(meeting):
    pack, before = built(meeting)
    late = uploaded(meeting.items.get(section="B", position=2), "LATE", is_supplementary=True)
    again, after = built(meeting)
    assert again.page_labels == pack.page_labels and len(after) == len(before)
    assert after[1:] == before[1:] and not any("LATE-PAGE" in text for text in after)
    assert "added after publication is in the supplementary pack" in after[0]
    supplementary, texts = built(meeting, "supplementary")
    assert supplementary.page_labels == ["1", "2", "3"]
    assert texts[2] == "LATE-PAGE-1 Page 3" and "B2-PAGE-1" not in " ".join(texts)
    row = supplementary.contents.get(paper=late)
    assert (row.first_page, row.last_page) == (3, 3)


def test_a_restricted_late_paper_goes_at_the_end_after_a_divider(meeting):
    pack, before = built(meeting, "restricted")
    assert pack.page_labels == ["1", "2", "3"]
    late = uploaded(meeting.items.get(section="D"), "DLATE", is_supplementary=True)
    pack, after = built(meeting, "restricted")
    assert pack.page_labels == ["1", "2", "3", "4", "5", "6", "7"]
    assert after[1:3] == before[1:3], "the pages published stay as they were"
    assert "SUPPLEMENTARY PAPERS" in after[4] and "DLATE-PAGE-1" in after[6]
    assert "Pages 3, 7" in after[0]
    item_row = pack.contents.get(what=PackContent.What.ITEM)
    assert (item_row.first_page, item_row.last_page) == (3, 7)
    assert (pack.contents.get(paper=late).first_page, pack.contents.get(paper=late).last_page) == (7, 7)
    copy = watermark_copy(Path(pack.file.path).read_bytes(), "downloaded by Dr K Okafor")
    with pikepdf.open(io.BytesIO(copy)) as pdf:
        assert [page.label for page in pdf.pages] == pack.page_labels, "a reader's watermarked copy keeps them"


def test_a_removed_paper_leaves_its_numbers_unused_and_the_front_sheet_says_so(meeting):
    pack, before = built(meeting)
    Paper.objects.filter(subject="B2 paper").delete()
    pack, after = built(meeting)
    assert pack.page_labels == ["1", "2", "3", "6", "7"]
    assert after[1:3] == before[1:3] and after[3:] == before[5:]
    assert "no other page has moved): Pages 4 - 5." in after[0]
    with pikepdf.open(pack.file.path) as pdf:
        assert [page.label for page in pdf.pages] == pack.page_labels


def test_manifest_pages_point_at_the_pages_holding_each_paper(meeting):
    b3 = Paper.objects.get(subject="B3 paper")
    upload(b3, "B3", 3)
    pack, texts = built(meeting)
    rows = {row.paper.subject: row for row in pack.contents.filter(what=PackContent.What.PAPER)}
    for subject, marker in (("Annual report", "Annual report"), ("B2 paper", "B2-PAGE-1"), ("B3 paper", "B3-PAGE")):
        row = rows[subject]
        holding = [n for n, text in enumerate(texts, start=1) if marker in text and n > 1]
        assert (row.first_page, row.last_page) == (holding[0], holding[-1]), subject
    items = {row.item.code: row for row in pack.contents.filter(what=PackContent.What.ITEM)}
    assert (items["B3"].first_page, items["B3"].last_page) == (7, 9)
    assert all(row.first_page and row.last_page for row in pack.contents.all())


def test_drafts_are_not_planned_and_a_new_publication_starts_a_fresh_plan():
    sizes = [("front", 1), ("paper-1", 2), ("paper-2", 1)]
    draft = page_layout(sizes)
    assert draft.plan == {} and draft.labels == ["1", "2", "3", "4", "5"]
    first = page_layout(sizes, published_at="2026-11-01T10:00:00+00:00")
    grown = [("front", 1), ("paper-1", 3), ("paper-2", 1)]
    kept = page_layout(grown, plan=first.plan, published_at="2026-11-01T10:00:00+00:00")
    assert kept.labels == ["1", "2", "3", "4", "4a", "5"] and kept.plan == first.plan
    fresh = page_layout(grown, plan=first.plan, published_at="2026-11-20T10:00:00+00:00")
    assert fresh.labels == ["1", "2", "3", "4", "5", "6", "7"]
    assert fresh.plan["published_at"] == "2026-11-20T10:00:00+00:00"


def test_parts_new_since_the_plan_go_at_the_end_and_join_it():
    at = "2026-11-01T10:00:00+00:00"
    first = page_layout([("front", 2), ("paper-1", 1)], published_at=at)
    assert first.labels == ["1", "2", "3"]
    later = page_layout([("front", 2), ("item-9", 2), ("paper-1", 1)], plan=first.plan, published_at=at)
    assert later.labels == ["1", "2", "3", "4", "5", "6"] and later.physical("item-9") == (5, 6)
    assert [part["key"] for part in later.plan["parts"]] == ["front", "paper-1", "item-9"]
    longer_front = page_layout([("front", 3), ("item-9", 2), ("paper-1", 1)], plan=later.plan, published_at=at)
    assert longer_front.labels == ["1", "2", "2a", "3", "4", "5", "6"]
